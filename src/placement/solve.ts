import { compile, pairCount, type Compiled } from './compile.js';
import { explain, toSolution } from './explain.js';
import { aggregateCapacityConflicts, coupledCore, groupConflicts, unaryConflicts } from './infeasibility.js';
import { allocateLicenses } from './licenses.js';
import type { Infeasibility, LicenseSolution, PlacementProblem, PlacementResult } from './model.js';
import { maxBinaries, type SearchOutcome } from './outcome.js';
import { search } from './strategy.js';

// Entry point of the homing engine: compile + filter, cheap infeasibility proofs, the solve
// strategy, licences, explanation. Pure apart from the clock (the time budget); the same problem
// gives the same answer. CPU-bound and synchronous between awaits: callers that must stay
// responsive run it in a worker thread.

export const DEFAULT_TIMEOUT_MS = 60_000;

export async function solvePlacement(problem: PlacementProblem): Promise<PlacementResult> {
  const t0 = performance.now();
  const timeoutMs = problem.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = t0 + timeoutMs;
  const want = Math.max(1, Math.floor(problem.numSolutions ?? 1));
  const c = compile(problem);
  const t1 = performance.now();
  const binaries = pairCount(c);
  const conflicts: Infeasibility[] = unaryConflicts(c);
  if (conflicts.length === 0) conflicts.push(...groupConflicts(c), ...aggregateCapacityConflicts(c));
  // Licences that fail whatever the placement (no pool for the model, pools exhausted).
  conflicts.push(...allocateLicenses(problem, new Map()).failures);
  let outcome: SearchOutcome = { status: 'infeasible', solutions: [], method: 'none' };
  if (conflicts.length === 0) {
    outcome = await search(c, want, deadline, binaries);
    if (outcome.status === 'infeasible') conflicts.push(...(await explainCoupled(c, binaries, deadline, timeoutMs)));
  }
  let licenseSolutions: LicenseSolution[] = [];
  if (outcome.solutions.length > 0) {
    const regionOf = new Map(problem.demands.map((d, k) => [d.id, c.table.items[c.filters[k].feas[outcome.solutions[0][k]]].cloudRegionId]));
    const lic = allocateLicenses(problem, regionOf);
    licenseSolutions = lic.solutions;
    if (lic.failures.length > 0) {
      // Pool capacity is allocated after placement: a different placement might have served
      // these licences, so this is not a proof of infeasibility.
      conflicts.push(...lic.failures);
      outcome = { ...outcome, status: 'unknown' };
    }
  }
  const placed = outcome.status === 'optimal' || outcome.status === 'feasible';
  const solutions = placed ? outcome.solutions.map((pos) => toSolution(c, pos)) : [];
  const t2 = performance.now();
  const result: PlacementResult = {
    status: outcome.status,
    solutions,
    licenseSolutions: placed ? licenseSolutions : [],
    explanation: { perDemand: explain(c, outcome.solutions[0] ?? null) },
    stats: {
      candidates: c.table.n,
      demands: c.D,
      binaries,
      method: outcome.method,
      filterMs: t1 - t0,
      solveMs: t2 - t1,
      totalMs: t2 - t0,
    },
  };
  if (conflicts.length > 0) result.infeasibility = conflicts;
  if (outcome.lowerBound !== undefined && solutions.length > 0) {
    result.stats.lowerBound = outcome.lowerBound;
    result.stats.boundSource = outcome.boundSource;
    const obj = solutions[0].objective;
    result.gap = outcome.status === 'optimal' ? 0 : Math.max(0, (obj - outcome.lowerBound) / Math.max(Math.abs(obj), 1));
  }
  return result;
}

/**
 * Minimal conflicting constraint set for a model HiGHS proved infeasible. The explanation may
 * overrun the budget by min(2 s, 10 %) so that a proof found at the deadline still gets one.
 */
async function explainCoupled(c: Compiled, binaries: number, deadline: number, timeoutMs: number): Promise<Infeasibility[]> {
  const fallback: Infeasibility = { constraint: 'coupling', detail: 'capacity, diversity and (anti-)affinity constraints together admit no assignment' };
  if (binaries > maxBinaries(c)) return [fallback];
  const core = await coupledCore(c, Math.max(deadline, performance.now() + Math.min(2000, 0.1 * timeoutMs)));
  return core.length > 0 ? core : [fallback];
}
