import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Db } from '../store/db.js';
import { claimNextOpOcc, getOpOcc, heartbeat, isCancelPending, saveOpOcc, saveProgress, type OpOccRow, type PendingAction } from '../store/op-occs.js';
import { getInstance, updateInstance, updateResources, type InstanceRow } from '../store/vnf-instances.js';
import { getDefaultVim, getVim } from '../store/vims.js';
import { WorkerLoop } from '../runtime/worker-loop.js';
import type { InfraDriver } from '../infra/driver.js';
import { ProblemError, toProblemDetails, type ProblemDetails } from '../errors.js';
import { OPERATIONS } from './operations/index.js';
import { LeaseLost, OperationCancelled, type OpContext, type OperationHandler, type OpLogger, type OpResult } from './context.js';
import { diffResources } from './vnf-info.js';
import { emptyResources, type OperationState, type VnfLcmOpOccDoc } from './model.js';
import type { LcmEventSink, PackageSource, PlacementHook } from './ports.js';

// The execution side of the engine. A worker claims an occurrence (lease), heartbeats while it
// works, and ends it in one transaction that writes the instance, the occurrence and the
// notifications together. A lease that expires (the process died) lets another worker resume:
// handlers are idempotent, and after MAX_ATTEMPTS interrupted runs the occurrence goes to
// FAILED_TEMP with an error saying where it stopped.

export interface RunnerDeps {
  db: Db;
  driver: InfraDriver;
  packages: PackageSource;
  placement: PlacementHook;
  events: LcmEventSink;
  dataDir: string;
  log: OpLogger & { error(o: object, msg?: string): void };
  leaseMs?: number;
  pollMs?: number;
  concurrency?: number;
  /**
   * Handlers for instances on other kinds of infrastructure (by vimType), e.g. MEC app instances
   * whose work is done by a remote AppLCM. Consulted before the local driver's handlers.
   */
  handlerFor?: (op: VnfLcmOpOccDoc, instance: InstanceRow['doc']) => OperationHandler | undefined;
}

export const MAX_ATTEMPTS = 3;
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function problemOf(e: unknown, where: string): ProblemDetails {
  if (e instanceof OperationCancelled) return { title: 'Conflict', status: 409, detail: `The operation was cancelled at step '${e.step}'.` };
  if (e instanceof ProblemError) {
    const p = e.toProblem();
    // Infrastructure failures are the VNFM's to report, not a 500 for the client.
    if (p.status >= 500) return { ...p, status: 422, title: 'Unprocessable Entity', detail: `${where}: ${p.detail}` };
    return { ...p, detail: `${where}: ${p.detail}` };
  }
  const p = toProblemDetails(e);
  return { ...p, detail: `${where}: ${(e as Error)?.message ?? p.detail}` };
}

export class LcmRunner {
  readonly owner = `runner-${randomUUID()}`;
  private readonly loop: WorkerLoop<OpOccRow & { resumed: boolean }>;
  private readonly leaseMs: number;

  constructor(private readonly deps: RunnerDeps) {
    this.leaseMs = deps.leaseMs ?? 30_000;
    this.loop = new WorkerLoop({
      name: 'lcm-runner',
      fetch: () => claimNextOpOcc(deps.db, this.owner, this.leaseMs),
      handle: (row) => this.handle(row),
      pollMs: deps.pollMs ?? 1000,
      concurrency: deps.concurrency ?? 4,
      onError: (err, phase) => deps.log.error({ err, phase }, 'lcm runner error'),
    });
  }

  start(): void {
    this.loop.start();
  }
  nudge(): void {
    this.loop.nudge();
  }
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Claims and runs one occurrence if any is due (tests call this instead of waiting). */
  async runOnce(): Promise<boolean> {
    const row = await claimNextOpOcc(this.deps.db, this.owner, this.leaseMs);
    if (!row) return false;
    await this.handle(row);
    return true;
  }

  private async handle(row: OpOccRow & { resumed: boolean }): Promise<void> {
    const op = row.doc;
    const hb = setInterval(() => {
      heartbeat(this.deps.db, op.id, this.owner, this.leaseMs).catch((err) => this.deps.log.warn({ err, opId: op.id }, 'heartbeat failed'));
    }, Math.max(200, Math.floor(this.leaseMs / 3)));
    try {
      await this.run(row);
    } catch (e) {
      if (e instanceof LeaseLost) this.deps.log.warn({ opId: op.id }, 'lease lost; another worker owns the operation');
      else throw e;
    } finally {
      clearInterval(hb);
    }
  }

  private async run(row: OpOccRow & { resumed: boolean }): Promise<void> {
    const op = row.doc;
    const action = row.pending_action as PendingAction;
    const inst = await getInstance(this.deps.db, op.vnfInstanceId);
    const handler = (inst && this.deps.handlerFor?.(op, inst.doc)) ?? OPERATIONS[op.operation];
    if (!inst || !handler) {
      const detail = !inst ? `VnfInstance ${op.vnfInstanceId} no longer exists.` : `Operation ${op.operation} is not supported by mecano.`;
      await this.finish(op, inst, op.operationState === 'STARTING' ? 'ROLLED_BACK' : 'FAILED_TEMP', { error: { title: 'Unprocessable Entity', status: 422, detail } });
      return;
    }
    const step = String(row.progress.step ?? 'start');
    if (row.attempts > MAX_ATTEMPTS) {
      const error = { title: 'Internal Server Error', status: 500, detail: `The operation was interrupted ${row.attempts - 1} times (the mecano process running it stopped) and was not resumed again; it stopped after step '${step}'. Retry, roll back or fail it.` };
      await this.finish(op, inst, op.operationState === 'STARTING' ? 'ROLLED_BACK' : 'FAILED_TEMP', { error });
      return;
    }
    if (row.resumed) this.deps.log.info({ opId: op.id, step, attempt: row.attempts }, 'resuming an interrupted operation');
    const ctx = this.context(op, inst, row.progress);
    const before = structuredClone(inst.resources?.vnfcs ? inst.resources : emptyResources());

    if (action === 'rollback') {
      try {
        if (!handler.rollback) throw new ProblemError(422, 'ROLLBACK_NOT_SUPPORTED', `Rollback of ${op.operation} is not supported.`);
        const result = await handler.rollback(ctx);
        await this.finish(op, inst, 'ROLLED_BACK', { result, before });
      } catch (e) {
        if (e instanceof LeaseLost) throw e;
        await this.failTemp(op, inst, ctx, problemOf(e, `rollback failed at step '${String(ctx.progress.step ?? 'start')}'`));
      }
      return;
    }

    if (op.operationState === 'STARTING') {
      try {
        await handler.prepare?.(ctx);
      } catch (e) {
        if (e instanceof LeaseLost) throw e;
        // A cancel leaves the occurrence FAILED_TEMP, to be retried, rolled back or failed.
        if (e instanceof OperationCancelled) return this.failTemp(op, inst, ctx, problemOf(e, 'cancelled'));
        // Nothing was done yet: the operation ends ROLLED_BACK (Tacker §5.3 step 3).
        await this.finish(op, inst, 'ROLLED_BACK', { error: problemOf(e, 'the operation could not start') });
        return;
      }
      await this.transition(op, inst, 'PROCESSING');
    }
    try {
      const result = await handler.execute(ctx);
      await this.finish(op, inst, 'COMPLETED', { result, before });
    } catch (e) {
      if (e instanceof LeaseLost) throw e;
      await this.failTemp(op, inst, ctx, problemOf(e, `failed at step '${String(ctx.progress.step ?? 'start')}'`));
    }
  }

  private context(op: VnfLcmOpOccDoc, inst: InstanceRow, progress: Record<string, unknown>): OpContext {
    const { db } = this.deps;
    const resources = structuredClone(inst.resources && inst.resources.vnfcs ? inst.resources : emptyResources());
    const ctx: OpContext = {
      op,
      params: op.operationParams ?? {},
      instance: structuredClone(inst.doc),
      resources,
      progress: structuredClone(progress),
      db,
      driver: this.deps.driver,
      packages: this.deps.packages,
      placement: this.deps.placement,
      vims: { get: (id) => getVim(db, id), getDefault: () => getDefaultVim(db) },
      logDir: path.join(this.deps.dataDir, 'vnfc-logs', op.vnfInstanceId),
      log: this.deps.log,
      checkpoint: async (step) => {
        ctx.progress.step = step;
        const ok = await db.tx(async (tx) => {
          if (!(await saveProgress(tx, op.id, this.owner, ctx.progress))) return false;
          await updateResources(tx, op.vnfInstanceId, ctx.resources);
          return true;
        });
        if (!ok) throw new LeaseLost(op.id);
        if (await isCancelPending(db, op.id)) throw new OperationCancelled(step);
      },
      usedIpsOnBridge: async (bridge) => {
        const r = await db.query<{ ip: string }>(
          `SELECT DISTINCT u AS ip FROM vnf_instances i, jsonb_each(i.resources->'links') l(k, v), jsonb_array_elements_text(v->'usedIps') u
            WHERE v->'resource'->>'resourceId' = $1 AND i.id <> $2`,
          [bridge, op.vnfInstanceId],
        );
        return r.rows.map((x) => x.ip);
      },
    };
    return ctx;
  }

  private async transition(op: VnfLcmOpOccDoc, inst: InstanceRow, state: OperationState): Promise<void> {
    op.operationState = state;
    op.stateEnteredTime = now();
    const ok = await this.deps.db.tx(async (tx) => {
      if (!(await saveOpOcc(tx, op, { pending: 'run', owner: this.owner }))) return false;
      await this.deps.events.publishLcm(tx, { type: 'VnfLcmOperationOccurrenceNotification', instance: inst.doc, opOcc: op });
      return true;
    });
    if (!ok) throw new LeaseLost(op.id);
    this.deps.events.nudge();
  }

  /** FAILED_TEMP: the instance document stays as it was; what the driver made stays recorded. */
  private async failTemp(op: VnfLcmOpOccDoc, inst: InstanceRow, ctx: OpContext, error: ProblemDetails): Promise<void> {
    this.deps.log.warn({ opId: op.id, error }, 'operation failed');
    await this.finish(op, inst, 'FAILED_TEMP', { error, resources: ctx.resources, cancelled: op.isCancelPending });
  }

  private async finish(
    op: VnfLcmOpOccDoc,
    inst: InstanceRow | undefined,
    state: OperationState,
    o: { result?: OpResult; before?: OpResult['resources']; error?: ProblemDetails; resources?: OpResult['resources']; cancelled?: boolean },
  ): Promise<void> {
    const { db, events, packages } = this.deps;
    const ok = await db.tx(async (tx) => {
      const fresh = await getOpOcc(tx, op.id, { forUpdate: true });
      if (!fresh || fresh.lease_owner !== this.owner) return false;
      const doc: VnfLcmOpOccDoc = { ...op, operationState: state, stateEnteredTime: now(), isCancelPending: false };
      delete doc.cancelMode;
      if (o.error) doc.error = o.error;
      else if (state === 'COMPLETED') delete doc.error;
      const r = o.result;
      let instanceDoc = inst?.doc;
      if (r && inst) {
        const rc = diffResources(o.before ?? emptyResources(), r.resources, r.modifiedVnfcIds);
        if (Object.keys(rc).length) doc.resourceChanges = rc;
        if (r.changedInfo) doc.changedInfo = r.changedInfo;
        if (r.changedExtConnectivity) doc.changedExtConnectivity = r.changedExtConnectivity;
        if (r.modificationsTriggeredByVnfPkgChange) doc.modificationsTriggeredByVnfPkgChange = r.modificationsTriggeredByVnfPkgChange;
        if (r.placement) doc.placement = r.placement;
        instanceDoc = r.instance;
        await updateInstance(tx, r.instance, r.resources);
        const pkgs = new Set([inst.doc.vnfPkgId, r.instance.vnfPkgId].filter((x): x is string => !!x));
        if (pkgs.size > 1) for (const p of pkgs) await packages.refreshUsage(tx, p);
      } else if (o.resources && inst) {
        await updateResources(tx, inst.doc.id, o.resources);
      }
      await saveOpOcc(tx, doc, { pending: null, owner: this.owner, releaseLease: true });
      if (instanceDoc) await events.publishLcm(tx, { type: 'VnfLcmOperationOccurrenceNotification', instance: instanceDoc, opOcc: doc });
      Object.assign(op, doc);
      return true;
    });
    if (!ok) throw new LeaseLost(op.id);
    events.nudge();
  }
}
