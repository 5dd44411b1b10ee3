import type { Infeasibility, LicenseDemand, LicensePool, LicenseSolution, PlacementProblem } from './model.js';

// licenseInfo → licenseSolutions. OSDF reads license demands from the wrong key and would answer
// "NOT SUPPORTED" anyway (reference §A3.9); here pools are a real resource. Each new licence takes
// one unit of a pool; `existingLicenses` are kept when the pool still serves the model and region
// (their unit is already in `used`). Region allowance is also a unary placement filter (see
// compile.ts), so the only interaction not optimised jointly with placement is pool-capacity
// contention that a different placement could have avoided; allocation itself is an exact
// capacitated bipartite matching, so it fails only when no allocation exists for this placement.

function serves(p: LicensePool, ld: LicenseDemand): boolean {
  return p.modelInvariantId === ld.modelInvariantId && (p.modelVersionId === undefined || p.modelVersionId === ld.modelVersionId);
}

function allows(p: LicensePool, region: string | undefined): boolean {
  return p.allowedRegions === undefined || region === undefined || p.allowedRegions.includes(region);
}

function holds(p: LicensePool, ld: LicenseDemand): boolean {
  const ex = ld.existingLicenses;
  if (!ex) return false;
  return ex.entitlementPoolUuids.some((u) => p.entitlementPoolUuids.includes(u)) || ex.licenseKeyGroupUuids.some((u) => p.licenseKeyGroupUuids.includes(u));
}

function sortedPools(problem: PlacementProblem): LicensePool[] {
  return [...(problem.licensePools ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Regions a placement demand may use because of its licence: the union of the allowed regions of
 * the pools that could license it. Undefined = unrestricted (or no usable pool at all, which the
 * allocation reports as a licence failure rather than by rejecting every candidate).
 */
export function licenseRegions(problem: PlacementProblem): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const pools = sortedPools(problem);
  for (const ld of problem.licenseDemands ?? []) {
    const usable = pools.filter((p) => serves(p, ld) && (p.capacity - p.used >= 1 || holds(p, ld)));
    if (usable.length === 0 || usable.some((p) => p.allowedRegions === undefined)) continue;
    out.set(ld.id, new Set(usable.flatMap((p) => p.allowedRegions ?? [])));
  }
  return out;
}

function solution(ld: LicenseDemand, p: LicensePool, kept: boolean): LicenseSolution {
  return {
    demandId: ld.id,
    serviceResourceId: ld.serviceResourceId,
    poolId: p.id,
    entitlementPoolUuids: [...p.entitlementPoolUuids],
    licenseKeyGroupUuids: [...p.licenseKeyGroupUuids],
    entitlementPoolInvariantUuids: [...(p.entitlementPoolInvariantUuids ?? [])],
    licenseKeyGroupInvariantUuids: [...(p.licenseKeyGroupInvariantUuids ?? [])],
    kept,
  };
}

/** `regionOf`: cloudRegionId chosen for the placement demand with the same id, if any. */
export function allocateLicenses(problem: PlacementProblem, regionOf: Map<string, string>): { solutions: LicenseSolution[]; failures: Infeasibility[] } {
  const pools = sortedPools(problem);
  const demands = problem.licenseDemands ?? [];
  const solutions = new Map<number, LicenseSolution>();
  const failures: Infeasibility[] = [];
  const eligible: number[][] = [];
  const open: number[] = [];
  demands.forEach((ld, k) => {
    const region = regionOf.get(ld.id);
    const keep = pools.find((p) => serves(p, ld) && allows(p, region) && holds(p, ld));
    if (keep) solutions.set(k, solution(ld, keep, true));
    eligible.push(keep ? [] : pools.flatMap((p, j) => (serves(p, ld) && allows(p, region) ? [j] : [])));
    if (!keep) open.push(k);
  });
  const assigned = bipartite(open, eligible, pools.map((p) => Math.max(0, Math.floor(p.capacity - p.used))));
  for (const k of open) {
    const ld = demands[k];
    const j = assigned.get(k);
    if (j !== undefined) solutions.set(k, solution(ld, pools[j], false));
    else failures.push({ demandId: ld.id, constraint: 'license', detail: explainFailure(ld, pools, regionOf.get(ld.id), eligible[k]) });
  }
  return { solutions: [...solutions.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s), failures };
}

/** Kuhn's augmenting paths with pool capacities; pools are tried by most spare units, then id. */
function bipartite(open: number[], eligible: number[][], cap: number[]): Map<number, number> {
  const assign = new Map<number, number>();
  const members: number[][] = cap.map(() => []);
  const tryPlace = (k: number, seen: Set<number>): boolean => {
    const order = [...eligible[k]].sort((a, b) => cap[b] - members[b].length - (cap[a] - members[a].length) || a - b);
    for (const j of order) {
      if (!seen.has(j) && members[j].length < cap[j]) return take(k, j);
    }
    for (const j of order) {
      if (seen.has(j)) continue;
      seen.add(j);
      for (const other of members[j]) {
        members[j] = members[j].filter((x) => x !== other);
        if (tryPlace(other, seen)) return take(k, j);
        members[j].push(other);
      }
    }
    return false;
  };
  const take = (k: number, j: number): boolean => {
    members[j].push(k);
    assign.set(k, j);
    return true;
  };
  for (const k of open) tryPlace(k, new Set());
  return assign;
}

function explainFailure(ld: LicenseDemand, pools: LicensePool[], region: string | undefined, eligible: number[]): string {
  const model = `${ld.modelInvariantId}${ld.modelVersionId ? ` version ${ld.modelVersionId}` : ''}`;
  const serving = pools.filter((p) => serves(p, ld));
  if (serving.length === 0) return `no licence pool for model ${model}`;
  if (eligible.length === 0) return `no licence pool for model ${model} allows region ${region ?? '(unplaced)'}`;
  const detail = eligible.map((j) => `${pools[j].id} ${pools[j].used}/${pools[j].capacity} used`).join(', ');
  return `licence pools for model ${model} exhausted: ${detail}`;
}
