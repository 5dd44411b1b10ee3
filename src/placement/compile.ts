import { BadRequest } from '../errors.js';
import { CandidateTable } from './candidate-table.js';
import { filterDemand, type DemandFilter } from './filter.js';
import { licenseRegions } from './licenses.js';
import type { AffinityLevel, PlacementProblem } from './model.js';
import { resolveWeights, type PairInput, type Weights } from './objective.js';
import { validateProblem } from './validate.js';

// Turns a PlacementProblem into index form: candidates as a table, demands as typed arrays,
// groups as demand-index arrays with their level ids, and per demand the feasible candidates
// (ascending candidate index) with their objective coefficients.

export interface Group {
  kind: 'diversity' | 'anti-affinity' | 'affinity';
  demands: Int32Array;
  level: AffinityLevel;
  levelIds: Int32Array;
  levelNames: string[];
}

export interface Compiled {
  problem: PlacementProblem;
  table: CandidateTable;
  D: number;
  reqVcpu: Float64Array;
  reqMem: Float64Array;
  reqSto: Float64Array;
  /** total − used + requirements of demands currently placed there (they may move away). */
  freeVcpu: Float64Array;
  freeMem: Float64Array;
  freeSto: Float64Array;
  /** Existing candidate index per demand, −1 when none (or not in the inventory). */
  existing: Int32Array;
  weights: Weights;
  objectiveDist?: Float64Array;
  pair: PairInput[];
  filters: DemandFilter[];
  groups: Group[];
  /** Groups each demand belongs to (indices into `groups`). */
  groupsOf: number[][];
}

export function compile(problem: PlacementProblem): Compiled {
  const errors = validateProblem(problem);
  if (errors.length > 0) throw new BadRequest(`invalid placement problem: ${errors.join('; ')}`, 'PLACEMENT_INVALID_PROBLEM', { errors });
  const table = new CandidateTable(problem.candidates);
  const D = problem.demands.length;
  const ids = new Map(problem.demands.map((d, k) => [d.id, k]));
  const reqVcpu = Float64Array.from(problem.demands, (d) => d.requirements.vcpu);
  const reqMem = Float64Array.from(problem.demands, (d) => d.requirements.memoryMb);
  const reqSto = Float64Array.from(problem.demands, (d) => d.requirements.storageGb);
  const existing = Int32Array.from(problem.demands, (d) => (d.existingCandidate === undefined ? -1 : (table.index.get(d.existingCandidate) ?? -1)));
  const freeVcpu = table.freeVcpu.slice();
  const freeMem = table.freeMem.slice();
  const freeSto = table.freeSto.slice();
  for (let k = 0; k < D; k++) {
    const e = existing[k];
    if (e < 0) continue;
    freeVcpu[e] += reqVcpu[k];
    freeMem[e] += reqMem[k];
    freeSto[e] += reqSto[k];
  }
  const weights = resolveWeights(problem);
  const loc = problem.objective?.location;
  const objectiveDist = loc ? table.distances(loc.lat, loc.lon) : undefined;
  const rehome = problem.rehome;
  const pair: PairInput[] = problem.demands.map((d, k) => ({
    reqVcpu: reqVcpu[k],
    reqMem: reqMem[k],
    reqSto: reqSto[k],
    weight: d.weight ?? 1,
    resident: false,
    migration: existing[k] >= 0 && rehome?.allowed ? Math.max(0, rehome.improvementThreshold) : 0,
  }));
  const c: Compiled = {
    problem, table, D, reqVcpu, reqMem, reqSto, freeVcpu, freeMem, freeSto, existing, weights, objectiveDist, pair,
    filters: [], groups: buildGroups(problem, ids, table), groupsOf: problem.demands.map(() => []),
  };
  c.groups.forEach((g, gi) => g.demands.forEach((k) => c.groupsOf[k].push(gi)));
  const regions = licenseRegions(problem);
  const pinned = !(rehome?.allowed ?? false);
  const shared = new Map();
  c.filters = problem.demands.map((d, k) => filterDemand(c, k, regions.get(d.id), pinned, shared));
  return c;
}

function buildGroups(problem: PlacementProblem, ids: Map<string, number>, table: CandidateTable): Group[] {
  // validateProblem has checked that every name is a demand; repeats are dropped.
  const resolve = (names: string[]) => Int32Array.from(new Set(names), (n) => ids.get(n)!);
  const make = (kind: Group['kind'], names: string[], level: AffinityLevel): Group => {
    const { ids: levelIds, names: levelNames } = table.level(level);
    return { kind, demands: resolve(names), level, levelIds, levelNames };
  };
  const groups: Group[] = [];
  for (const g of problem.zoneDiversity ?? []) groups.push(make('diversity', g.demands, g.level));
  for (const g of problem.antiAffinity ?? []) groups.push(make('anti-affinity', g.demands, 'candidate'));
  for (const g of problem.affinity ?? []) groups.push(make('affinity', g.demands, g.level ?? 'candidate'));
  // A group of one constrains nothing; dropping it keeps the models and the explanations small.
  return groups.filter((g) => g.demands.length > 1);
}

export function groupLabel(c: Compiled, g: Group): string {
  const names = Array.from(g.demands, (k) => c.problem.demands[k].id).join(', ');
  if (g.kind === 'diversity') return `zone diversity (${g.level}) of ${names}`;
  if (g.kind === 'anti-affinity') return `anti-affinity of ${names}`;
  return `affinity (${g.level}) of ${names}`;
}

/** Total feasible pairs = binaries of the full assignment model. */
export function pairCount(c: Compiled): number {
  let n = 0;
  for (const f of c.filters) n += f.feas.length;
  return n;
}
