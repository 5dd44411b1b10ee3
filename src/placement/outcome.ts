import type { Compiled } from './compile.js';
import type { PlacementResult, SolveMethod } from './model.js';
import { objectiveOf } from './separable.js';

// What every solve method returns, and the helpers they share.

/**
 * Largest model handed to HiGHS whole. Measured on the 2-core benchmark box (bench/placement):
 * the coupled 50×1000 model (18 000 binaries) is proven optimal in ~17 s; given the 200×5000 one
 * (330 000 binaries) whole, HiGHS had no root bound after 30 s (gap stays at Σmin, 29 %), while
 * pricing reaches its LP bound in ~3 s and the restricted MILPs a 0.7 % gap.
 */
export const MILP_MAX_BINARIES = 200_000;

export function maxBinaries(c: Compiled): number {
  return c.problem.limits?.milpMaxBinaries ?? MILP_MAX_BINARIES;
}

/** Objective improvements smaller than this are ties. */
export const EPS = 1e-7;

export interface SearchOutcome {
  status: PlacementResult['status'];
  solutions: Int32Array[];
  method: SolveMethod;
  lowerBound?: number;
  boundSource?: PlacementResult['stats']['boundSource'];
}

export function sumOfMinima(c: Compiled): number {
  let s = 0;
  for (const f of c.filters) s += f.cost[f.best];
  return s;
}

export function better(c: Compiled, a: Int32Array | null, b: Int32Array | null): Int32Array | null {
  if (!a) return b;
  if (!b) return a;
  return objectiveOf(c, b) < objectiveOf(c, a) - EPS ? b : a;
}
