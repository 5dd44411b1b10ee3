import type { OperationHandler } from '../context.js';
import { removeEverything } from './teardown.js';

// TERMINATE (SOL003 5.4.8): GRACEFUL sends SIGTERM and waits up to gracefulTerminationTimeout
// (seconds) before killing; FORCEFUL kills at once. Then the links go. Not rollbackable.

export const DEFAULT_GRACEFUL_TIMEOUT_S = 30;

export const terminate: OperationHandler = {
  async execute(ctx) {
    const graceful = ctx.params.terminationType === 'GRACEFUL';
    const timeoutS = (ctx.params.gracefulTerminationTimeout as number | undefined) ?? DEFAULT_GRACEFUL_TIMEOUT_S;
    await removeEverything(ctx, { graceful, timeoutMs: graceful ? timeoutS * 1000 : 0 });
    const instance = { ...ctx.instance, instantiationState: 'NOT_INSTANTIATED' as const };
    // SOL003: instantiatedVnfInfo exists only while INSTANTIATED (Tacker keeps a STOPPED stub).
    delete instance.instantiatedVnfInfo;
    return { instance, resources: { links: {}, vnfcs: {} } };
  },
};
