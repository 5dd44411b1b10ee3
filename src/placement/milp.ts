import type { Compiled } from './compile.js';
import { highsRuntime } from './highs-runtime.js';

// The assignment MILP, passed to HiGHS as CSR arrays (the persistent-model API of highs ≥ 1.10;
// an LP-format string of 10⁵ binaries costs more to print and parse than to solve):
//   min Σ cost[d][c]·x[d][c]
//   Σ_c x[d][c] = 1                                   every included demand placed once
//   Σ_d req[d]·x[d][c] ≤ free[c]                      per candidate and resource, only where the
//                                                     demands that could land there could overflow it
//   Σ_{d∈G, level(c)=z} x[d][c] ≤ 1                   diversity (zone/complex/region) and
//                                                     anti-affinity (level = candidate), where ≥ 2 members reach z
//   Σ_z y[G][z] = 1, Σ_{level(c)=z} x[d][c] = y[G][z] affinity, z over levels every member reaches
//                                                     (columns outside that intersection are fixed to 0)
// numSolutions > 1: after each optimum a no-good cut Σ_{(d,c)∈S} x[d][c] ≤ |S| − 1, re-solve.
// A scope selects demands, groups and resources (infeasibility analysis drops some) and may
// restrict each demand to a subset of its feasible columns (restricted MILP for large models).

export interface MilpScope {
  demands: Uint8Array;
  groups: Uint8Array;
  /** vCPU, memory, storage. */
  capacity: [boolean, boolean, boolean];
  /** Allowed positions per demand (into its feasible list); all when absent. */
  columns?: Int32Array[];
  /** Zero objective: only feasibility matters (infeasibility analysis). */
  feasibilityOnly?: boolean;
  /**
   * 'all-pairs': create the capacity and diversity rows the full model would have, even where the
   * restricted columns cannot violate them yet, so that columns can be added later (LP pricing).
   */
  rowsFor?: 'columns' | 'all-pairs';
}

export function fullScope(c: Compiled): MilpScope {
  return { demands: new Uint8Array(c.D).fill(1), groups: new Uint8Array(c.groups.length).fill(1), capacity: [true, true, true] };
}

export interface MilpOutcome {
  status: 'optimal' | 'feasible' | 'infeasible' | 'unknown';
  /** Positions per demand (−1 for demands outside the scope), best first. */
  solutions: Int32Array[];
  dualBound: number;
  binaries: number;
  rows: number;
}

export interface Built {
  numCols: number;
  nx: number;
  colDemand: Int32Array;
  colPos: Int32Array;
  cost: Float64Array;
  upper: Float64Array;
  starts: number[];
  index: number[];
  value: number[];
  lower: number[];
  upperRow: number[];
  /** Affinity y columns: [group index, level id] per y column. */
  yLevel: [number, number][];
  /** Row of each demand's assignment constraint (−1 outside the scope); for LP pricing. */
  assignRow: Int32Array;
  /** Capacity row per candidate·3 + resource, where one was needed. */
  capRow: Map<number, number>;
  /** Per group: level id → its diversity / anti-affinity row. */
  groupRow: Map<number, number>[];
}

export function buildMilp(c: Compiled, scope: MilpScope): Built {
  const colDemand: number[] = [], colPos: number[] = [], demStart: number[] = [];
  for (let k = 0; k < c.D; k++) {
    demStart.push(colDemand.length);
    if (!scope.demands[k]) continue;
    const cols = scope.columns?.[k];
    const count = cols ? cols.length : c.filters[k].feas.length;
    for (let q = 0; q < count; q++) {
      colDemand.push(k);
      colPos.push(cols ? cols[q] : q);
    }
  }
  demStart.push(colDemand.length);
  const nx = colDemand.length;
  const b: Built = {
    numCols: nx, nx, colDemand: Int32Array.from(colDemand), colPos: Int32Array.from(colPos),
    cost: Float64Array.from(colDemand, (k, j) => (scope.feasibilityOnly ? 0 : c.filters[k].cost[colPos[j]])),
    upper: new Float64Array(nx).fill(1), starts: [0], index: [], value: [], lower: [], upperRow: [], yLevel: [],
    assignRow: new Int32Array(c.D).fill(-1), capRow: new Map(), groupRow: c.groups.map(() => new Map()),
  };
  const cand = (j: number) => c.filters[b.colDemand[j]].feas[b.colPos[j]];
  const row = (cols: number[], vals: number[] | null, lo: number, hi: number) => {
    for (let q = 0; q < cols.length; q++) {
      b.index.push(cols[q]);
      b.value.push(vals ? vals[q] : 1);
    }
    b.starts.push(b.index.length);
    b.lower.push(lo);
    b.upperRow.push(hi);
  };
  for (let k = 0; k < c.D; k++) {
    if (!scope.demands[k]) continue;
    b.assignRow[k] = b.lower.length;
    row(range(demStart[k], demStart[k + 1]), null, 1, 1);
  }
  capacityRows(c, scope, b, cand, row);
  c.groups.forEach((_, gi) => {
    if (scope.groups[gi]) groupRows(c, scope, b, gi, demStart, cand, row);
  });
  return b;
}

type RowWriter = (cols: number[], vals: number[] | null, lo: number, hi: number) => void;

/** Diversity / anti-affinity: ≤ 1 member per level value; affinity: one common level value. */
function groupRows(c: Compiled, scope: MilpScope, b: Built, gi: number, demStart: number[], cand: (j: number) => number, row: RowWriter): void {
  const g = c.groups[gi];
  const members = Array.from(g.demands).filter((k) => scope.demands[k]);
  if (members.length < 2) return;
  const byLevel = new Map<number, number[]>();
  const reach = members.map((k) => {
    const seen = new Set<number>();
    for (let j = demStart[k]; j < demStart[k + 1]; j++) {
      const z = g.levelIds[cand(j)];
      seen.add(z);
      let list = byLevel.get(z);
      if (!list) byLevel.set(z, (list = []));
      list.push(j);
    }
    if (scope.rowsFor === 'all-pairs') for (const i of c.filters[k].feas) seen.add(g.levelIds[i]);
    return seen;
  });
  if (g.kind !== 'affinity') {
    const levels = new Set<number>();
    for (const r of reach) for (const z of r) levels.add(z);
    for (const z of [...levels].sort((x, y) => x - y)) {
      if (reach.filter((s) => s.has(z)).length < 2) continue;
      b.groupRow[gi].set(z, b.lower.length);
      row(byLevel.get(z) ?? [], null, -Infinity, 1);
    }
    return;
  }
  const common = [...reach[0]].filter((z) => reach.every((s) => s.has(z))).sort((x, y) => x - y);
  const commonSet = new Set(common);
  for (const k of members) for (let j = demStart[k]; j < demStart[k + 1]; j++) if (!commonSet.has(g.levelIds[cand(j)])) b.upper[j] = 0;
  const y0 = b.numCols;
  common.forEach((z) => b.yLevel.push([gi, z]));
  b.numCols += common.length;
  row(common.map((_, q) => y0 + q), null, 1, 1);
  for (const k of members) {
    common.forEach((z, q) => {
      const cols = (byLevel.get(z) ?? []).filter((j) => b.colDemand[j] === k);
      row([...cols, y0 + q], [...cols.map(() => 1), -1], 0, 0);
    });
  }
}

function capacityRows(c: Compiled, scope: MilpScope, b: Built, cand: (j: number) => number, row: RowWriter): void {
  const n = c.table.n;
  const byCand: number[][] = Array.from({ length: n }, () => []);
  for (let j = 0; j < b.nx; j++) byCand[cand(j)].push(j);
  const dims: [Float64Array, Float64Array][] = [[c.reqVcpu, c.freeVcpu], [c.reqMem, c.freeMem], [c.reqSto, c.freeSto]];
  // What could land on each candidate: the model's columns, or every feasible pair ('all-pairs').
  const potential = dims.map(() => new Float64Array(n));
  const [pv, pm, ps] = potential;
  // Largest memory/vCPU and storage/vCPU requirement ratio per candidate: when it is within the
  // candidate's free ratio, the vCPU row implies that row and it is left out (a third of the rows
  // for VNFs sized in proportion, which keeps the LP re-solves of pricing fast).
  const ratioM = new Float64Array(n), ratioS = new Float64Array(n);
  const ratio = (a: number, v: number) => (a === 0 ? 0 : v === 0 ? Infinity : a / v);
  const add = (k: number, i: number) => {
    pv[i] += c.reqVcpu[k];
    pm[i] += c.reqMem[k];
    ps[i] += c.reqSto[k];
    const rm = ratio(c.reqMem[k], c.reqVcpu[k]), rs = ratio(c.reqSto[k], c.reqVcpu[k]);
    if (rm > ratioM[i]) ratioM[i] = rm;
    if (rs > ratioS[i]) ratioS[i] = rs;
  };
  if (scope.rowsFor === 'all-pairs') {
    for (let k = 0; k < c.D; k++) if (scope.demands[k]) for (const i of c.filters[k].feas) add(k, i);
  } else {
    for (let j = 0; j < b.nx; j++) add(b.colDemand[j], cand(j));
  }
  for (let i = 0; i < n; i++) {
    const vcpuRow = scope.capacity[0] && pv[i] > c.freeVcpu[i] + 1e-9;
    const implied = [false, vcpuRow && c.freeVcpu[i] > 0 && ratioM[i] * c.freeVcpu[i] <= c.freeMem[i], vcpuRow && c.freeVcpu[i] > 0 && ratioS[i] * c.freeVcpu[i] <= c.freeSto[i]];
    dims.forEach(([req, free], dim) => {
      if (!scope.capacity[dim] || potential[dim][i] <= free[i] + 1e-9 || implied[dim]) return;
      const used = byCand[i].filter((j) => req[b.colDemand[j]] > 0);
      b.capRow.set(i * 3 + dim, b.lower.length);
      row(used, used.map((j) => req[b.colDemand[j]]), -Infinity, free[i]);
    });
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, q) => from + q);
}

const MODEL_STATUS_OPTIMAL = 7;
const MODEL_STATUS_INFEASIBLE = 8;
const SOLUTION_FEASIBLE = 2;

/**
 * Solves the scoped model; up to `want` distinct solutions best first. `start` (positions per
 * demand) is offered to HiGHS as a MIP start when every one of its columns is in the model.
 */
type Highs = Awaited<ReturnType<typeof highsRuntime>>;
type HighsModel = ReturnType<Highs['createModel']>;

/**
 * The built model as a HiGHS instance; `integer: false` gives the LP relaxation, in which x ≤ 1
 * is left to the assignment rows (Σ_c x = 1, x ≥ 0 implies it): without bound multipliers every
 * reduced cost is ≥ 0 at the optimum and z = yᵀb, which the pricing bound relies on.
 */
export function createModel(highs: Highs, b: Built, integer: boolean): HighsModel {
  const rows = b.lower.length;
  const free = integer ? 1 : highs.infinity;
  return highs.createModel({
    numCols: b.numCols,
    numRows: rows,
    colCost: Float64Array.from({ length: b.numCols }, (_, j) => (j < b.nx ? b.cost[j] : 0)),
    colLower: new Float64Array(b.numCols),
    colUpper: Float64Array.from({ length: b.numCols }, (_, j) => (j < b.nx && b.upper[j] === 0 ? 0 : free)),
    rowLower: Float64Array.from(b.lower, (v) => (v === -Infinity ? -highs.infinity : v)),
    rowUpper: Float64Array.from(b.upperRow),
    matrix: { format: 'csr', numRows: rows, numCols: b.numCols, starts: Int32Array.from(b.starts), indices: Int32Array.from(b.index), values: Float64Array.from(b.value) },
    ...(integer ? { integrality: new Int32Array(b.numCols).fill(1) } : {}),
  });
}

export async function solveMilp(c: Compiled, scope: MilpScope, opts: { deadline: number; want: number; start?: Int32Array }): Promise<MilpOutcome> {
  const b = buildMilp(c, scope);
  const highs = await highsRuntime();
  const rows = b.lower.length;
  const model = createModel(highs, b, true);
  const out: MilpOutcome = { status: 'unknown', solutions: [], dualBound: -Infinity, binaries: b.nx, rows };
  try {
    // Relative gap 1e-9 (default 1e-4): "optimal" here means proven, not within 0.01 %.
    model.options.set({ output_flag: false, mip_rel_gap: 1e-9 });
    if (opts.start) offerStart(c, b, model, opts.start);
    for (let s = 0; s < opts.want; s++) {
      const remaining = opts.deadline - performance.now();
      if (remaining <= 1) break;
      model.zeroAllClocks();
      model.options.set('time_limit', remaining / 1000);
      const { modelStatus } = model.run();
      const hasPrimal = Number(model.info.get('primal_solution_status')) === SOLUTION_FEASIBLE;
      if (s === 0) {
        out.status = modelStatus === MODEL_STATUS_OPTIMAL ? 'optimal' : modelStatus === MODEL_STATUS_INFEASIBLE ? 'infeasible' : hasPrimal ? 'feasible' : 'unknown';
        out.dualBound = modelStatus === MODEL_STATUS_OPTIMAL ? model.getObjectiveValue() : Number(model.info.get('mip_dual_bound'));
      }
      if (!hasPrimal || (modelStatus !== MODEL_STATUS_OPTIMAL && s > 0)) break;
      const pos = decode(c, b, model.getSolution().colValue);
      out.solutions.push(pos);
      if (modelStatus !== MODEL_STATUS_OPTIMAL) break;
      const chosen: number[] = [];
      for (let j = 0; j < b.nx; j++) if (pos[b.colDemand[j]] === b.colPos[j]) chosen.push(j);
      model.addRow(-highs.infinity, chosen.length - 1, { indices: chosen, values: chosen.map(() => 1) });
    }
  } finally {
    model.dispose();
  }
  return out;
}

function decode(c: Compiled, b: Built, x: Float64Array): Int32Array {
  const pos = new Int32Array(c.D).fill(-1);
  for (let j = 0; j < b.nx; j++) if (x[j] > 0.5) pos[b.colDemand[j]] = b.colPos[j];
  return pos;
}

function offerStart(c: Compiled, b: Built, model: HighsModel, start: Int32Array): void {
  const value = new Float64Array(b.numCols);
  let hits = 0;
  for (let j = 0; j < b.nx; j++) {
    if (start[b.colDemand[j]] === b.colPos[j]) {
      value[j] = 1;
      hits++;
    }
  }
  let placed = 0;
  for (let k = 0; k < c.D; k++) if (start[k] >= 0) placed++;
  if (hits !== placed) return;
  b.yLevel.forEach(([gi, z], q) => {
    const k = Array.from(c.groups[gi].demands).find((m) => start[m] >= 0);
    if (k !== undefined && c.groups[gi].levelIds[c.filters[k].feas[start[k]]] === z) value[b.nx + q] = 1;
  });
  model.setSolution({ colValue: value });
}
