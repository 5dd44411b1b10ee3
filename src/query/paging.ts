// SOL013 5.4 paging markers. The marker is opaque to clients but carries the keyset position
// (`seq` of the last row served), a hash of the query it belongs to and an expiry, signed with
// HMAC-SHA256 so that clients cannot forge positions or reuse a marker with another filter.
// Format: base64url(JSON [seq, filterHash, exp]) '.' base64url(HMAC(key, version || payload)).
// NOTE: Tacker uses the last row's id as marker and never validates it (tacker-v2.md §8.3).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BadRequest } from '../errors.js';

const VERSION = 'sol013-marker-v1.';
const MAX_MARKER_LENGTH = 512;

function sign(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(VERSION).update(payload).digest();
}

function markerError(detail: string): BadRequest {
  return new BadRequest(detail, 'INVALID_PAGING_MARKER');
}

/** `exp` is in seconds since the epoch. */
export function encodeMarker(key: Buffer, m: { seq: number; filterHash: string; exp: number }): string {
  if (!Number.isSafeInteger(m.seq) || m.seq < 0) throw new TypeError(`invalid marker seq ${m.seq}`);
  const payload = Buffer.from(JSON.stringify([m.seq, m.filterHash, Math.floor(m.exp)])).toString('base64url');
  return `${payload}.${sign(key, payload).toString('base64url')}`;
}

/**
 * Verifies a marker produced by encodeMarker for the same query (`filterHash`). `now` is in seconds
 * since the epoch. Malformed, tampered, expired or foreign markers are a 400.
 */
export function decodeMarker(key: Buffer, marker: string, filterHash: string, now = Date.now() / 1000): { seq: number } {
  const invalid = () => markerError(`Paging marker value ${JSON.stringify(marker.slice(0, 80))} is invalid.`);
  if (marker.length > MAX_MARKER_LENGTH) throw invalid();
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(marker);
  if (!m) throw invalid();
  const [, payload, mac] = m as unknown as [string, string, string];
  const given = Buffer.from(mac, 'base64url');
  const expected = sign(key, payload);
  // A 43-character base64url text decodes to 32 bytes, but its last character has 2 unused bits:
  // compare the canonical re-encoding too, so only the one exact signature text is accepted.
  if (given.length !== expected.length || !timingSafeEqual(given, expected) || given.toString('base64url') !== mac) {
    throw invalid();
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw invalid();
  const [seq, hash, exp] = decoded as unknown[];
  if (!Number.isSafeInteger(seq) || (seq as number) < 0 || typeof hash !== 'string' || typeof exp !== 'number') throw invalid();
  if (hash !== filterHash) {
    throw markerError('Paging marker belongs to another query; repeat the request with the same filter and selectors.');
  }
  if (exp <= now) throw markerError('Paging marker has expired; restart the listing from the first page.');
  return { seq: seq as number };
}
