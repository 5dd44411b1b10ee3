import { availableParallelism } from 'node:os';
import { ConfigError } from '../config.js';

// Placement settings, read from the environment next to the main configuration (src/config.ts
// is shared; these are placement's own). Bad values stop the start like any ConfigError.

export interface PlacementOptions {
  /** OOF placement API users (MECANO_OOF_USERS "user:password,…"), as OSDF's osdfPlacementUsername/Password. */
  oofUsers: { user: string; password: string }[];
  /** Objective units a re-homing must gain before an existing placement moves (MECANO_PLACEMENT_REHOME_THRESHOLD). */
  rehomeThreshold: number;
  /** Upper bound of one solve, whatever the request's timeout (MECANO_PLACEMENT_MAX_SOLVE_MS). */
  maxSolveMs: number;
  /** Solver threads (MECANO_PLACEMENT_THREADS; default: cores − 1, at least 1, at most 4). */
  threads: number;
}

function num(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number, integer: boolean): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new ConfigError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${raw}'`);
  }
  return n;
}

function users(raw: string | undefined): { user: string; password: string }[] {
  if (!raw) return [];
  return raw.split(',').map((pair) => {
    const i = pair.indexOf(':');
    if (i <= 0 || i === pair.length - 1) throw new ConfigError('MECANO_OOF_USERS entries must be user:password, got an entry without both');
    return { user: pair.slice(0, i), password: pair.slice(i + 1) };
  });
}

export function placementOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PlacementOptions {
  return {
    oofUsers: users(env.MECANO_OOF_USERS),
    rehomeThreshold: num(env, 'MECANO_PLACEMENT_REHOME_THRESHOLD', 100, 0, 1e12, false),
    maxSolveMs: num(env, 'MECANO_PLACEMENT_MAX_SOLVE_MS', 120_000, 100, 3_600_000, true),
    threads: num(env, 'MECANO_PLACEMENT_THREADS', Math.min(4, Math.max(1, availableParallelism() - 1)), 1, 64, true),
  };
}
