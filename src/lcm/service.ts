import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import { PG_ERROR, pgErrorCode } from '../store/db.js';
import { Conflict } from '../errors.js';
import { deleteInstance, getInstance, insertInstance, updateInstance, VNF_INSTANCES_TABLE } from '../store/vnf-instances.js';
import { activeOpOccOf, getOpOcc, insertOpOcc, OP_OCCS_TABLE, resetAttempts, saveOpOcc, type PendingAction } from '../store/op-occs.js';
import { listDocuments } from '../store/list.js';
import type { ListQuery } from '../query/types.js';
import type { LcmOperation, VnfInstanceDoc, VnfLcmOpOccDoc } from './model.js';
import { canRollback, requiredInstantiationState, taskActionRefusal, type TaskAction } from './state-machine.js';
import { instanceNotFound, opOccNotFound, operationInProgress, wrongInstantiationState } from './errors.js';
import { validateOperation } from './validate.js';
import type { LcmEventSink, PackageSource } from './ports.js';
import type { InfraDriver, LinkResource, VnfcResource } from '../infra/driver.js';
import { VNF_INSTANCE_QUERY, VNF_LCM_OP_OCC_QUERY } from './query-specs.js';

// The lifecycle engine's request side (SOL003 5.4): every request is checked against the
// instance's state and recorded as an op occurrence in the same transaction, then answered at
// once; the runner does the work. One source of truth for v1, v2 and MECM.

export interface LcmServiceDeps {
  db: Db;
  events: LcmEventSink;
  packages: PackageSource;
  /** Removes what a FAILED instantiation left behind when its instance is deleted. */
  driver: InfraDriver;
  /** Wakes the runner after a commit. */
  nudgeRunner: () => void;
  pageSize: number;
  markerKey: Buffer;
}

export interface CreateInstanceRequest {
  vnfdId: string;
  vnfInstanceName?: string;
  vnfInstanceDescription?: string;
  metadata?: Record<string, unknown>;
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class LcmService {
  constructor(private readonly deps: LcmServiceDeps) {}

  private get db(): Db {
    return this.deps.db;
  }

  async createInstance(req: CreateInstanceRequest): Promise<VnfInstanceDoc> {
    const doc = await this.db.tx(async (tx) => {
      const { pkg, vnfd } = await this.deps.packages.byVnfdId(tx, req.vnfdId);
      const doc: VnfInstanceDoc = {
        id: randomUUID(),
        vnfdId: req.vnfdId,
        vnfProvider: vnfd.provider,
        vnfProductName: vnfd.productName,
        vnfSoftwareVersion: vnfd.softwareVersion,
        vnfdVersion: vnfd.descriptorVersion,
        vnfPkgId: pkg.id,
        instantiationState: 'NOT_INSTANTIATED',
      };
      // Tacker does not store empty names/descriptions.
      if (req.vnfInstanceName) doc.vnfInstanceName = req.vnfInstanceName;
      if (req.vnfInstanceDescription) doc.vnfInstanceDescription = req.vnfInstanceDescription;
      if (req.metadata && Object.keys(req.metadata).length > 0) doc.metadata = req.metadata;
      await insertInstance(tx, doc);
      await this.deps.packages.refreshUsage(tx, pkg.id);
      await this.deps.events.publishLcm(tx, { type: 'VnfIdentifierCreationNotification', instance: doc });
      return doc;
    });
    this.deps.events.nudge();
    return doc;
  }

  async getInstance(id: string): Promise<VnfInstanceDoc> {
    const row = await getInstance(this.db, id);
    if (!row) throw instanceNotFound(id);
    return row.doc;
  }

  listInstances(query: ListQuery) {
    return listDocuments<VnfInstanceDoc>(this.db, { table: VNF_INSTANCES_TABLE, spec: VNF_INSTANCE_QUERY, query, pageSize: this.deps.pageSize, markerKey: this.deps.markerKey });
  }

  async deleteInstance(id: string): Promise<void> {
    await this.db.tx(async (tx) => {
      const row = await getInstance(tx, id, { forUpdate: true });
      if (!row) throw instanceNotFound(id);
      if (row.doc.instantiationState !== 'NOT_INSTANTIATED') throw wrongInstantiationState(id, row.doc.instantiationState, 'NOT_INSTANTIATED');
      const active = await activeOpOccOf(tx, id);
      if (active) throw operationInProgress(id, active);
      // An instantiation that ended FAILED (Tacker: resources left behind) still has recorded
      // resources: remove them, forcefully, before the record that names them goes.
      await this.removeLeftovers(row.resources);
      await deleteInstance(tx, id);
      if (row.doc.vnfPkgId) await this.deps.packages.refreshUsage(tx, row.doc.vnfPkgId);
      await this.deps.events.publishLcm(tx, { type: 'VnfIdentifierDeletionNotification', instance: row.doc });
    });
    this.deps.events.nudge();
  }

  /**
   * Records a lifecycle operation (instantiate, scale, heal, terminate, change_ext_conn,
   * change_vnfpkg, modify) as an op occurrence. MODIFY_INFO starts in PROCESSING, the others in
   * STARTING (Tacker §5.3).
   */
  async requestOperation(instanceId: string, operation: LcmOperation, params: Record<string, unknown>): Promise<VnfLcmOpOccDoc> {
    const op = await this.db.tx(async (tx) => {
      const row = await getInstance(tx, instanceId, { forUpdate: true });
      if (!row) throw instanceNotFound(instanceId);
      const active = await activeOpOccOf(tx, instanceId);
      if (active) throw operationInProgress(instanceId, active);
      const wanted = requiredInstantiationState(operation);
      if (wanted !== 'ANY' && row.doc.instantiationState !== wanted) throw wrongInstantiationState(instanceId, row.doc.instantiationState, wanted);
      await validateOperation(tx, this.deps.packages, row.doc, operation, params);
      const t = now();
      const op: VnfLcmOpOccDoc = {
        id: randomUUID(),
        operationState: operation === 'MODIFY_INFO' ? 'PROCESSING' : 'STARTING',
        stateEnteredTime: t,
        startTime: t,
        vnfInstanceId: instanceId,
        operation,
        isAutomaticInvocation: false,
        operationParams: params,
        isCancelPending: false,
      };
      try {
        await insertOpOcc(tx, op, 'run');
      } catch (e) {
        // The partial unique index is the cross-process guarantee; the check above is the fast path.
        if (pgErrorCode(e) === PG_ERROR.uniqueViolation) throw new Conflict(`Other LCM operation of vnfInstance ${instanceId} is in progress.`, 'LCM_OPERATION_IN_PROGRESS');
        throw e;
      }
      await this.deps.events.publishLcm(tx, { type: 'VnfLcmOperationOccurrenceNotification', instance: row.doc, opOcc: op });
      return op;
    });
    this.afterCommit();
    return op;
  }

  async getOpOcc(id: string): Promise<VnfLcmOpOccDoc> {
    const row = await getOpOcc(this.db, id);
    if (!row) throw opOccNotFound(id);
    return row.doc;
  }

  listOpOccs(query: ListQuery, where?: { sql: string; values: unknown[] }) {
    return listDocuments<VnfLcmOpOccDoc>(this.db, { table: OP_OCCS_TABLE, spec: VNF_LCM_OP_OCC_QUERY, query, pageSize: this.deps.pageSize, markerKey: this.deps.markerKey, where });
  }

  /** retry / rollback (202, the runner continues) and fail (synchronous, returns the occurrence). */
  async taskAction(id: string, action: TaskAction, opts: { cancelMode?: 'GRACEFUL' | 'FORCEFUL' } = {}): Promise<VnfLcmOpOccDoc> {
    const doc = await this.db.tx(async (tx) => {
      const row = await getOpOcc(tx, id, { forUpdate: true });
      if (!row) throw opOccNotFound(id);
      const op = row.doc;
      const refusal = taskActionRefusal(action, op.operationState);
      if (refusal) throw new Conflict(`LCM operation ${id} ${refusal}.`, 'LCM_OP_OCC_WRONG_STATE', { operationState: op.operationState });
      if (action === 'cancel') {
        if (op.isCancelPending) throw new Conflict(`LCM operation ${id} is already being cancelled.`, 'LCM_OP_OCC_CANCEL_PENDING');
        op.isCancelPending = true;
        op.cancelMode = opts.cancelMode ?? 'GRACEFUL';
        await saveOpOcc(tx, op, { pending: row.pending_action });
        return op;
      }
      if (action === 'rollback') {
        const r = canRollback(op.operation, op.operationParams);
        if (!r.ok) throw new Conflict(`LCM operation ${id} cannot be rolled back: ${r.why}`, 'LCM_ROLLBACK_NOT_SUPPORTED');
      }
      const instRow = await getInstance(tx, op.vnfInstanceId);
      const next: Record<Exclude<TaskAction, 'cancel'>, [VnfLcmOpOccDoc['operationState'], PendingAction | null]> = {
        retry: ['PROCESSING', 'retry'],
        rollback: ['ROLLING_BACK', 'rollback'],
        fail: ['FAILED', null],
      };
      const [state, pending] = next[action];
      op.operationState = state;
      op.stateEnteredTime = now();
      if (action === 'retry') {
        delete op.error;
        // The plan and the steps done stay: the retried run continues from them.
        await resetAttempts(tx, id);
      }
      op.isCancelPending = false;
      delete op.cancelMode;
      await saveOpOcc(tx, op, { pending, releaseLease: true });
      if (instRow) await this.deps.events.publishLcm(tx, { type: 'VnfLcmOperationOccurrenceNotification', instance: instRow.doc, opOcc: op });
      return op;
    });
    this.afterCommit();
    return doc;
  }

  private async removeLeftovers(resources: { vnfcs?: Record<string, { resource: unknown }>; links?: Record<string, { resource: unknown }> } | undefined): Promise<void> {
    for (const v of Object.values(resources?.vnfcs ?? {})) await this.deps.driver.stopVnfc(v.resource as VnfcResource, { graceful: false, timeoutMs: 0 });
    for (const l of Object.values(resources?.links ?? {})) await this.deps.driver.removeLink(l.resource as LinkResource);
  }

  private afterCommit(): void {
    this.deps.nudgeRunner();
    this.deps.events.nudge();
  }
}
