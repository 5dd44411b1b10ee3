import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LcmEvent } from '../../src/notify/index.js';
import { TEST_DB_KIND } from '../helpers/db.js';
import { request as http, sampleInstance, startHarness, startReceiver, V2, waitFor, type Harness, type Receiver } from './helpers.js';

// Notifications are never lost: a subscriber down during a burst, a worker that dies holding a
// lease (simulated in-process on both databases), and a real kill -9 of a second mecano process
// sharing the PostgreSQL database. Every notification is counted at the receiver.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function subscribe(h: Harness, callbackUri: string): Promise<string> {
  const r = await http(h.url, 'POST', '/vnflcm/v2/subscriptions', { body: { callbackUri }, headers: V2 });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}

/** Publishes `n` occurrence notifications (operation id op-<i>, i = 0..n-1) in transactions of `per`. */
async function burst(h: Harness, n: number, per = 10): Promise<void> {
  const inst = sampleInstance(900);
  for (let i = 0; i < n; i += per) {
    await h.testDb.db.tx(async (tx) => {
      for (let j = i; j < Math.min(n, i + per); j++) {
        const ev: LcmEvent = { type: 'VnfLcmOperationOccurrenceNotification', instance: inst, opOcc: { id: `op-${j}`, operation: 'HEAL', operationState: 'PROCESSING', vnfInstanceId: inst.id } };
        await h.notifier.publishLcm(tx, ev);
      }
    });
    h.notifier.nudge();
  }
}

interface Tally {
  /** receipts per notification id */
  perId: Map<string, number>;
  /** per callback path: the op index of each first receipt, in arrival order */
  firstOrder: Map<string, number[]>;
  total: number;
}

function tally(rx: Receiver): Tally {
  const perId = new Map<string, number>();
  const firstOrder = new Map<string, number[]>();
  for (const p of rx.posts()) {
    const seen = perId.get(p.body.id) ?? 0;
    perId.set(p.body.id, seen + 1);
    if (seen === 0) {
      const list = firstOrder.get(p.path) ?? [];
      list.push(Number(String(p.body.vnfLcmOpOccId).slice(3)));
      firstOrder.set(p.path, list);
    }
  }
  return { perId, firstOrder, total: rx.posts().length };
}

function assertInOrder(t: Tally, paths: string[], n: number): void {
  for (const p of paths) {
    const order = t.firstOrder.get(p) ?? [];
    assert.equal(order.length, n, `${p}: ${order.length} of ${n} distinct notifications`);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `${p}: first receipts in publication order`);
  }
}

const delivered = async (h: Harness) => Number((await h.testDb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE state = 'delivered'`)).rows[0].n);

describe('durability', () => {
  // The guarantee is at least once (a POST whose answer is lost to a timeout is sent again), so
  // these tests count every notification received, allow only a bounded number of repeats, and
  // check the order of first receipts.
  it('1 000 notifications published while the subscriber is down: none lost, in order', async () => {
    const h = await startHarness();
    const rx = await startReceiver();
    try {
      const paths = ['/a', '/b'];
      for (const p of paths) await subscribe(h, `${rx.url}${p}`);
      await rx.down();
      h.notifier.start();
      await burst(h, 500);
      // Both lanes have failed at least once against the closed port before the subscriber returns.
      await waitFor(async () => Number((await h.testDb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE attempts > 0')).rows[0].n) >= 2, 60_000, 'failed attempts');
      assert.equal(rx.posts().length, 0);
      await rx.up();
      await waitFor(async () => (await delivered(h)) === 1000, 180_000, '1000 delivered');
      const t = tally(rx);
      assert.equal(t.perId.size, 1000, 'none lost');
      assert.ok(t.total - 1000 <= paths.length * 50, `${t.total - 1000} repeats`);
      assertInOrder(t, paths, 500);
    } finally {
      await rx.close();
      await h.close();
    }
  });

  it('two notifiers share one backlog: none lost, each subscription in order', async () => {
    const a = await startHarness();
    const b = await startHarness({}, a.testDb);
    const rx = await startReceiver();
    try {
      const paths = ['/s1', '/s2', '/s3', '/s4'];
      for (const p of paths) await subscribe(a, `${rx.url}${p}`);
      await burst(a, 250, 50);
      a.notifier.start();
      b.notifier.start();
      await waitFor(async () => (await delivered(a)) === 1000, 180_000, '1000 delivered');
      const t = tally(rx);
      assert.equal(t.perId.size, 1000, 'none lost');
      assert.ok(t.total - 1000 <= paths.length * 50, `${t.total - 1000} repeats`);
      assertInOrder(t, paths, 250);
      const owners = await a.testDb.db.query<{ n: number }>(`SELECT count(DISTINCT lease_owner)::int AS n FROM notifications`);
      assert.equal(owners.rows[0].n, 0, 'no lease left behind');
    } finally {
      await rx.close();
      await b.close();
      await a.close();
    }
  });

  it('a worker that dies holding a lease: another notifier takes over when the lease expires', async () => {
    const rx = await startReceiver();
    // The first notifier hangs on its 21st POST, holding a lane, and is then abandoned.
    let posts = 0;
    rx.behave = (r) => (r.method === 'POST' && ++posts === 21 ? 'hang' : 204);
    const a = await startHarness({ requestTimeoutMs: 60_000, leaseMs: 60_000 });
    let stopping: Promise<void> | undefined;
    try {
      await subscribe(a, `${rx.url}/lane`);
      await burst(a, 300, 50);
      a.notifier.start();
      await waitFor(() => posts >= 21, 60_000, 'the hang');
      const held = await a.testDb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE lease_owner IS NOT NULL`);
      assert.ok(held.rows[0].n > 0, 'the dead worker holds leases');
      // Dead: it claims nothing more (its one request stays in flight, as a killed process's would).
      stopping = a.notifier.stop();
      // Its lease runs out (backdated instead of waiting 60 s); a second process takes over.
      await a.testDb.db.query(`UPDATE notifications SET lease_until = now() - interval '1 second' WHERE lease_owner IS NOT NULL`);
      const b = await startHarness({}, a.testDb);
      try {
        b.notifier.start();
        await waitFor(async () => (await delivered(b)) === 300, 120_000, '300 delivered');
        const t = tally(rx);
        assert.equal(t.perId.size, 300, 'none lost');
        // Re-sent: the POST in flight when the worker died, and the deliveries it had not yet
        // recorded (one window, ≤ 50); each at most twice.
        const dup = t.total - 300;
        assert.ok(dup >= 1 && dup <= 51, `${dup} duplicates`);
        assert.ok([...t.perId.values()].every((c) => c <= 2));
        assertInOrder(t, ['/lane'], 300);
      } finally {
        await b.close();
      }
    } finally {
      // The abandoned worker wakes up when its hung request fails; its writes are fenced out.
      await rx.close();
      await stopping;
      await a.close();
    }
  });

  it('kill -9 of a mecano process mid-burst, subscriber down meanwhile: nothing lost, order kept', { skip: TEST_DB_KIND !== 'postgres' && 'needs a database shared by two processes' }, async () => {
    const h = await startHarness({ leaseMs: 1500 });
    const rx = await startReceiver();
    let child: ChildProcess | undefined;
    try {
      const paths = ['/k1', '/k2'];
      for (const p of paths) await subscribe(h, `${rx.url}${p}`);
      await rx.down();
      await burst(h, 500, 25);
      child = spawn(process.execPath, ['--import', 'tsx', 'test/notify/fixtures/notifier-child.ts'], {
        cwd: ROOT,
        env: { ...process.env, MECANO_CHILD_DB: h.testDb.url, MECANO_CHILD_OPTIONS: JSON.stringify({ pollMs: 20, leaseMs: 1500, backoffBaseMs: 40, backoffCapMs: 200 }) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      assert.match(line.toString(), /ready/);
      rx.delayMs = 2;
      await rx.up();
      await waitFor(() => rx.posts().length >= 300, 60_000, 'the child to deliver 300');
      child.kill('SIGKILL');
      await once(child, 'exit');
      const before = rx.posts().length;
      assert.ok(before < 1000, `killed mid-burst (${before} received)`);
      h.notifier.start();
      await waitFor(async () => (await delivered(h)) === 1000, 180_000, '1000 delivered after the restart');
      const t = tally(rx);
      assert.equal(t.perId.size, 1000, 'none lost');
      // At most one unrecorded window (≤ 50 POSTs) per lane is repeated after the kill.
      assert.ok(t.total - 1000 <= paths.length * 50, `${t.total - 1000} duplicates`);
      assertInOrder(t, paths, 500);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      await rx.close();
      await h.close();
    }
  });
});
