import type { InstantiationState, LcmOperation, OperationState } from './model.js';

// SOL003 5.6.2.2 / Tacker §5: which operations may start in which instance state, and which
// op-occurrence transitions the task resources (retry, rollback, fail, cancel) allow. Pure.

export function requiredInstantiationState(op: LcmOperation): InstantiationState | 'ANY' {
  switch (op) {
    case 'INSTANTIATE':
      return 'NOT_INSTANTIATED';
    case 'MODIFY_INFO':
      return 'ANY';
    default:
      return 'INSTANTIATED';
  }
}

/** Operations whose FAILED_TEMP occurrence may be rolled back (SOL003 5.4.15; Tacker §5.4). */
export function canRollback(op: LcmOperation, params: Record<string, unknown> | undefined): { ok: true } | { ok: false; why: string } {
  if (op === 'SCALE' && params?.type === 'SCALE_IN') return { ok: false, why: 'Rollback of SCALE IN is not supported.' };
  if (op === 'TERMINATE' || op === 'HEAL' || op === 'OPERATE') return { ok: false, why: `Rollback of ${op} is not supported.` };
  return { ok: true };
}

export type TaskAction = 'retry' | 'rollback' | 'fail' | 'cancel';

/** The state an occurrence must be in for a task action; undefined when allowed. */
export function taskActionRefusal(action: TaskAction, state: OperationState): string | undefined {
  if (action === 'cancel') {
    return ['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(state) ? undefined : `is in ${state}; only STARTING, PROCESSING or ROLLING_BACK can be cancelled`;
  }
  return state === 'FAILED_TEMP' ? undefined : `is in ${state}, not FAILED_TEMP`;
}

/** notificationStatus for an occurrence notification (Tacker §5.5). */
export function notificationStatus(op: LcmOperation, state: OperationState): 'START' | 'RESULT' {
  if (state === 'STARTING') return 'START';
  if (state === 'PROCESSING' && op === 'MODIFY_INFO') return 'START';
  return 'RESULT';
}
