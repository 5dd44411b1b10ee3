import type { Queryable } from '../store/db.js';
import type { CandidateInput } from '../placement/inventory.js';
import { MEC_VIM_TYPE } from './model.js';
import { parseCoordinates } from './validate.js';

// MEC hosts in the one candidate inventory of the homing engine (the `vims` table, kind
// 'mec-host'), kept in step with the registry in the registry's own transactions, so that OOF
// placement requests see MEC hosts beside the VIMs. The MEO's own host selection adds what the
// inventory cannot hold: live capacity from each host's AppLCM.

export interface CandidateRegistry {
  upsertCandidate(q: Queryable, input: CandidateInput): Promise<unknown>;
  removeCandidate(q: Queryable, id: string): Promise<boolean>;
}

const IDENT = /^[A-Za-z0-9_.:@/-]{1,128}$/;

/** The features the MEO's selection uses too: hw:<type> per capability, affinity:<arch>. */
export function hostFeatures(doc: Record<string, unknown>): string[] {
  const caps = ((doc.hwcapabilities as { hwType: string }[] | undefined) ?? []).map((c) => `hw:${c.hwType.toLowerCase()}`);
  const aff = String(doc.affinity ?? '')
    .split(',')
    .map((a) => a.trim().toLowerCase())
    .filter(Boolean)
    .map((a) => `affinity:${a}`);
  // The inventory's identifiers are ASCII; a capability named in another script stays MEO-only.
  return [...new Set([...caps, ...aff])].filter((f) => IDENT.test(f));
}

export function hostCandidate(id: string, tenantId: string | null, doc: Record<string, unknown>): CandidateInput {
  const pos = typeof doc.coordinates === 'string' ? parseCoordinates(doc.coordinates) : undefined;
  const city = typeof doc.city === 'string' ? doc.city : undefined;
  return {
    id,
    kind: 'mec-host',
    name: String(doc.mechostName),
    vimType: MEC_VIM_TYPE,
    description: `MEC host ${String(doc.mechostIp)} (${tenantId ? `tenant ${tenantId}` : 'platform'})`,
    ...(pos ? { location: { latitude: pos.lat, longitude: pos.lon, ...(city ? { city } : {}) } } : {}),
    features: hostFeatures(doc),
    attributes: {
      hostIp: String(doc.mechostIp),
      tenantId: tenantId ?? 'platform',
      vim: String(doc.vim ?? 'local'),
      ...(doc.applcmId ? { applcmId: String(doc.applcmId) } : {}),
    },
  };
}
