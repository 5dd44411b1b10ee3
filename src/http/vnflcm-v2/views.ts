import type { VnfInstanceDoc, VnfLcmOpOccDoc } from '../../lcm/model.js';

// Representations for /vnflcm/v2: documents plus _links, with credentials removed (Tacker §6).

const SECRET_KEYS = new Set(['password', 'bearer_token', 'client_secret', 'clientPassword']);

/** Deep copy without any credential-like member (accessInfo.password, paramsBasic.password, …). */
export function stripSecrets<T>(v: T): T {
  if (Array.isArray(v)) return v.map(stripSecrets) as T;
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (!SECRET_KEYS.has(k)) out[k] = stripSecrets(x);
  return out as T;
}

export function instanceLinks(base: string, id: string, instantiated: boolean) {
  const self = `${base}/vnflcm/v2/vnf_instances/${id}`;
  const l: Record<string, { href: string }> = { self: { href: self } };
  if (!instantiated) l.instantiate = { href: `${self}/instantiate` };
  else {
    for (const [k, p] of [['terminate', 'terminate'], ['scale', 'scale'], ['heal', 'heal'], ['changeExtConn', 'change_ext_conn']]) l[k] = { href: `${self}/${p}` };
  }
  return l;
}

export function vnfInstanceView(base: string, doc: Partial<VnfInstanceDoc>) {
  const v = stripSecrets(doc) as Record<string, unknown>;
  // vnfPkgId is a v1 (SOL003 v2.6.1) attribute; v2 identifies the package by vnfdId only.
  delete v.vnfPkgId;
  return { ...v, _links: instanceLinks(base, String(doc.id), doc.instantiationState === 'INSTANTIATED') };
}

export function opOccLinks(base: string, op: Partial<VnfLcmOpOccDoc>) {
  const self = `${base}/vnflcm/v2/vnf_lcm_op_occs/${op.id}`;
  return {
    self: { href: self },
    vnfInstance: { href: `${base}/vnflcm/v2/vnf_instances/${op.vnfInstanceId}` },
    retry: { href: `${self}/retry` },
    rollback: { href: `${self}/rollback` },
    fail: { href: `${self}/fail` },
    cancel: { href: `${self}/cancel` },
  };
}

export function opOccView(base: string, op: Partial<VnfLcmOpOccDoc>) {
  return { ...stripSecrets(op), _links: opOccLinks(base, op) };
}
