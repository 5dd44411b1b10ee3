import type { VnfInstanceDoc, VnfLcmOpOccDoc } from '../../lcm/model.js';
import type { LcmSubscriptionDoc } from '../../notify/index.js';
import { canRollback } from '../../lcm/state-machine.js';
import { instanceToV1, opOccToV1 } from '../../lcm/v1-mapping.js';
import { stripSecrets } from '../vnflcm-v2/views.js';

// Representations for /vnflcm/v1 (SOL003 v2.6.1): the engine's documents mapped to v2.6.1 shapes
// (src/lcm/v1-mapping.ts), credentials removed, and _links as v2.6.1 defines them.

type Link = { href: string };

/**
 * SOL003 v2.6.1 5.5.2.2: instantiate when NOT_INSTANTIATED; terminate, heal, changeExtConn when
 * INSTANTIATED, and scale when the VNF can be scaled (it has scaling aspects). No indicators,
 * operate, scaleToLevel or changeFlavour: mecano does not serve those resources.
 */
export function instanceLinksV1(base: string, doc: Partial<VnfInstanceDoc>): Record<string, Link> {
  const self = `${base}/vnflcm/v1/vnf_instances/${doc.id}`;
  const l: Record<string, Link> = { self: { href: self } };
  if (doc.instantiationState !== 'INSTANTIATED') {
    l.instantiate = { href: `${self}/instantiate` };
    return l;
  }
  l.terminate = { href: `${self}/terminate` };
  if ((doc.instantiatedVnfInfo?.scaleStatus?.length ?? 0) > 0) l.scale = { href: `${self}/scale` };
  l.heal = { href: `${self}/heal` };
  l.changeExtConn = { href: `${self}/change_ext_conn` };
  return l;
}

export function vnfInstanceViewV1(base: string, doc: Partial<VnfInstanceDoc>) {
  return { ...instanceToV1(stripSecrets(doc)), _links: instanceLinksV1(base, doc) };
}

/**
 * SOL003 v2.6.1 5.5.2.13: each task link is present when that task is allowed in the current
 * state (cancel while STARTING/PROCESSING/ROLLING_BACK; retry, rollback, fail in FAILED_TEMP,
 * rollback only for operations that can be rolled back). No grant: mecano grants locally.
 * NOTE: Tacker v1 always lists retry, rollback, grant and fail; v2.6.1 makes them conditional.
 */
export function opOccLinksV1(base: string, op: Partial<VnfLcmOpOccDoc>): Record<string, Link> {
  const self = `${base}/vnflcm/v1/vnf_lcm_op_occs/${op.id}`;
  const l: Record<string, Link> = { self: { href: self }, vnfInstance: { href: `${base}/vnflcm/v1/vnf_instances/${op.vnfInstanceId}` } };
  const state = op.operationState;
  if (state === 'STARTING' || state === 'PROCESSING' || state === 'ROLLING_BACK') l.cancel = { href: `${self}/cancel` };
  if (state === 'FAILED_TEMP') {
    l.retry = { href: `${self}/retry` };
    if (op.operation && canRollback(op.operation, op.operationParams).ok) l.rollback = { href: `${self}/rollback` };
    l.fail = { href: `${self}/fail` };
  }
  return l;
}

export function opOccViewV1(base: string, op: Partial<VnfLcmOpOccDoc>) {
  return { ...opOccToV1(stripSecrets(op)), _links: opOccLinksV1(base, op) };
}

/** SOL003 v2.6.1 5.5.2.16 LccnSubscription: id, filter, callbackUri, _links (no verbosity in v1). */
export function lccnSubscriptionViewV1(base: string, doc: Partial<LcmSubscriptionDoc>) {
  const { verbosity: _verbosity, ...rest } = doc;
  return { ...rest, _links: { self: { href: `${base}/vnflcm/v1/subscriptions/${doc.id}` } } };
}
