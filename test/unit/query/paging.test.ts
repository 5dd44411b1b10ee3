import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BadRequest } from '../../../src/errors.js';
import { decodeMarker, encodeMarker } from '../../../src/query/paging.js';

const key = randomBytes(32);
const NOW = 1_700_000_000;

function rejects(fn: () => unknown, detail: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof BadRequest && e.code === 'INVALID_PAGING_MARKER' && detail.test(e.detail));
}

describe('paging markers', () => {
  it('round-trips and is URL-safe', () => {
    const m = encodeMarker(key, { seq: 42, filterHash: 'h1', exp: NOW + 60 });
    assert.match(m, /^[A-Za-z0-9_.-]+$/);
    assert.deepEqual(decodeMarker(key, m, 'h1', NOW), { seq: 42 });
  });

  it('rejects a marker of another query', () => {
    const m = encodeMarker(key, { seq: 42, filterHash: 'h1', exp: NOW + 60 });
    rejects(() => decodeMarker(key, m, 'h2', NOW), /another query/);
  });

  it('rejects an expired marker', () => {
    const m = encodeMarker(key, { seq: 42, filterHash: 'h1', exp: NOW + 60 });
    rejects(() => decodeMarker(key, m, 'h1', NOW + 60), /expired/);
    rejects(() => decodeMarker(key, m, 'h1', NOW + 3600), /expired/);
  });

  it('rejects a marker signed with another key', () => {
    const m = encodeMarker(randomBytes(32), { seq: 42, filterHash: 'h1', exp: NOW + 60 });
    rejects(() => decodeMarker(key, m, 'h1', NOW), /is invalid/);
  });

  it('rejects a forged payload with a valid-looking signature', () => {
    const genuine = encodeMarker(key, { seq: 42, filterHash: 'h1', exp: NOW + 60 });
    const forged = Buffer.from(JSON.stringify([1, 'h1', NOW + 60])).toString('base64url');
    rejects(() => decodeMarker(key, `${forged}.${genuine.split('.')[1]}`, 'h1', NOW), /is invalid/);
  });

  it('rejects any single-character change', () => {
    const m = encodeMarker(key, { seq: 123456, filterHash: 'abc', exp: NOW + 600 });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat({ max: m.length - 1 }), fc.constantFrom(...alphabet), (i, c) => {
        fc.pre(m[i] !== c);
        const tampered = m.slice(0, i) + c + m.slice(i + 1);
        rejects(() => decodeMarker(key, tampered, 'abc', NOW), /is invalid/);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects garbage', () => {
    for (const bad of ['', '.', 'abc', 'a.b', 'a.b.c', '%%%.%%%', '42', 'x'.repeat(600)]) {
      rejects(() => decodeMarker(key, bad, 'h1', NOW), /is invalid/);
    }
  });
});
