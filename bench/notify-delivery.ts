// Notification delivery benchmark: sustained delivery rate to a loopback receiver, and the
// latency from state change (outbox row committed) to delivery under a steady offered load.
// Bounded: fixed sizes, every phase capped in time.
//
//   node --import tsx bench/notify-delivery.ts                    # embedded PGlite
//   MECANO_BENCH_DB=postgres node --import tsx bench/notify-delivery.ts   # PostgreSQL (TEST_DATABASE_URL)
//   env: BENCH_SUBSCRIPTIONS (4), BENCH_BACKLOG (10000), BENCH_RATE (800 notifications/s), BENCH_SECONDS (5)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Registry } from 'prom-client';
import type { Db } from '../src/store/db.js';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import { migrate } from '../src/store/migrate.js';
import { createNotifier, type LcmEvent, type Notifier } from '../src/notify/index.js';

const KIND = (process.env.MECANO_BENCH_DB ?? 'pglite') as 'pglite' | 'postgres';
const SUBS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 4);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 800);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PHASE_LIMIT_MS = 120_000;

async function openDb(): Promise<{ db: Db; drop(): Promise<void> }> {
  if (KIND === 'pglite') {
    const db = await openPglite(undefined);
    return { db, drop: () => db.close() };
  }
  const admin = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `mecano_bench_${randomBytes(4).toString('hex')}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await run(`CREATE DATABASE ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), { max: 10 });
  return { db, drop: async () => (await db.close(), await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) };
}

// The subscriber runs in its own process, as a real one would: its CPU is not mecano's.
const RECEIVER = `
  const http = require('node:http');
  let n = 0;
  const s = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST') n++;
      if (req.url === '/count') return res.writeHead(200).end(String(n));
      res.writeHead(204).end();
    });
  });
  s.keepAliveTimeout = 60000;
  s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
`;

async function receiver(): Promise<{ url: string; count: () => Promise<number>; close(): void }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const url = `http://127.0.0.1:${line.toString().trim()}`;
  return {
    url,
    count: async () => Number(await (await fetch(`${url}/count`)).text()),
    close: () => void child.kill(),
  };
}

const inst = { id: '00000000-0000-4000-8000-000000000001', vnfdId: 'vnfd', vnfProvider: 'P', vnfProductName: 'N', vnfSoftwareVersion: '1', vnfdVersion: '1' };
const event = (i: number): LcmEvent => ({
  type: 'VnfLcmOperationOccurrenceNotification',
  instance: inst,
  opOcc: { id: `op-${i}`, operation: 'HEAL', operationState: 'COMPLETED', vnfInstanceId: inst.id, resourceChanges: { affectedVnfcs: [{ id: 'c', vduId: 'VDU1', changeType: 'MODIFIED', computeResource: { resourceId: 'r' } }] } },
});

async function publish(db: Db, notifier: Notifier, from: number, count: number): Promise<void> {
  await db.tx(async (tx) => {
    for (let i = from; i < from + count; i++) await notifier.publishLcm(tx, event(i));
  });
  notifier.nudge();
}

async function deliveredCount(db: Db): Promise<number> {
  return Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE state = 'delivered'`)).rows[0].n);
}

async function until(cond: () => Promise<boolean>, what: string, everyMs = 20): Promise<void> {
  const end = Date.now() + PHASE_LIMIT_MS;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`bench phase exceeded ${PHASE_LIMIT_MS} ms: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits for `n` POSTs at the receiver (no load on the database), then for their records. */
async function drained(db: Db, rx: { count: () => Promise<number> }, n: number, what: string): Promise<void> {
  await until(async () => (await rx.count()) >= n, what);
  await until(async () => (await deliveredCount(db)) >= n, `${what} (recorded)`, 100);
}

async function main(): Promise<void> {
  const { db, drop } = await openDb();
  const rx = await receiver();
  await migrate(db);
  const notifier = createNotifier({ db, baseUrl: () => 'http://127.0.0.1:8080', registry: new Registry(), options: { verifyCallback: false, pollMs: 50 } });
  try {
    for (let s = 0; s < SUBS; s++) await notifier.lcm.create({ callbackUri: `${rx.url}/s${s}`, verbosity: s % 2 ? 'SHORT' : 'FULL' });
    // Phase 1: a backlog written while delivery is stopped, then drained.
    const events = Math.ceil(BACKLOG / SUBS);
    for (let i = 0; i < events; i += 100) await publish(db, notifier, i, Math.min(100, events - i));
    const total = events * SUBS;
    const t0 = performance.now();
    notifier.start();
    await until(async () => (await rx.count()) >= total, 'backlog');
    const drainS = (performance.now() - t0) / 1000;
    await drained(db, rx, total, 'backlog');
    // Phase 2: steady offered load (a transaction every `tickMs`, each state change matching every
    // subscription), latency from the outbox row's creation to the subscriber's 2xx.
    const mark = Number((await db.query<{ s: number }>('SELECT COALESCE(max(seq), 0)::bigint AS s FROM notifications')).rows[0].s);
    const eventsPerSecond = RATE / SUBS;
    const tickMs = eventsPerSecond >= 100 ? 10 : 1000 / eventsPerSecond;
    const perTick = Math.max(1, Math.round((eventsPerSecond * tickMs) / 1000));
    const ticks = Math.round((SECONDS * 1000) / tickMs);
    const start = performance.now();
    for (let k = 0; k < ticks; k++) {
      await publish(db, notifier, events + k * perTick, perTick);
      const wait = start + (k + 1) * tickMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const offered = ticks * perTick * SUBS;
    await drained(db, rx, total + offered, 'steady load');
    const lat = await db.query<{ p50: number; p99: number; max: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
       FROM (SELECT extract(epoch FROM delivered_at - created_at) * 1000 AS ms FROM notifications WHERE seq > $1) x`,
      [mark],
    );
    const l = lat.rows[0];
    const out = {
      database: KIND,
      subscriptions: SUBS,
      backlog: { notifications: total, seconds: +drainS.toFixed(2), perSecond: Math.round(total / drainS) },
      steady: { offeredPerSecond: Math.round(offered / SECONDS), notifications: offered, latencyMs: { p50: +Number(l.p50).toFixed(1), p99: +Number(l.p99).toFixed(1), max: +Number(l.max).toFixed(1) } },
      receiverCount: await rx.count(),
    };
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await notifier.stop();
    rx.close();
    await drop();
  }
}

await main();
