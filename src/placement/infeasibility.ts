import { groupLabel, type Compiled, type Group } from './compile.js';
import { REJECT_KINDS } from './filter.js';
import { fullScope, solveMilp, type MilpScope } from './milp.js';
import type { Infeasibility } from './model.js';

// Explaining "no solution" with the smallest conflicting set we can find, cheapest proofs first:
// 1. a demand with no candidate left after the unary filters (with counts per reason);
// 2. a diversity / anti-affinity group whose members cannot get distinct zones/candidates at all
//    (Hall's condition: a subset S reaching fewer than |S| values), an affinity group with no level
//    value every member reaches (shrunk to a minimal subset), aggregate capacity short;
// 3. otherwise a deletion filter over MILP feasibility checks: drop constraint groups (capacity per
//    resource, each group) and then demands one at a time, keeping a drop whenever the rest stays
//    infeasible. What remains is irreducible at that granularity (when time allows).

const LIST_CAP = 8;

function names(c: Compiled, ks: Iterable<number>): string[] {
  return Array.from(ks, (k) => c.problem.demands[k].id);
}

function capped(items: string[]): string {
  return items.length <= LIST_CAP ? items.join(', ') : `${items.slice(0, LIST_CAP).join(', ')} … (${items.length} in all)`;
}

export function unaryConflicts(c: Compiled): Infeasibility[] {
  const out: Infeasibility[] = [];
  c.filters.forEach((f, k) => {
    if (f.feas.length > 0) return;
    const parts = REJECT_KINDS.flatMap((kind, j) => {
      if (f.counts[j] === 0) return [];
      const example = f.rejected.find((r) => r.kind === kind);
      return [`${f.counts[j]} ${kind}${example ? ` (e.g. ${example.candidateId}: ${example.reason})` : ''}`];
    });
    const detail = c.table.n === 0 ? 'no candidates in the inventory' : `no feasible candidate among ${c.table.n}: ${parts.join('; ')}`;
    out.push({ demandId: c.problem.demands[k].id, constraint: 'candidate-filter', detail });
  });
  return out;
}

function reach(c: Compiled, g: Group, k: number): Set<number> {
  const s = new Set<number>();
  for (const i of c.filters[k].feas) s.add(g.levelIds[i]);
  return s;
}

/** Hall violator of a "distinct values" group, or null when a system of distinct values exists. */
function hallViolator(c: Compiled, g: Group): { demands: number[]; values: number[] } | null {
  const members = Array.from(g.demands);
  const reachOf = new Map(members.map((k) => [k, [...reach(c, g, k)].sort((a, b) => a - b)]));
  const owner = new Map<number, number>();
  const augment = (k: number, seen: Set<number>): boolean => {
    for (const z of reachOf.get(k)!) {
      if (seen.has(z)) continue;
      seen.add(z);
      const o = owner.get(z);
      if (o === undefined || augment(o, seen)) {
        owner.set(z, k);
        return true;
      }
    }
    return false;
  };
  for (const k of members) {
    if (augment(k, new Set())) continue;
    // Alternating reachability from the unmatched member: |values| = |demands| − 1.
    const demands = new Set([k]);
    const values = new Set<number>();
    const queue = [k];
    while (queue.length > 0) {
      for (const z of reachOf.get(queue.shift()!)!) {
        if (values.has(z)) continue;
        values.add(z);
        const o = owner.get(z)!;
        if (!demands.has(o)) {
          demands.add(o);
          queue.push(o);
        }
      }
    }
    return { demands: [...demands].sort((a, b) => a - b), values: [...values].sort((a, b) => a - b) };
  }
  return null;
}

export function groupConflicts(c: Compiled): Infeasibility[] {
  const out: Infeasibility[] = [];
  for (const g of c.groups) {
    if (g.kind === 'affinity') {
      const members = Array.from(g.demands);
      const common = (ks: number[]) => {
        const sets = ks.map((k) => reach(c, g, k));
        return [...sets[0]].some((z) => sets.every((s) => s.has(z)));
      };
      if (common(members)) continue;
      let core = members;
      for (const k of members) if (core.length > 1 && !common(core.filter((x) => x !== k))) core = core.filter((x) => x !== k);
      const each = core.map((k) => `${c.problem.demands[k].id} reaches ${capped([...reach(c, g, k)].map((z) => g.levelNames[z]))}`);
      out.push({ demandIds: names(c, core), constraint: `affinity (${g.level})`, detail: `no ${g.level} is reachable by all of ${names(c, core).join(', ')}: ${each.join('; ')}` });
      continue;
    }
    const v = hallViolator(c, g);
    if (!v) continue;
    const what = g.kind === 'anti-affinity' ? 'candidates' : `${g.level}s`;
    out.push({
      demandIds: names(c, v.demands),
      constraint: g.kind === 'anti-affinity' ? 'anti-affinity' : `zone diversity (${g.level})`,
      detail: `${names(c, v.demands).join(', ')} need ${v.demands.length} distinct ${what} but can only reach ${v.values.length}: ${capped(v.values.map((z) => g.levelNames[z]))}`,
    });
  }
  return out;
}

const DIMS = [
  { name: 'vcpu', label: 'vCPU', unit: '', req: (c: Compiled) => c.reqVcpu, free: (c: Compiled) => c.freeVcpu },
  { name: 'memory', label: 'memory', unit: ' MB', req: (c: Compiled) => c.reqMem, free: (c: Compiled) => c.freeMem },
  { name: 'storage', label: 'storage', unit: ' GB', req: (c: Compiled) => c.reqSto, free: (c: Compiled) => c.freeSto },
] as const;

/** Candidates any of `ks` can use (shared feasible lists are marked once). */
function usable(c: Compiled, ks: number[]): number[] {
  const mark = new Uint8Array(c.table.n);
  const seen = new Set<Int32Array>();
  for (const k of ks) {
    const feas = c.filters[k].feas;
    if (seen.has(feas)) continue;
    seen.add(feas);
    for (let p = 0; p < feas.length; p++) mark[feas[p]] = 1;
  }
  const out: number[] = [];
  for (let i = 0; i < mark.length; i++) if (mark[i]) out.push(i);
  return out;
}

/** Demands `ks` need more of a resource than all candidates they can use offer together. */
function capacityShortfall(c: Compiled, ks: number[], dim: number, union = usable(c, ks)): { entry: Infeasibility; short: boolean } {
  const d = DIMS[dim];
  const req = d.req(c), free = d.free(c);
  let need = 0, have = 0;
  for (const k of ks) need += req[k];
  for (const i of union) have += Math.max(0, free[i]);
  const short = need > have + 1e-9;
  const top = () => [...union].sort((a, b) => free[b] - free[a] || a - b).slice(0, LIST_CAP).map((i) => `${c.table.items[i].id} ${free[i]}${d.unit}`);
  const detail = `${capped(names(c, ks))} need ${need}${d.unit} ${d.label} in total; the ${union.length} candidates they can use have ${have}${d.unit} free (${top().join(', ')}${union.length > LIST_CAP ? ', …' : ''})`;
  const entry = { demandIds: names(c, ks), constraint: `capacity-${d.name}`, detail: short ? detail : `${detail}, but not in a combination the other listed constraints allow` };
  return { entry, short };
}

export function aggregateCapacityConflicts(c: Compiled): Infeasibility[] {
  const all = Array.from({ length: c.D }, (_, k) => k);
  const union = usable(c, all);
  return [0, 1, 2].flatMap((dim) => {
    const req = DIMS[dim].req(c), free = DIMS[dim].free(c);
    let need = 0, have = 0;
    for (const k of all) need += req[k];
    for (const i of union) have += Math.max(0, free[i]);
    return need > have + 1e-9 ? [capacityShortfall(c, all, dim, union).entry] : [];
  });
}

/** Deletion filter over MILP feasibility; call only when the full model is proven infeasible. */
export async function coupledCore(c: Compiled, deadline: number): Promise<Infeasibility[]> {
  const scope: MilpScope = { ...fullScope(c), feasibilityOnly: true };
  const infeasible = async () => performance.now() < deadline && (await solveMilp(c, scope, { deadline, want: 1 })).status === 'infeasible';
  for (let dim = 0; dim < 3; dim++) {
    scope.capacity[dim] = false;
    if (!(await infeasible())) scope.capacity[dim] = true;
  }
  for (let gi = 0; gi < c.groups.length; gi++) {
    scope.groups[gi] = 0;
    if (!(await infeasible())) scope.groups[gi] = 1;
  }
  for (let k = 0; k < c.D; k++) {
    scope.demands[k] = 0;
    if (!(await infeasible())) scope.demands[k] = 1;
  }
  const kept = Array.from({ length: c.D }, (_, k) => k).filter((k) => scope.demands[k]);
  const out: Infeasibility[] = [];
  scope.capacity.forEach((on, dim) => {
    if (on) out.push(capacityShortfall(c, kept, dim).entry);
  });
  c.groups.forEach((g, gi) => {
    if (!scope.groups[gi]) return;
    const members = Array.from(g.demands).filter((k) => scope.demands[k]);
    if (members.length >= 2) out.push({ demandIds: names(c, members), constraint: groupLabel(c, g), detail: `${groupLabel(c, g)} cannot hold together with the other listed constraints` });
  });
  return out;
}
