import { setTimeout as sleep } from 'node:timers/promises';
import type { OperationHandler, OpContext, OpResult } from '../lcm/context.js';
import type { VnfInstanceDoc, VnfLcmOpOccDoc } from '../lcm/model.js';
import { OPERATIONS } from '../lcm/operations/index.js';
import { ProblemError, Unprocessable } from '../errors.js';
import { getPackageHost } from '../store/mec-packages.js';
import { AppLcmUnavailable } from './applcm-client.js';
import type { AppLcms } from './applcms.js';
import { createStep } from './create-step.js';
import { isMecCreate, mecMeta, type MecCreateRequest, type MecMeta } from './model.js';

// The engine's handlers for centre-side MEC app instances (selected through the runner's
// handlerFor by the instance's MEC marker). Instantiate and terminate call the host's AppLCM
// over HTTP; every call is idempotent on the edge (the app instance id is the key), so a run
// resumed after a crash of the centre simply asks again and then waits for the edge's answer.

export interface CentreHandlerOptions {
  /** How long unavailable AppLCMs are retried before the step fails (default 5 min). */
  edgeRetryMs?: number;
  /** How long the edge may take to finish once it accepted (default 10 min). */
  edgeWaitMs?: number;
  pollMs?: number;
}

interface Deps {
  applcms: AppLcms;
  options: CentreHandlerOptions;
}

async function retrying<T>(deps: Deps, fn: () => Promise<T>): Promise<T> {
  const until = Date.now() + (deps.options.edgeRetryMs ?? 300_000);
  let delay = 250;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof AppLcmUnavailable) || Date.now() + delay > until) throw e;
      await sleep(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }
}

/** A check that throws once the edge has had edgeWaitMs (the operation can be retried: it waits again). */
function deadline(deps: Deps, base: string, what: string): () => void {
  const ms = deps.options.edgeWaitMs ?? 600_000;
  const until = Date.now() + ms;
  return () => {
    if (Date.now() > until) throw new ProblemError(422, 'MEC_EDGE_TOO_SLOW', `the AppLCM at ${base} did not finish the ${what} within ${ms / 1000} s (it may still finish there; retry to wait again)`);
  };
}

function hostOf(ctx: OpContext): { meta: MecMeta; hostId: string } {
  const meta = mecMeta(ctx.instance)!;
  if (!meta.hostId) throw new Unprocessable(`App instance ${ctx.instance.id} has no host yet; it must be Created first.`, 'MEC_INSTANCE_NOT_CREATED');
  return { meta, hostId: meta.hostId };
}

/** Asks the edge to instantiate (again, when resumed) and waits until it reports the outcome. */
async function instantiateOnEdge(deps: Deps, ctx: OpContext): Promise<Record<string, unknown>> {
  const { meta, hostId } = hostOf(ctx);
  const target = await deps.applcms.forHostId(ctx.db, hostId);
  const req = meta.request as MecCreateRequest;
  const body = {
    tenantId: meta.tenantId,
    hostIp: target.host.host_ip,
    appPkgId: req.appPkgId,
    appName: req.appName,
    parameters: (ctx.params.additionalParams as { parameters?: Record<string, string> } | undefined)?.parameters ?? {},
  };
  await retrying(deps, () => target.client.instantiate(ctx.instance.id, body));
  await ctx.checkpoint('edge accepted the instantiation');
  const waitUntil = deadline(deps, target.client.base, 'instantiation');
  for (;;) {
    waitUntil();
    const doc = await retrying(deps, () => target.client.getInstance(ctx.instance.id));
    if (!doc) await retrying(deps, () => target.client.instantiate(ctx.instance.id, body));
    else if (doc.status === 'Instantiated') return doc;
    else if (doc.status === 'Instantiation failed') throw new Unprocessable(`the AppLCM at ${target.client.base} reports: ${String(doc.operationInfo || 'instantiation failed')}`, 'MEC_EDGE_INSTANTIATION_FAILED');
    await sleep(deps.options.pollMs ?? 200);
  }
}

/** Asks the edge to terminate and waits until the instance is gone there (404). */
async function terminateOnEdge(deps: Deps, ctx: OpContext): Promise<void> {
  const { hostId } = hostOf(ctx);
  const target = await deps.applcms.forHostId(ctx.db, hostId);
  let doc = await retrying(deps, () => target.client.terminate(ctx.instance.id));
  if (doc) await ctx.checkpoint('edge accepted the termination');
  const waitUntil = deadline(deps, target.client.base, 'termination');
  while (doc) {
    waitUntil();
    const last = doc.lastOperation as { operation?: string; operationState?: string } | undefined;
    if (last?.operation === 'TERMINATE' && (last.operationState === 'FAILED_TEMP' || last.operationState === 'FAILED')) {
      throw new ProblemError(422, 'MEC_EDGE_TERMINATION_FAILED', `the AppLCM at ${target.client.base} could not terminate the app: ${String(doc.operationInfo)}`);
    }
    await sleep(deps.options.pollMs ?? 200);
    doc = await retrying(deps, () => target.client.getInstance(ctx.instance.id));
  }
}

function runtimeInfo(edge: Record<string, unknown>, flavourId: string): VnfInstanceDoc['instantiatedVnfInfo'] {
  const vnfcs = (edge.vnfcs as { vnfcId: string; vduId: string; addresses?: string[]; state?: string }[] | undefined) ?? [];
  return {
    flavourId,
    vnfState: 'STARTED',
    vnfcResourceInfo: vnfcs.map((v) => ({
      id: v.vnfcId,
      vduId: v.vduId,
      computeResource: { vimConnectionId: 'mec', resourceId: v.vnfcId, vimLevelResourceType: 'mecano.edge.vnfc' },
      metadata: { addresses: v.addresses ?? [], edgeState: v.state },
    })),
    vnfcInfo: vnfcs.map((v) => ({ id: v.vnfcId, vduId: v.vduId, vnfcResourceInfoId: v.vnfcId, vnfcState: v.state === 'dead' ? 'STOPPED' : 'STARTED' })),
  };
}

function notInstantiated(ctx: OpContext): OpResult {
  const instance: VnfInstanceDoc = { ...ctx.instance, instantiationState: 'NOT_INSTANTIATED' };
  delete instance.instantiatedVnfInfo;
  delete instance.vimConnectionInfo;
  return { instance, resources: ctx.resources };
}

export function centreHandlers(deps: Deps): { handlerFor(op: VnfLcmOpOccDoc, instance: VnfInstanceDoc): OperationHandler | undefined } {
  const instantiate: OperationHandler = {
    async prepare(ctx) {
      const { meta, hostId } = hostOf(ctx);
      const dist = await getPackageHost(ctx.db, meta.request!.appPkgId, hostId);
      if (dist?.status !== 'Distributed') throw new Unprocessable(`App package ${meta.request!.appPkgId} is ${dist ? dist.status : 'not distributed'} on host ${meta.hostIp}.`, 'MEC_PACKAGE_NOT_DISTRIBUTED');
    },
    async execute(ctx) {
      const edge = await instantiateOnEdge(deps, ctx);
      const instance: VnfInstanceDoc = {
        ...ctx.instance,
        instantiationState: 'INSTANTIATED',
        vimConnectionInfo: ctx.params.vimConnectionInfo as VnfInstanceDoc['vimConnectionInfo'],
        instantiatedVnfInfo: runtimeInfo(edge, String(ctx.params.flavourId)),
      };
      return { instance, resources: ctx.resources };
    },
    async rollback(ctx) {
      await terminateOnEdge(deps, ctx);
      return notInstantiated(ctx);
    },
  };
  const terminate: OperationHandler = {
    async execute(ctx) {
      await terminateOnEdge(deps, ctx);
      return notInstantiated(ctx);
    },
  };
  const create: OperationHandler = { execute: (ctx) => createStep(deps.applcms, ctx) };
  const unsupported: OperationHandler = {
    async prepare(ctx) {
      throw new Unprocessable(`${ctx.op.operation} is not available for MEC app instances; use the MECM API.`, 'MEC_OPERATION_NOT_SUPPORTED');
    },
    async execute(ctx) {
      throw new Unprocessable(`${ctx.op.operation} is not available for MEC app instances; use the MECM API.`, 'MEC_OPERATION_NOT_SUPPORTED');
    },
  };
  return {
    handlerFor(op, instance) {
      if (mecMeta(instance)?.role !== 'centre') return undefined;
      if (isMecCreate(op)) return create;
      if (op.operation === 'INSTANTIATE') return instantiate;
      if (op.operation === 'TERMINATE') return terminate;
      if (op.operation === 'MODIFY_INFO') return OPERATIONS.MODIFY_INFO;
      return unsupported;
    },
  };
}

