import type { VnfLcmOpOccDoc as EngineOpOcc } from '../lcm/model.js';
import { opOccToV1 } from '../lcm/v1-mapping.js';
import { notificationStatusOf, type LcmRenderer } from './render-lcm.js';

// /vnflcm/v1 notification bodies (SOL003 v2.6.1 5.5.2.17-5.5.2.19): the engine's v3.3.1
// occurrence mapped to v2.6.1 by lcm/v1-mapping.ts (no affectedExtLinkPorts, no
// modificationsTriggeredByVnfPkgChange, v1 changedInfo), no `verbosity` (v2.6.1 has none: every
// detail is sent), v1 links. START/RESULT follow the same rule as v2.

const href = (base: string, path: string) => ({ href: `${base}/vnflcm/v1/${path}` });

// SOL003 v2.6.1 5.5.2.17: error "shall be present if operationState is FAILED_TEMP or FAILED".
const ERROR_STATES = new Set(['FAILED_TEMP', 'FAILED']);

export const v1Renderer: LcmRenderer = {
  headers: { Version: '1.3.0' },
  subscriptionHref: (base, id) => href(base, `subscriptions/${id}`).href,
  render(ev, sub, ctx) {
    const head = { id: ctx.notificationId, notificationType: ev.type, subscriptionId: sub.id, timeStamp: ctx.timeStamp };
    const subscription = href(ctx.base, `subscriptions/${sub.id}`);
    if (ev.type !== 'VnfLcmOperationOccurrenceNotification') {
      return { ...head, vnfInstanceId: ev.instance.id, _links: { vnfInstance: href(ctx.base, `vnf_instances/${ev.instance.id}`), subscription } };
    }
    const op = ev.opOcc;
    // The publisher hands over the engine's own document, of which the notify types name a part.
    const v1 = opOccToV1(op as Partial<EngineOpOcc>);
    const rc = (v1.resourceChanges ?? {}) as Record<string, unknown>;
    const body: Record<string, unknown> = {
      ...head,
      notificationStatus: ev.notificationStatus ?? notificationStatusOf(op),
      operationState: op.operationState,
      vnfInstanceId: op.vnfInstanceId,
      operation: op.operation,
      isAutomaticInvocation: op.isAutomaticInvocation ?? false,
      vnfLcmOpOccId: op.id,
    };
    for (const k of ['affectedVnfcs', 'affectedVirtualLinks', 'affectedVirtualStorages'] as const) {
      if (Array.isArray(rc[k]) && (rc[k] as unknown[]).length > 0) body[k] = rc[k];
    }
    if (v1.changedInfo !== undefined) body.changedInfo = v1.changedInfo;
    if (v1.changedExtConnectivity !== undefined) body.changedExtConnectivity = v1.changedExtConnectivity;
    if (op.error !== undefined && ERROR_STATES.has(op.operationState)) body.error = op.error;
    body._links = { vnfInstance: href(ctx.base, `vnf_instances/${op.vnfInstanceId}`), subscription, vnfLcmOpOcc: href(ctx.base, `vnf_lcm_op_occs/${op.id}`) };
    return body;
  },
};
