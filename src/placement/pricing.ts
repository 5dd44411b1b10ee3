import type { Compiled } from './compile.js';
import { highsRuntime } from './highs-runtime.js';
import { buildMilp, createModel, fullScope, type Built } from './milp.js';

// LP bound of a model too large to hand to HiGHS whole, by column generation: solve the LP
// relaxation over a subset of columns, price every other (demand, candidate) pair with the row
// duals y, add the most negative ones, repeat. Each round gives a valid lower bound (Farley):
//   any assignment x has cost(x) ≥ yᵀb + Σ_d rc(d, x_d) ≥ z_LP + Σ_d min(0, min_c rc(d, c))
// because every demand takes exactly one column and y ≤ 0 on the ≤ rows (rows not generated yet
// have y = 0). The same inequality fixes columns: a pair whose rc − min_d exceeds UB − bound can
// be in no assignment cheaper than the incumbent UB, so the MILP over the remaining pairs decides
// optimality for the whole model. Affinity rows (equalities with level variables) are not priced;
// callers skip this for problems with affinity groups.

const NEG = -1e-7;
const ADD_PER_DEMAND = 8;
const MAX_ROUNDS = 60;
const MODEL_STATUS_OPTIMAL = 7;

export interface Pricing {
  /** Valid lower bound of the full MILP. */
  bound: number;
  converged: boolean;
  /** Per demand and feasible position: reduced cost minus the demand's smallest (≤ 0) one. */
  slack: Float64Array[];
  rounds: number;
}

/** rc(d, c) = cost − y_assign(d) − Σ_r req_r(d)·y_cap(c, r) − Σ_groups y_group(level(c)). */
function reducedCosts(c: Compiled, b: Built, y: Float64Array): Float64Array[] {
  // Duals spread into dense per-candidate / per-level arrays so the 10⁶–10⁷ pair loop is typed
  // array reads only (absent rows have dual 0).
  const n = c.table.n;
  const capDual = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  for (const [key, row] of b.capRow) capDual[key % 3][Math.floor(key / 3)] = y[row];
  const levelDual = c.groups.map((g, gi) => {
    const arr = new Float64Array(g.levelNames.length);
    for (const [z, row] of b.groupRow[gi]) arr[z] = y[row];
    return arr;
  });
  const [dv, dm, ds] = capDual;
  return c.filters.map((f, k) => {
    const rc = new Float64Array(f.feas.length);
    const yAssign = y[b.assignRow[k]];
    const rv = c.reqVcpu[k], rm = c.reqMem[k], rs = c.reqSto[k];
    const groups = c.groupsOf[k].filter((gi) => b.groupRow[gi].size > 0).map((gi) => [c.groups[gi].levelIds, levelDual[gi]] as const);
    for (let p = 0; p < f.feas.length; p++) {
      const i = f.feas[p];
      let r = f.cost[p] - yAssign - rv * dv[i] - rm * dm[i] - rs * ds[i];
      for (const [levelIds, dual] of groups) r -= dual[levelIds[i]];
      rc[p] = r;
    }
    return rc;
  });
}

/** `columns`: starting positions per demand; must contain a feasible assignment (the incumbent). */
export async function priceColumns(c: Compiled, columns: Int32Array[], deadline: number, maxColumns: number): Promise<Pricing | null> {
  const highs = await highsRuntime();
  const inModel = columns.map((cols, k) => {
    const mark = new Uint8Array(c.filters[k].feas.length);
    for (const p of cols) mark[p] = 1;
    return mark;
  });
  // Every row of the full model exists from the start, so a priced column is only new matrix
  // entries: HiGHS keeps its basis and re-optimises from it (warm start) instead of from scratch.
  const b = buildMilp(c, { ...fullScope(c), columns, rowsFor: 'all-pairs' });
  const model = createModel(highs, b, false);
  let best: Pricing | null = null;
  let size = b.nx;
  try {
    model.options.set({ output_flag: false });
    for (let round = 1; round <= MAX_ROUNDS && performance.now() < deadline; round++) {
      model.zeroAllClocks();
      model.options.set('time_limit', Math.max(0.001, (deadline - performance.now()) / 1000));
      if (model.run().modelStatus !== MODEL_STATUS_OPTIMAL) break;
      const z = model.getObjectiveValue();
      const rc = reducedCosts(c, b, model.getSolution().rowDual);
      const mins = rc.map((r) => r.reduce((m, v) => (v < m ? v : m), 0));
      const farley = mins.reduce((s, m) => s + m, z);
      const picks = negativeColumns(rc, inModel);
      const converged = picks.length === 0;
      if (!best || farley > best.bound || converged) best = { bound: farley, converged, slack: rc.map((r, k) => r.map((v) => v - mins[k])), rounds: round };
      if (converged || size + picks.length > maxColumns) break;
      model.addCols(columnData(c, b, picks, model.getDimensions().numRows));
      size += picks.length;
    }
  } finally {
    model.dispose();
  }
  return best;
}

/** Per demand, the ADD_PER_DEMAND most negative reduced costs not yet in the model. */
function negativeColumns(rc: Float64Array[], inModel: Uint8Array[]): [number, number][] {
  const out: [number, number][] = [];
  rc.forEach((r, k) => {
    const picks: number[] = [];
    for (let p = 0; p < r.length; p++) {
      if (inModel[k][p] || !(r[p] < NEG)) continue;
      if (picks.length === ADD_PER_DEMAND && !(r[p] < r[picks[ADD_PER_DEMAND - 1]])) continue;
      let j = Math.min(picks.length, ADD_PER_DEMAND - 1);
      picks[j] = p;
      for (; j > 0 && r[picks[j]] < r[picks[j - 1]]; j--) [picks[j], picks[j - 1]] = [picks[j - 1], picks[j]];
    }
    for (const p of picks) {
      inModel[k][p] = 1;
      out.push([k, p]);
    }
  });
  return out;
}

/** CSC entries of new columns: assignment row, capacity rows (coefficient = requirement), group rows. */
function columnData(c: Compiled, b: Built, picks: [number, number][], numRows: number) {
  const starts = [0], indices: number[] = [], values: number[] = [];
  const req = [c.reqVcpu, c.reqMem, c.reqSto];
  for (const [k, p] of picks) {
    const i = c.filters[k].feas[p];
    indices.push(b.assignRow[k]);
    values.push(1);
    for (let dim = 0; dim < 3; dim++) {
      const row = b.capRow.get(i * 3 + dim);
      if (row !== undefined && req[dim][k] > 0) {
        indices.push(row);
        values.push(req[dim][k]);
      }
    }
    for (const gi of c.groupsOf[k]) {
      const row = b.groupRow[gi].get(c.groups[gi].levelIds[i]);
      if (row !== undefined) {
        indices.push(row);
        values.push(1);
      }
    }
    starts.push(indices.length);
  }
  const m = picks.length;
  return {
    cost: Float64Array.from(picks, ([k, p]) => c.filters[k].cost[p]),
    lower: new Float64Array(m),
    upper: new Float64Array(m).fill(Infinity),
    matrix: { format: 'csc' as const, numRows, numCols: m, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
  };
}
