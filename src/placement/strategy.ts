import type { Compiled } from './compile.js';
import { greedy } from './greedy.js';
import { localSearch, neighbours, preferLowerIds } from './local-search.js';
import { fullScope, solveMilp } from './milp.js';
import { largeModel } from './large-model.js';
import { better, maxBinaries, sumOfMinima, type SearchOutcome } from './outcome.js';
import { argminPositions, isFeasible, kBestSeparable, objectiveOf } from './separable.js';

// Which method answers, in order of cost:
// 1. per-demand argmin, when it satisfies every coupling constraint (proof: it attains the
//    Σ per-demand minima lower bound) — k-best by enumeration;
// 2. the full MILP when it has at most MILP_MAX_BINARIES binaries, started from greedy + local
//    search (proven optimal, or the incumbent with HiGHS' dual bound at the deadline);
// 3. above that, greedy + local search, then the LP bound by column generation and MILPs over
//    restricted column sets (large-model.ts).

function heuristic(c: Compiled, deadline: number): Int32Array | null {
  const start = greedy(c, { order: 'guided', deadline });
  return start ? localSearch(c, start, deadline) : null;
}

export async function search(c: Compiled, want: number, deadline: number, binaries: number): Promise<SearchOutcome> {
  const out = await dispatch(c, want, deadline, binaries);
  if (out.method === 'uncoupled-argmin' || out.solutions.length === 0) return out;
  const first = preferLowerIds(c, out.solutions[0]);
  const clash = out.solutions.slice(1).some((s) => s.every((p, k) => p === first[k]));
  return clash ? out : { ...out, solutions: [first, ...out.solutions.slice(1)] };
}

async function dispatch(c: Compiled, want: number, deadline: number, binaries: number): Promise<SearchOutcome> {
  const argmin = argminPositions(c);
  if (argmin && isFeasible(c, argmin)) {
    const k = kBestSeparable(c, want);
    if (k.complete) return { status: 'optimal', solutions: k.solutions, method: 'uncoupled-argmin', lowerBound: objectiveOf(c, argmin), boundSource: 'exact' };
  }
  const sumMin = sumOfMinima(c);
  const now = performance.now();
  const medium = binaries <= maxBinaries(c);
  // Medium models: a short heuristic only to seed HiGHS; large ones: the heuristic is the answer
  // unless the restricted MILP beats it, so it gets a larger share of the budget.
  const share = medium ? Math.min(0.1 * (deadline - now), 1000) : 0.4 * (deadline - now);
  const start = heuristic(c, now + share);
  if (medium) return fullMilp(c, want, deadline, start, sumMin);
  return largeModel(c, want, deadline, start, sumMin);
}

async function fullMilp(c: Compiled, want: number, deadline: number, start: Int32Array | null, sumMin: number): Promise<SearchOutcome> {
  const out = await solveMilp(c, fullScope(c), { deadline, want, start: start ?? undefined });
  if (out.status === 'optimal') return { status: 'optimal', solutions: out.solutions, method: 'milp', lowerBound: objectiveOf(c, out.solutions[0]), boundSource: 'milp' };
  if (out.status === 'infeasible') return { status: 'infeasible', solutions: [], method: 'milp' };
  const best = better(c, start, out.solutions[0] ?? null);
  if (!best) return { status: 'unknown', solutions: [], method: 'milp' };
  const fromMilp = best !== start;
  const bound = Math.max(sumMin, out.dualBound);
  return {
    status: 'feasible',
    solutions: [best, ...neighbours(c, best, want - 1)],
    method: fromMilp ? 'milp' : 'greedy+local-search',
    lowerBound: bound,
    boundSource: out.dualBound > sumMin ? 'milp' : 'per-demand-minima',
  };
}
