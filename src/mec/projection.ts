import type { Queryable } from '../store/db.js';
import type { LcmEvent, LcmEventSink } from '../lcm/ports.js';
import { deleteEdgeInstance, deleteMecInstance, getMecInstance, insertDependencies, insertEdgeInstance, insertMecInstance, saveMecInstance, setNextAction } from '../store/mec-instances.js';
import { mecMeta, statusOf, type MecMeta } from './model.js';
import type { MecSubscriptions } from './subscriptions.js';

// The MEC view of the engine, kept in step inside the engine's own transactions: the lifecycle
// engine publishes every instance creation, occurrence state change and deletion to its event
// sink in the transaction that makes it; this sink forwards to the notifier and, for MEC
// instances, writes the MEC records (status, last error, chosen host, dependencies) and the
// MEC notifications in that same transaction. A crash can therefore never leave the MEC status
// disagreeing with the engine.

export interface ProjectionDeps {
  subscriptions: () => MecSubscriptions | undefined;
  /** After commit: the follow-up actions loop may have work. */
  nudgeActions: () => void;
}

export function mecProjection(inner: LcmEventSink, deps: ProjectionDeps): LcmEventSink {
  return {
    async publishLcm(tx, ev) {
      await inner.publishLcm(tx, ev);
      const meta = mecMeta(ev.instance);
      if (!meta) return;
      if (meta.role === 'edge') await projectEdge(tx, ev, meta);
      else await projectCentre(tx, ev, meta, deps);
    },
    nudge() {
      inner.nudge();
      deps.nudgeActions();
    },
  };
}

async function projectEdge(tx: Queryable, ev: LcmEvent, meta: MecMeta): Promise<void> {
  if (!meta.appInstanceId) return;
  if (ev.type === 'VnfIdentifierCreationNotification') {
    await insertEdgeInstance(tx, {
      app_instance_id: meta.appInstanceId,
      tenant_id: meta.tenantId,
      host_ip: meta.hostIp ?? '',
      app_pkg_id: meta.appPkgId ?? '',
      engine_instance_id: ev.instance.id,
      app_name: ev.instance.vnfInstanceName ?? '',
      doc: { receivedTime: new Date().toISOString() },
    });
  } else if (ev.type === 'VnfIdentifierDeletionNotification') await deleteEdgeInstance(tx, meta.appInstanceId);
}

async function projectCentre(tx: Queryable, ev: LcmEvent, meta: MecMeta, deps: ProjectionDeps): Promise<void> {
  const id = ev.instance.id;
  const subs = deps.subscriptions();
  if (ev.type === 'VnfIdentifierCreationNotification') {
    const req = meta.request!;
    await insertMecInstance(tx, { id, tenantId: meta.tenantId, appPkgId: req.appPkgId, hostIp: req.mecHost, appName: req.appName, status: 'Creating', nextAction: 'create', doc: { request: req, createTime: new Date().toISOString() } });
    await subs?.notify(tx, { tenantId: meta.tenantId, appInstanceId: id, appName: req.appName, appPackageId: req.appPkgId, mecHost: req.mecHost ?? null, previousStatus: null, operationalStatus: 'Creating', operationInfo: '' });
    return;
  }
  const row = await getMecInstance(tx, id, undefined, { forUpdate: true });
  if (!row) return;
  const base = { tenantId: row.tenant_id, appInstanceId: id, appName: row.app_name, appPackageId: row.app_pkg_id, mecHost: meta.hostIp ?? row.host_ip };
  if (ev.type === 'VnfIdentifierDeletionNotification') {
    await deleteMecInstance(tx, id);
    await subs?.notify(tx, { ...base, previousStatus: row.status, operationalStatus: 'Deleted', operationInfo: '' });
    return;
  }
  if (ev.type !== 'VnfLcmOperationOccurrenceNotification') return;
  let next = statusOf(ev.opOcc);
  if (!next) return;
  // Terminated without a delete (e.g. through /vnflcm/v2): back to Created, instantiable again.
  const removing = row.next_action === 'remove' || row.next_action === 'removing';
  if (ev.opOcc.operation === 'TERMINATE' && ev.opOcc.operationState === 'COMPLETED' && !removing) next = { status: 'Created' };
  const doc = { ...row.doc };
  if (ev.opOcc.placement) doc.hostSelection = ev.opOcc.placement;
  if (meta.requirements) doc.requirements = meta.requirements;
  const lastOperation = { operation: ev.opOcc.operation, operationState: ev.opOcc.operationState, vnfLcmOpOccId: ev.opOcc.id };
  doc.lastOperation = lastOperation;
  const failed = ev.opOcc.operationState !== 'COMPLETED' && next.error !== undefined;
  // The last error stays until an operation succeeds (EdgeGallery keeps operation_info likewise).
  const operationInfo = failed ? next.error! : ev.opOcc.operationState === 'COMPLETED' ? '' : row.operation_info;
  await saveMecInstance(tx, { id, status: next.status, operationInfo, hostId: meta.hostId, hostIp: meta.hostIp, doc });
  if (next.status === 'Created') await insertDependencies(tx, id, meta.dependsOn ?? []);
  // A create that failed stays FAILED_TEMP in the engine; the actions loop marks it FAILED so
  // that the instance can be deleted (and a pending one-call instantiate is dropped).
  if (next.status === 'Create failed') await setNextAction(tx, id, 'settle');
  if (next.status !== row.status || operationInfo !== row.operation_info) {
    await subs?.notify(tx, { ...base, previousStatus: row.status, operationalStatus: next.status, operationInfo });
  }
}
