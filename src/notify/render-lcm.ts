import type { LcmSubscriptionDoc } from './schemas.js';
import type { LcmEvent, VnfLcmOpOccDoc } from './types.js';

// VNF LCM v2 notification bodies (SOL003 v3.3.1) and what every API version's renderer shares.
// The engine's documents are v3.3.1 shapes, so v2 renders them as they are. The registry of
// renderers by API version is lcm-renderers.ts.

export interface RenderContext {
  base: string;
  notificationId: string;
  timeStamp: string;
}

export interface LcmRenderer {
  /** Headers of every POST (and of the callback test GET) for this API version. */
  headers: Record<string, string>;
  subscriptionHref(base: string, subscriptionId: string): string;
  render(ev: LcmEvent, sub: LcmSubscriptionDoc, ctx: RenderContext): Record<string, unknown>;
}

/**
 * START for STARTING, and for PROCESSING of MODIFY_INFO (which has no STARTING); RESULT for
 * everything else — Tacker's rule (tacker-v2.md §5.5), which /vnflcm/v2 clients are built against.
 */
export function notificationStatusOf(op: VnfLcmOpOccDoc): 'START' | 'RESULT' {
  if (op.operationState === 'STARTING') return 'START';
  if (op.operationState === 'PROCESSING' && op.operation === 'MODIFY_INFO') return 'START';
  return 'RESULT';
}

// SOL003 v3.3.1 5.5.2.17: `error` when FAILED_TEMP or FAILED, or PROCESSING/ROLLING_BACK after a
// FAILED_TEMP; Tacker also sends it with ROLLED_BACK. It is sent whenever the occurrence carries
// one outside those states' opposites (STARTING, COMPLETED), whatever the verbosity.
const NO_ERROR_STATES = new Set(['STARTING', 'COMPLETED']);

// Present only with verbosity FULL and only when the occurrence has them (SOL003 v3.3.1 5.5.2.17).
function fullDetails(op: VnfLcmOpOccDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const rc = op.resourceChanges ?? {};
  for (const k of ['affectedVnfcs', 'affectedVirtualLinks', 'affectedExtLinkPorts', 'affectedVirtualStorages'] as const) {
    const list = rc[k];
    if (Array.isArray(list) && list.length > 0) out[k] = list;
  }
  if (op.changedInfo !== undefined) out.changedInfo = op.changedInfo;
  if (op.changedExtConnectivity !== undefined) out.changedExtConnectivity = op.changedExtConnectivity;
  if (op.modificationsTriggeredByVnfPkgChange !== undefined) out.modificationsTriggeredByVnfPkgChange = op.modificationsTriggeredByVnfPkgChange;
  return out;
}

const v2SubscriptionHref = (base: string, id: string) => `${base}/vnflcm/v2/subscriptions/${id}`;

export const v2Renderer: LcmRenderer = {
  headers: { Version: '2.0.0' },
  subscriptionHref: v2SubscriptionHref,
  render(ev, sub, ctx) {
    const instanceHref = `${ctx.base}/vnflcm/v2/vnf_instances/${ev.instance.id}`;
    const head = { id: ctx.notificationId, notificationType: ev.type, subscriptionId: sub.id, timeStamp: ctx.timeStamp };
    const subscription = { href: v2SubscriptionHref(ctx.base, sub.id) };
    if (ev.type !== 'VnfLcmOperationOccurrenceNotification') {
      // SOL003 v3.3.1 5.5.2.18 / 5.5.2.19
      return { ...head, vnfInstanceId: ev.instance.id, _links: { vnfInstance: { href: instanceHref }, subscription } };
    }
    const op = ev.opOcc;
    const body: Record<string, unknown> = {
      ...head,
      notificationStatus: ev.notificationStatus ?? notificationStatusOf(op),
      operationState: op.operationState,
      vnfInstanceId: op.vnfInstanceId,
      operation: op.operation,
      isAutomaticInvocation: op.isAutomaticInvocation ?? false,
      verbosity: sub.verbosity,
      vnfLcmOpOccId: op.id,
    };
    if (sub.verbosity === 'FULL') Object.assign(body, fullDetails(op));
    if (op.error !== undefined && !NO_ERROR_STATES.has(op.operationState)) body.error = op.error;
    body._links = {
      vnfInstance: { href: `${ctx.base}/vnflcm/v2/vnf_instances/${op.vnfInstanceId}` },
      subscription,
      vnfLcmOpOcc: { href: `${ctx.base}/vnflcm/v2/vnf_lcm_op_occs/${op.id}` },
    };
    return body;
  },
};
