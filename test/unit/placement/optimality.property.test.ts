import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { solvePlacement } from '../../../src/placement/index.js';
import type { Candidate, Demand, PlacementProblem, PlacementResult } from '../../../src/placement/model.js';

// Cross-check against brute force on small coupled instances (≤ 4 demands × ≤ 5 candidates):
// capacity shared across demands, zone diversity, anti-affinity, affinity, distance and feature
// filters, a weighted objective. The brute force below re-implements the semantics from the
// model's documentation (not from the solver's code): it enumerates every assignment.

const R = 6371;
function km(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

const ZONES = ['az1', 'az2', 'az3'];

const candidateArb = fc.record({
  lat: fc.integer({ min: 26, max: 48 }),
  lon: fc.integer({ min: -122, max: -70 }),
  zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
  vcpu: fc.integer({ min: 4, max: 16 }),
  used: fc.integer({ min: 0, max: 4 }),
  memory: fc.integer({ min: 4, max: 24 }),
  fixed: fc.integer({ min: 0, max: 20 }),
  perVcpu: fc.integer({ min: 0, max: 3 }),
  sriov: fc.boolean(),
});

const demandArb = fc.record({
  vcpu: fc.integer({ min: 1, max: 6 }),
  memory: fc.integer({ min: 0, max: 8 }),
  weight: fc.integer({ min: 1, max: 3 }),
  sriov: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
  limitKm: fc.option(fc.integer({ min: 1500, max: 4000 }), { nil: undefined, freq: 1 }),
});

const subsetArb = (n: number) => fc.subarray(Array.from({ length: n }, (_, k) => k));

const problemArb = fc
  .record({
    cands: fc.array(candidateArb, { minLength: 2, maxLength: 5 }),
    dems: fc.array(demandArb, { minLength: 1, maxLength: 4 }),
    weights: fc.record({ distance: fc.constantFrom(0, 0.5, 1), cost: fc.constantFrom(0, 1, 3), load: fc.constantFrom(0, 40) }),
  })
  .chain((base) =>
    fc.record({
      base: fc.constant(base),
      diversity: fc.option(fc.record({ members: subsetArb(base.dems.length), level: fc.constantFrom('zone' as const, 'region' as const) }), { nil: undefined, freq: 1 }),
      anti: fc.option(subsetArb(base.dems.length), { nil: undefined, freq: 1 }),
      affinity: fc.option(fc.record({ members: subsetArb(base.dems.length), level: fc.constantFrom('candidate' as const, 'zone' as const) }), { nil: undefined, freq: 2 }),
    }),
  )
  .map(({ base, diversity, anti, affinity }): PlacementProblem => {
    const candidates: Candidate[] = base.cands.map((c, j) => ({
      id: `c${j}`, cloudOwner: 'o', cloudRegionId: `r${j}`, identifierType: 'cloudRegionId', lat: c.lat, lon: c.lon, zone: c.zone,
      capacity: { total: { vcpu: c.vcpu, memoryMb: c.memory, storageGb: 1 << 20 }, used: { vcpu: Math.min(c.used, c.vcpu), memoryMb: 0, storageGb: 0 } },
      features: c.sriov ? ['sriov'] : [], cost: { fixed: c.fixed, perVcpu: c.perVcpu }, attributes: {},
    }));
    const demands: Demand[] = base.dems.map((d, k) => ({
      id: `d${k}`, serviceResourceId: `s${k}`, requirements: { vcpu: d.vcpu, memoryMb: d.memory, storageGb: 0 }, weight: d.weight,
      requiredFeatures: d.sriov ? ['sriov'] : [],
      ...(d.limitKm ? { maxDistanceKm: { lat: 35, lon: -97, km: d.limitKm } } : {}),
    }));
    const ids = (ks: number[]) => ks.map((k) => `d${k}`);
    return {
      candidates, demands,
      zoneDiversity: diversity ? [{ demands: ids(diversity.members), level: diversity.level }] : [],
      antiAffinity: anti ? [{ demands: ids(anti) }] : [],
      affinity: affinity ? [{ demands: ids(affinity.members), level: affinity.level }] : [],
      objective: { weights: base.weights, location: { lat: 33, lon: -97 } },
      timeoutMs: 20_000,
    };
  });

/** Objective of every feasible assignment (candidate index per demand), by enumeration. */
function bruteForce(p: PlacementProblem): { objective: number; assignment: number[] }[] {
  const C = p.candidates.length, D = p.demands.length;
  const w = p.objective!.weights!;
  const level = (c: Candidate, l: string) => (l === 'candidate' ? c.id : l === 'region' ? `${c.cloudOwner}/${c.cloudRegionId}` : (c.zone ?? `#${c.id}`));
  const pairCost = (d: Demand, c: Candidate): number | null => {
    if (d.maxDistanceKm && km(d.maxDistanceKm, c) > d.maxDistanceKm.km) return null;
    if ((d.requiredFeatures ?? []).some((f) => !c.features.includes(f))) return null;
    const price = (c.cost.fixed ?? 0) + (c.cost.perVcpu ?? 0) * d.requirements.vcpu;
    const util = (used: number, req: number, total: number) => (total > 0 ? (used + req) / total : 0);
    const { total, used } = c.capacity;
    const load = Math.max(util(used.vcpu, d.requirements.vcpu, total.vcpu), util(used.memoryMb, d.requirements.memoryMb, total.memoryMb));
    return (d.weight ?? 1) * ((w.distance ?? 0) * km(p.objective!.location!, c) + (w.cost ?? 0) * price + (w.load ?? 0) * load);
  };
  const out: { objective: number; assignment: number[] }[] = [];
  const a = new Array<number>(D).fill(0);
  for (let n = 0; n < C ** D; n++) {
    for (let k = 0, x = n; k < D; k++, x = Math.floor(x / C)) a[k] = x % C;
    const costs = a.map((j, k) => pairCost(p.demands[k], p.candidates[j]));
    if (costs.some((x) => x === null)) continue;
    const vcpu = new Array<number>(C).fill(0), mem = new Array<number>(C).fill(0);
    a.forEach((j, k) => {
      vcpu[j] += p.demands[k].requirements.vcpu;
      mem[j] += p.demands[k].requirements.memoryMb;
    });
    const { total, used } = { total: (j: number) => p.candidates[j].capacity.total, used: (j: number) => p.candidates[j].capacity.used };
    if (vcpu.some((v, j) => v > total(j).vcpu - used(j).vcpu) || mem.some((m, j) => m > total(j).memoryMb - used(j).memoryMb)) continue;
    const members = (names: string[]) => names.map((id) => Number(id.slice(1)));
    const distinct = (ks: number[], l: string) => new Set(ks.map((k) => level(p.candidates[a[k]], l))).size === ks.length;
    if (!(p.zoneDiversity ?? []).every((g) => distinct(members(g.demands), g.level))) continue;
    if (!(p.antiAffinity ?? []).every((g) => distinct(members(g.demands), 'candidate'))) continue;
    if (!(p.affinity ?? []).every((g) => new Set(members(g.demands).map((k) => level(p.candidates[a[k]], g.level ?? 'candidate'))).size <= 1)) continue;
    out.push({ objective: (costs as number[]).reduce((s, x) => s + x, 0), assignment: [...a] });
  }
  return out.sort((x, y) => x.objective - y.objective);
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

function checkAgainst(r: PlacementResult, all: ReturnType<typeof bruteForce>): void {
  const feasibleKeys = new Map(all.map((s) => [s.assignment.join(','), s.objective]));
  for (const sol of r.solutions) {
    const key = sol.assignments.map((a) => Number(a.candidateId.slice(1))).join(',');
    assert.ok(feasibleKeys.has(key), `solver returned an infeasible assignment ${key}`);
    assert.ok(close(sol.objective, feasibleKeys.get(key)!), `objective ${sol.objective} ≠ recomputed ${feasibleKeys.get(key)}`);
  }
  assert.equal(new Set(r.solutions.map((s) => s.assignments.map((a) => a.candidateId).join())).size, r.solutions.length, 'solutions are distinct');
}

test('optimal objective equals brute force; infeasible iff brute force finds nothing', async () => {
  await fc.assert(
    fc.asyncProperty(problemArb, fc.constantFrom(1, 3), async (p, k) => {
      const all = bruteForce(p);
      const r = await solvePlacement({ ...p, numSolutions: k });
      if (all.length === 0) {
        assert.equal(r.status, 'infeasible');
        assert.ok((r.infeasibility ?? []).length > 0);
        return;
      }
      assert.equal(r.status, 'optimal');
      checkAgainst(r, all);
      const expected = all.slice(0, k).map((s) => s.objective);
      assert.equal(r.solutions.length, expected.length);
      r.solutions.forEach((s, j) => assert.ok(close(s.objective, expected[j]), `solution ${j}: ${s.objective} vs ${expected[j]}`));
    }),
    { numRuns: 300, seed: 20240611 },
  );
});

test('large-model path (restricted MILP, pricing, local search) never reports a wrong optimum or bound', async () => {
  await fc.assert(
    fc.asyncProperty(problemArb, fc.constantFrom(3, 6, 10), async (p, limit) => {
      const all = bruteForce(p);
      const r = await solvePlacement({ ...p, limits: { milpMaxBinaries: limit } });
      if (r.status === 'infeasible') assert.equal(all.length, 0, 'claimed infeasible but a solution exists');
      if (all.length === 0) return assert.notEqual(r.status, 'optimal');
      checkAgainst(r, all);
      if (r.status === 'optimal') assert.ok(close(r.solutions[0].objective, all[0].objective));
      if (r.status === 'feasible') {
        assert.ok(r.solutions[0].objective >= all[0].objective - 1e-6);
        assert.ok(r.stats.lowerBound! <= all[0].objective + 1e-6 * Math.max(1, all[0].objective), `bound ${r.stats.lowerBound} above optimum ${all[0].objective}`);
      }
    }),
    { numRuns: 300, seed: 7 },
  );
});
