import type { Compiled } from './compile.js';
import { REJECT_KINDS } from './filter.js';
import type { Assignment, DemandExplanation, ObjectiveTerms, RejectKind, Solution } from './model.js';
import { pairTerms } from './objective.js';
import { AssignmentState } from './state.js';
import { toCandidates } from './separable.js';

// Result assembly: assignments with their objective terms, and per demand the explanation the
// issue asks for: every rejection's first failing constraint with the measured value (capped
// list + counts per kind) and, for the chosen candidate, its terms plus the cheaper candidates
// that were passed over and the coupling constraint that blocked each (e.g. "zone az-1 already
// used by vG"), evaluated against the rest of the chosen solution.

const PASSED_OVER_CAP = 5;
const EPS = 1e-9;

export function termsOf(c: Compiled, k: number, i: number): ObjectiveTerms {
  const q = { ...c.pair[k], migration: c.filters[k].migration, resident: i === c.existing[k] };
  return pairTerms(c.table, i, c.weights, c.objectiveDist, q);
}

export function toSolution(c: Compiled, pos: Int32Array): Solution {
  const assignments: Assignment[] = c.problem.demands.map((d, k) => {
    const i = c.filters[k].feas[pos[k]];
    const cand = c.table.items[i];
    return {
      demandId: d.id,
      serviceResourceId: d.serviceResourceId,
      candidateId: cand.id,
      identifierType: cand.identifierType,
      cloudOwner: cand.cloudOwner,
      cloudRegionId: cand.cloudRegionId,
      isRehome: d.existingCandidate !== undefined && d.existingCandidate !== cand.id,
      objectiveTerms: termsOf(c, k, i),
    };
  });
  return { assignments, objective: assignments.reduce((s, a) => s + a.objectiveTerms.total, 0) };
}

export function explain(c: Compiled, best: Int32Array | null): DemandExplanation[] {
  const state = best ? AssignmentState.of(c, toCandidates(c, best)) : null;
  return c.problem.demands.map((d, k) => {
    const f = c.filters[k];
    const rejectedCounts: Partial<Record<RejectKind, number>> = {};
    REJECT_KINDS.forEach((kind, j) => {
      if (f.counts[j] > 0) rejectedCounts[kind] = f.counts[j];
    });
    const e: DemandExplanation = {
      demandId: d.id,
      candidates: c.table.n,
      feasible: f.feas.length,
      rejected: f.rejected,
      rejectedCounts,
      passedOver: [],
      notes: f.notes,
    };
    if (best && state) {
      const i = f.feas[best[k]];
      e.chosen = { candidateId: c.table.items[i].id, terms: termsOf(c, k, i) };
      e.passedOver = passedOver(c, state, k, best[k]);
    }
    return e;
  });
}

function passedOver(c: Compiled, state: AssignmentState, k: number, chosen: number): DemandExplanation['passedOver'] {
  const f = c.filters[k];
  const cheaper: number[] = [];
  for (let p = 0; p < f.feas.length; p++) if (f.cost[p] < f.cost[chosen] - EPS) cheaper.push(p);
  cheaper.sort((a, b) => f.cost[a] - f.cost[b] || a - b);
  state.remove(k);
  const out = cheaper.slice(0, PASSED_OVER_CAP).map((p) => ({
    candidateId: c.table.items[f.feas[p]].id,
    total: f.cost[p],
    reason: state.blocker(k, f.feas[p]) ?? 'cheaper and admissible on its own; not reached by the heuristic within the time budget',
  }));
  state.place(k, f.feas[chosen]);
  return out;
}
