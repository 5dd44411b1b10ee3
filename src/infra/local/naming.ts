import { createHash } from 'node:crypto';
import { InfraSpecError } from '../driver.js';

// Kernel object names. Linux interface names hold at most 15 characters (IFNAMSIZ - 1), so ids
// cannot be spelled out: each name is a kind prefix, a 4-character tag of the instance and a
// 6-character tag of the object, both base32 of SHA-256 (20 + 30 bits). Names are deterministic,
// which is what makes every step findable after a crash; the instance tag lets gc and tests act on
// one instance's objects without the database. Everything mecano makes starts with `mc`.

export const MC_PREFIX = 'mc';
export const BRIDGE_PREFIX = 'mcbr';
export const NETNS_PREFIX = 'mcns';
export const VETH_PREFIX = 'mcv';
/** Index suffixes are decimal, so 3 + 10 + 2 characters: at most 100 CPs per VNFC. */
export const MAX_CPS = 100;
export const IFNAME_MAX = 15;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function tag(value: string, length: number): string {
  const digest = createHash('sha256').update(value).digest();
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const byte of digest) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
    if (out.length === length) break;
  }
  return out;
}

export function instanceTag(instanceId: string): string {
  return tag(`instance:${instanceId}`, 4);
}

function objectTag(kind: string, id: string): string {
  return tag(`${kind}:${id}`, 6);
}

export function bridgeName(instanceId: string, linkId: string): string {
  return BRIDGE_PREFIX + instanceTag(instanceId) + objectTag('link', linkId);
}

export function netnsName(instanceId: string, vnfcId: string): string {
  return NETNS_PREFIX + instanceTag(instanceId) + objectTag('vnfc', vnfcId);
}

/** All veths of one VNFC share this prefix, so they can be found even when the CP count changed. */
export function vethPrefix(instanceId: string, vnfcId: string): string {
  return VETH_PREFIX + instanceTag(instanceId) + objectTag('vnfc', vnfcId);
}

export function vethName(instanceId: string, vnfcId: string, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_CPS) {
    throw new InfraSpecError(`a VNFC may have at most ${MAX_CPS} connection points`, 'TOO_MANY_CPS');
  }
  return vethPrefix(instanceId, vnfcId) + String(index);
}

/**
 * A stable, locally administered unicast MAC for a CP's inner interface. A healed VNFC keeps its
 * address and, with this, its MAC: its peers' ARP caches stay right (a fresh random MAC made peers
 * send to the old one until their neighbour entry went stale, about 30 s, measured here).
 */
export function macAddress(instanceId: string, vnfcId: string, index: number): string {
  const bytes = createHash('sha256').update(`mac:${instanceId}:${vnfcId}:${index}`).digest().subarray(0, 5);
  return ['02', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** The interface name inside the namespace. */
export function innerIfName(index: number): string {
  return `eth${index}`;
}

export interface ParsedName {
  kind: 'bridge' | 'netns' | 'veth';
  instanceTag: string;
  objectTag: string;
}

/** Recognises names made by the functions above (anything else is not ours by name). */
export function parseName(name: string): ParsedName | undefined {
  const body = /^[a-z2-7]{10}/;
  for (const [prefix, kind] of [[BRIDGE_PREFIX, 'bridge'], [NETNS_PREFIX, 'netns'], [VETH_PREFIX, 'veth']] as const) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const ok = kind === 'veth' ? /^[a-z2-7]{10}\d{1,2}$/.test(rest) : rest.length === 10 && body.test(rest);
    if (ok) return { kind, instanceTag: rest.slice(0, 4), objectTag: rest.slice(4, 10) };
  }
  return undefined;
}

/** Valid for `ip link`: 1–15 characters, no slash, whitespace or colon, not `.`/`..`. */
export function isValidIfName(name: string): boolean {
  return name.length > 0 && name.length <= IFNAME_MAX && /^[A-Za-z0-9_.-]+$/.test(name) && name !== '.' && name !== '..';
}

/** `MECANO_CP_<CPDID>` with the cpdId upper-cased and every non-alphanumeric character as `_`. */
export function cpEnvPrefix(cpdId: string): string {
  return `MECANO_CP_${cpdId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
