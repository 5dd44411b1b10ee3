import { rules, type BodySpec, type InvalidParam, type Rule } from './validate.js';

// The three ESR record kinds: accepted fields (canonical names as EdgeGallery's inventory, with
// the seed prototype's and v0.9's spellings as aliases), secret fields, and the stored document.

export const MAX_HW_CAPABILITIES = 10;

const hwCapabilities: Rule = (v) => {
  if (!Array.isArray(v)) return 'must be an array of {hwType, hwVendor, hwModel}';
  if (v.length > MAX_HW_CAPABILITIES) return `must have at most ${MAX_HW_CAPABILITIES} entries`;
  const name = rules.name();
  for (const [i, c] of v.entries()) {
    if (typeof c !== 'object' || c === null) return `[${i}] must be an object`;
    const cap = c as Record<string, unknown>;
    if (cap.hwType === undefined) return `[${i}].hwType is required`;
    for (const k of ['hwType', 'hwVendor', 'hwModel']) {
      if (cap[k] === undefined) continue;
      const why = name(cap[k]);
      if (why) return `[${i}].${k} ${why}`;
    }
  }
  return undefined;
};

/** EdgeGallery sends affinity as a string ("X86,ARM"); the seed prototype as a list. */
const affinity: Rule = (v) => {
  if (Array.isArray(v)) {
    if (v.length > 10) return 'must have at most 10 entries';
    const bad = v.find((x) => rules.name()(x) !== undefined);
    return bad === undefined ? undefined : 'entries must be letters and digits, with _ or - only between them';
  }
  return rules.affinity()(v);
};

export const APPLCM_SPEC: BodySpec = {
  applcmId: { rule: rules.uuid(), aliases: ['id'] },
  applcmName: { rule: rules.name(), required: true, aliases: ['name', 'mepmName', 'applcmname'] },
  applcmIp: { rule: rules.ip(), required: true, aliases: ['ip', 'mepmIp', 'applcmip'] },
  applcmPort: { rule: rules.port(), required: true, aliases: ['port', 'mepmPort', 'applcmport'] },
  scheme: { rule: rules.pattern(/^https?$/, "must be 'http' or 'https'", 5) },
  userName: { rule: rules.name(), aliases: ['username', 'user'] },
  password: { rule: rules.string(128) },
};

export const APPSTORE_SPEC: BodySpec = {
  appstoreId: { rule: rules.uuid(), aliases: ['id'] },
  appstoreName: { rule: rules.name(), required: true, aliases: ['appstorename', 'name'] },
  appstoreIp: { rule: rules.ip(), required: true, aliases: ['ip'] },
  appstorePort: { rule: rules.port(), required: true, aliases: ['port'] },
  appstoreRepo: { rule: rules.url(256), aliases: ['url', 'appstoreUrl'] },
  appstoreRepoName: { rule: rules.name() },
  appstoreRepoUserName: { rule: rules.name(), aliases: ['username', 'userName'] },
  appstoreRepoPassword: { rule: rules.string(128), aliases: ['password'] },
  appstoreType: { rule: rules.name(), aliases: ['type'] },
  producer: { rule: rules.string(128), aliases: ['vendor'] },
};

export const HOST_SPEC: BodySpec = {
  mechostId: { rule: rules.uuid(), aliases: ['id'] },
  mechostIp: { rule: rules.ip(), required: true, aliases: ['ip', 'hostIp', 'mechost_ip'] },
  mechostName: { rule: rules.name(), required: true, aliases: ['hostname', 'name', 'mechost_name'] },
  city: { rule: rules.city(), required: true },
  address: { rule: rules.string(256), required: true },
  coordinates: { rule: rules.coordinates() },
  zipCode: { rule: rules.name(), aliases: ['zipcode'] },
  affinity: { rule: affinity },
  userName: { rule: rules.name(), aliases: ['username'] },
  vim: { rule: rules.name() },
  applcmId: { rule: rules.uuid() },
  applcmIp: { rule: rules.ip(), aliases: ['mepmIp', 'appLcmIp', 'applcmip'] },
  applcmPort: { rule: rules.port(), aliases: ['mepmPort'] },
  hwcapabilities: { rule: hwCapabilities, aliases: ['hwCapabilities'] },
};

/** Cross-field rules a field-by-field check cannot see. */
export function hostExtraChecks(v: Record<string, unknown>): InvalidParam[] {
  if (v.applcmPort !== undefined && v.applcmIp === undefined) return [{ name: 'applcmPort', reason: 'needs applcmIp' }];
  return [];
}

export function normaliseAffinity(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : String(v);
}

export interface HwCapability {
  hwType: string;
  hwVendor?: string;
  hwModel?: string;
}

export function normaliseCapabilities(v: unknown): HwCapability[] {
  return ((v as Record<string, string>[] | undefined) ?? []).map((c) => ({
    hwType: c.hwType,
    ...(c.hwVendor !== undefined ? { hwVendor: c.hwVendor } : {}),
    ...(c.hwModel !== undefined ? { hwModel: c.hwModel } : {}),
  }));
}
