import type { CandidateTable } from './candidate-table.js';
import type { ObjectiveTerms, PlacementProblem } from './model.js';

// The objective is separable: every term depends on one (demand, candidate) pair only, so it is
// one coefficient per binary in the MILP and a plain sum everywhere else. Load is therefore the
// utilisation the candidate would have with this demand alone added, not with the whole solution
// (that would make the model quadratic); shared capacity itself is a hard constraint.

export interface Weights {
  distance: number;
  cost: number;
  load: number;
}

export function resolveWeights(p: PlacementProblem): Weights {
  const w = p.objective?.weights;
  if (!w) return { distance: 1, cost: 0, load: 0 };
  return { distance: w.distance ?? 0, cost: w.cost ?? 0, load: w.load ?? 0 };
}

export interface PairInput {
  reqVcpu: number;
  reqMem: number;
  reqSto: number;
  /** Demand weight (HAS per-operand weight). */
  weight: number;
  /** This demand already runs on the candidate: its usage is already in `used`. */
  resident: boolean;
  /** Migration cost added when it is not resident but has an existing placement. */
  migration: number;
}

// filter.ts inlines this arithmetic in its hot loop; keep the two identical, operation for
// operation, so that reported totals add up to the optimised objective bit for bit.
function price(t: CandidateTable, i: number, q: PairInput): number {
  return t.costFixed[i] + t.costVcpu[i] * q.reqVcpu + t.costMemGb[i] * (q.reqMem / 1024) + t.costStoGb[i] * q.reqSto;
}

function loadAfter(t: CandidateTable, i: number, q: PairInput): number {
  const addV = q.resident ? 0 : q.reqVcpu;
  const addM = q.resident ? 0 : q.reqMem;
  const v = t.totVcpu[i] > 0 ? (t.usedVcpu[i] + addV) / t.totVcpu[i] : 0;
  const m = t.totMem[i] > 0 ? (t.usedMem[i] + addM) / t.totMem[i] : 0;
  return v > m ? v : m;
}

/** The same arithmetic as pairCost, itemised for the result and the explanation. */
export function pairTerms(t: CandidateTable, i: number, w: Weights, dist: Float64Array | undefined, q: PairInput): ObjectiveTerms {
  const cost = price(t, i, q);
  const load = loadAfter(t, i, q);
  const migration = q.resident ? 0 : q.migration;
  const weighted = w.distance * (dist === undefined ? 0 : dist[i]) + w.cost * cost + w.load * (w.load === 0 ? 0 : load);
  const terms: ObjectiveTerms = { cost, load, migration, total: q.weight * weighted + migration };
  if (dist !== undefined) terms.distanceKm = dist[i];
  return terms;
}
