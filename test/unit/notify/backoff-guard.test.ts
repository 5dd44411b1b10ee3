import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextAttemptAt, retryDelayMs } from '../../../src/notify/backoff.js';
import { CallbackGuard } from '../../../src/notify/callback-guard.js';
import { canonical } from '../../../src/notify/subscription-service.js';
import { ProblemError } from '../../../src/errors.js';

describe('retry backoff', () => {
  const policy = { baseMs: 1000, capMs: 60_000 };

  it('doubles per failure, between half and all of the full delay', () => {
    for (const [n, full] of [[1, 1000], [2, 2000], [3, 4000], [6, 32_000]] as const) {
      assert.equal(retryDelayMs(n, policy, () => 0), full / 2);
      assert.equal(retryDelayMs(n, policy, () => 1), full);
      const d = retryDelayMs(n, policy);
      assert.ok(d >= full / 2 && d <= full, `${n}: ${d}`);
    }
  });

  it('is capped, also for absurd attempt counts', () => {
    assert.equal(retryDelayMs(7, policy, () => 1), 60_000);
    assert.equal(retryDelayMs(5000, policy, () => 1), 60_000);
    assert.equal(retryDelayMs(0, policy, () => 1), 1000, 'attempt counts below 1 count as 1');
  });

  it('gives up when the next attempt would pass the horizon', () => {
    const now = 1_000_000;
    assert.deepEqual(nextAttemptAt(1, now, now + 5000, policy, () => 1), new Date(now + 1000));
    assert.equal(nextAttemptAt(4, now, now + 5000, policy, () => 1), null);
  });
});

describe('callback guard (SSRF)', () => {
  const g = new CallbackGuard({ allowLoopback: true });
  const code = (f: () => unknown) => {
    try {
      f();
      return 'ok';
    } catch (e) {
      return e instanceof ProblemError ? `${e.status} ${e.code}` : String(e);
    }
  };

  it('accepts http(s) URIs to ordinary and loopback hosts', () => {
    assert.equal(code(() => g.parse('http://127.0.0.1:9000/cb')), 'ok');
    assert.equal(code(() => g.parse('https://nfvo.example.com/notify')), 'ok');
    assert.equal(code(() => g.parse('http://[::1]:8080/')), 'ok');
  });

  it('400 for malformed URIs and other schemes', () => {
    assert.equal(code(() => g.parse('not a uri')), '400 INVALID_CALLBACK_URI');
    assert.equal(code(() => g.parse('/relative/path')), '400 INVALID_CALLBACK_URI');
    assert.equal(code(() => g.parse('ftp://example.com/x')), '400 INVALID_CALLBACK_URI');
    assert.equal(code(() => g.parse('file:///etc/passwd')), '400 INVALID_CALLBACK_URI');
  });

  it('422 for link-local, metadata and mapped addresses', () => {
    assert.equal(g.addressRefusal('::ffff:a9fe:a9fe') !== undefined, true, 'hex-mapped 169.254.169.254');
    assert.equal(new CallbackGuard({ allowLoopback: false }).addressRefusal('::ffff:7f00:1') !== undefined, true, 'hex-mapped 127.0.0.1');
    for (const u of ['http://169.254.169.254/latest/meta-data', 'http://[fe80::1]/', 'http://[::ffff:169.254.169.254]/', 'http://100.100.100.200/', 'http://metadata.google.internal/']) {
      assert.equal(code(() => g.parse(u)), '422 CALLBACK_URI_DENIED', u);
    }
  });

  it('loopback can be denied, and deny/allow lists apply', () => {
    const strict = new CallbackGuard({ allowLoopback: false, deny: ['10.0.0.0/8', '*.internal.example'], allow: ['10.0.0.0/8', '192.0.2.0/24', 'nfvo.example.com'] });
    assert.equal(code(() => strict.parse('http://127.0.0.1/')), '422 CALLBACK_URI_DENIED');
    assert.equal(code(() => strict.parse('http://10.1.2.3/')), '422 CALLBACK_URI_DENIED', 'deny wins over allow');
    assert.equal(code(() => strict.parse('http://x.internal.example/')), '422 CALLBACK_URI_DENIED');
    assert.equal(code(() => strict.parse('http://192.0.2.7/')), 'ok');
    assert.equal(code(() => strict.parse('http://198.51.100.7/')), '422 CALLBACK_URI_DENIED', 'not in the allow list');
    assert.equal(strict.addressRefusal('198.51.100.7', true), undefined, 'a host allowed by name may use any non-denied address');
  });

  it('check() resolves names and refuses what they resolve to', async () => {
    const noLoop = new CallbackGuard({ allowLoopback: false });
    await assert.rejects(noLoop.check('http://localhost:1/'), (e: ProblemError) => e.code === 'CALLBACK_URI_DENIED');
    await assert.rejects(g.check('http://no-such-host.invalid/'), (e: ProblemError) => e.code === 'CALLBACK_URI_UNREACHABLE');
    assert.equal((await g.check('http://localhost:1/')).port, '1');
  });
});

describe('subscription identity (duplicate detection)', () => {
  it('ignores key order, set order and empty members', () => {
    assert.equal(canonical({ a: [2, 1], b: { c: 1, d: [] } }), canonical({ b: { c: 1 }, a: [1, 2] }));
    assert.equal(canonical({ filter: {} }), canonical({}));
    assert.notEqual(canonical({ a: [1] }), canonical({ a: [2] }));
  });
});
