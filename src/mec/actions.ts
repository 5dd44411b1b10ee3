import type { Db } from '../store/db.js';
import { ProblemError } from '../errors.js';
import type { LcmService } from '../lcm/service.js';
import { WorkerLoop } from '../runtime/worker-loop.js';
import { activeOpOccOf } from '../store/op-occs.js';
import { centreOpsWaitingOnEdges, claimMecAction, getMecInstance, releaseMecAction, saveMecInstance, setEdgeAction, setNextAction } from '../store/mec-instances.js';
import type { MecCreateRequest } from './model.js';
import type { Meo } from './meo.js';
import type { MecSubscriptions } from './subscriptions.js';
import type { EdgeAppLcm } from './edge/applcm.js';

// Follow-up actions of MEC instances, done once the engine is idle on the instance: start the
// create operation (the instance row was written with the engine instance), the instantiate of a
// one-call create-and-instantiate, marking a failed create FAILED, and removing an instance
// whose termination finished (centre and edge). The action is a column, so a crash between two
// steps leaves it to be done by the next process.

type Table = 'mec_app_instances' | 'mec_edge_instances';
interface Job {
  table: Table;
  id: string;
  action: string;
  failedTemp: boolean;
}

const LEASE_MS = 30_000;
const log = (l: { warn(o: object, m?: string): void }, err: unknown, job: Job) => l.warn({ err, ...job }, 'MEC follow-up action failed');

export class MecActions {
  private readonly loop: WorkerLoop<Job>;
  private turn = 0;

  constructor(
    private readonly deps: { db: Db; lcm: LcmService; meo?: Meo; edge?: EdgeAppLcm; subscriptions?: MecSubscriptions; edgeOpsCap?: number; log: { warn(o: object, m?: string): void } },
  ) {
    // One at a time when capped, so that the cap is not raced past within this process.
    const concurrency = deps.edgeOpsCap === undefined ? 2 : 1;
    this.loop = new WorkerLoop({ name: 'mec-actions', fetch: () => this.fetch(), handle: (j) => this.handle(j), pollMs: 1000, concurrency, onError: (err) => deps.log.warn({ err }, 'MEC actions loop error') });
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

  private async fetch(): Promise<Job | undefined> {
    const tables: Table[] = [...(this.deps.meo ? ['mec_app_instances' as const] : []), ...(this.deps.edge ? ['mec_edge_instances' as const] : [])];
    for (let i = 0; i < tables.length; i++) {
      const table = tables[(this.turn + i) % tables.length];
      const c = await claimMecAction(this.deps.db, table, LEASE_MS);
      if (c) {
        this.turn++;
        return { table, ...c };
      }
    }
    return undefined;
  }

  private async handle(job: Job): Promise<void> {
    try {
      if (job.table === 'mec_edge_instances') await this.edge(job);
      else await this.centre(job);
    } catch (e) {
      log(this.deps.log, e, job);
      await releaseMecAction(this.deps.db, job.table, job.id, 5000);
    }
  }

  private async edge(job: Job): Promise<void> {
    if (job.action !== 'remove') return setEdgeAction(this.deps.db, job.id, null, job.action);
    const gone = await this.deps.edge!.advanceRemoval(job.id, false);
    // A failed step waits for the centre to ask again; otherwise it is claimable as soon as the
    // engine is idle on it (the claim skips busy instances).
    if (!gone) await releaseMecAction(this.deps.db, job.table, job.id, job.failedTemp ? LEASE_MS : 0);
  }

  private async centre(job: Job): Promise<void> {
    const { db, lcm } = this.deps;
    const meo = this.deps.meo!;
    const row = await getMecInstance(db, job.id);
    if (!row) return;
    const req = row.doc.request as MecCreateRequest;
    // Every change of the action is conditional on it being this job's still (see setNextAction).
    const next = (action: string | null, keepLease = false) => setNextAction(db, row.id, action, { onlyIf: job.action, keepLease });
    switch (job.action) {
      case 'create':
      case 'instantiate':
        if (row.status === 'Creating' && !row.doc.lastOperation) {
          // The next action is written first: the create may end (and mark itself) before
          // requestOperation returns here.
          if (!(await next(req.instantiate ? 'instantiate' : null, true))) return;
          try {
            await lcm.requestOperation(row.id, 'MODIFY_INFO', { mecCreate: true });
          } catch (e) {
            // Another process started it first: its occurrence is the create.
            if (!(e instanceof ProblemError && e.code === 'LCM_OPERATION_IN_PROGRESS')) await setNextAction(db, row.id, 'create', { keepLease: true, onlyIf: req.instantiate ? 'instantiate' : null });
            throw e;
          }
          return releaseMecAction(db, job.table, job.id, 0);
        }
        if (job.action === 'instantiate' && (row.status === 'Created' || row.status === 'Instantiation failed')) {
          if (await this.atCapacity(job)) return;
          await this.instantiate(row.id);
        }
        await next(null);
        return;
      case 'settle': {
        const active = await activeOpOccOf(db, row.id);
        if (active?.operationState === 'FAILED_TEMP') await lcm.taskAction(active.id, 'fail');
        await next(null);
        return;
      }
      case 'remove':
      case 'removing': {
        if (await this.atCapacity(job)) return;
        // 'remove' is the client's DELETE: it may also retry or undo a failed step, once.
        const gone = await meo.advanceRemoval(row.id, job.action === 'remove');
        if (gone) return;
        if (job.action === 'remove') await next('removing');
        else await releaseMecAction(db, job.table, job.id, job.failedTemp ? LEASE_MS : 0);
        return;
      }
      default:
        await next(null);
    }
  }

  /**
   * In role `all` the edge's operations need engine workers too: a centre operation waiting on
   * its edge while the edge's operation waits for a worker would wait forever. Starting no more
   * than `edgeOpsCap` of them at once leaves workers for the edge. True: try again shortly.
   */
  private async atCapacity(job: Job): Promise<boolean> {
    const cap = this.deps.edgeOpsCap;
    if (cap === undefined || (await centreOpsWaitingOnEdges(this.deps.db)) < cap) return false;
    await releaseMecAction(this.deps.db, job.table, job.id, 200);
    return true;
  }

  /** Starts an instantiate; a refusal (e.g. not Distributed any more) is the instance's error. */
  private async instantiate(id: string): Promise<void> {
    const { db } = this.deps;
    const row = (await getMecInstance(db, id))!;
    try {
      await this.deps.meo!.instantiateRow(row);
    } catch (e) {
      if (!(e instanceof ProblemError)) throw e;
      await db.tx(async (tx) => {
        const fresh = await getMecInstance(tx, id, undefined, { forUpdate: true });
        if (!fresh) return;
        await saveMecInstance(tx, { id, status: 'Instantiation failed', operationInfo: e.message, doc: fresh.doc });
        await this.deps.subscriptions?.notify(tx, { tenantId: fresh.tenant_id, appInstanceId: id, appName: fresh.app_name, appPackageId: fresh.app_pkg_id, mecHost: fresh.host_ip, previousStatus: fresh.status, operationalStatus: 'Instantiation failed', operationInfo: e.message });
      });
    }
  }
}
