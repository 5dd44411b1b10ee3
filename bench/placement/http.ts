import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { CLI, FLOOR, load, percentile, startProcess, type LoadResult } from '../lib/harness.js';
import { CUSTOMER, hasShaped, SEED } from './generate.js';

// End to end over HTTP (issue 7, benchmark 3): OOF placement requests of 5 demands × 200
// candidates against the compiled mecano, each answered by a callback to a loopback receiver.
// C closed-loop clients each POST a request and wait for its callback before the next, for a
// bounded time; the figure is completed requests (callback received) per second, next to the
// bare-Fastify floor measured in the same run. Run: npm run build && node dist/bench/placement/http.js
// Env: BENCH_SECONDS (default 10), BENCH_CLIENTS (default 8), BENCH_BACKENDS (pglite,postgres).

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CALLBACK_WAIT_MS = 60_000;
const D = 5;
const C = 200;

interface Receiver {
  url: string;
  wait(requestId: string): Promise<{ status: string; at: number }>;
  close(): Promise<void>;
}

async function receiver(): Promise<Receiver> {
  const waiting = new Map<string, (v: { status: string; at: number }) => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { requestId: string; requestStatus: string };
      res.writeHead(204).end();
      waiting.get(body.requestId)?.({ status: body.requestStatus, at: performance.now() });
      waiting.delete(body.requestId);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    wait: (id) => new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no callback for ${id} within ${CALLBACK_WAIT_MS} ms`)), CALLBACK_WAIT_MS);
      waiting.set(id, (v) => (clearTimeout(t), resolve(v)));
    }),
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

/** The generator's 5 × 200 HAS-shaped instance as VIM records and policies of service 'bench'. */
async function seedInventory(base: string): Promise<string[]> {
  const problem = hasShaped(D, C, SEED);
  for (const c of problem.candidates) {
    const r = await post(`${base}/mecano/v1/vims`, {
      name: c.id, cloudOwner: c.cloudOwner, cloudRegionId: c.cloudRegionId, zone: c.zone,
      location: { latitude: c.lat, longitude: c.lon, complex: c.complex },
      capacity: { total: c.capacity.total, external: c.capacity.used }, features: c.features, cost: c.cost, attributes: c.attributes,
    });
    if (r.status !== 201) throw new Error(`VIM ${c.id}: ${JSON.stringify(r.body)}`);
  }
  const policies: unknown[] = [
    { name: 'bench-distance', policyType: 'DistancePolicy', scope: { services: ['bench'] }, properties: { distance: { value: 1500, unit: 'km' } } },
    { name: 'bench-objective', policyType: 'OptimizationPolicy', scope: { services: ['bench'] }, properties: { weights: { distance: 1, cost: 1 }, resourceWeights: Object.fromEntries(problem.demands.map((d) => [d.id, d.weight ?? 1])) } },
  ];
  for (const d of problem.demands) {
    policies.push({ name: `bench-fit-${d.id}`, policyType: 'VimFitPolicy', scope: { services: ['bench'], resources: [d.id] }, properties: d.requirements });
    if (d.requiredFeatures?.length) policies.push({ name: `bench-hpa-${d.id}`, policyType: 'HpaPolicy', scope: { services: ['bench'], resources: [d.id] }, properties: { features: d.requiredFeatures } });
  }
  for (const p of policies) {
    const r = await post(`${base}/mecano/v1/placement/policies`, p);
    if (r.status !== 201) throw new Error(`policy: ${JSON.stringify(r.body)}`);
  }
  return problem.demands.map((d) => d.id);
}

function request(n: number, callbackUrl: string, demands: string[]): Record<string, unknown> {
  const model = { modelInvariantId: 'bench-invariant', modelVersionId: 'bench-version' };
  return {
    requestInfo: { transactionId: `tx-${n}`, requestId: `bench-${process.pid}-${n}`, callbackUrl, sourceId: 'bench', requestType: 'create', numSolutions: 1, optimizers: ['placement'], timeout: 60 },
    placementInfo: {
      requestParameters: { customerLatitude: CUSTOMER.lat, customerLongitude: CUSTOMER.lon },
      placementDemands: demands.map((d) => ({ resourceModuleName: d, serviceResourceId: `${d}-${n}`, resourceModelInfo: model })),
    },
    serviceInfo: { serviceInstanceId: `svc-${n}`, serviceName: 'bench', modelInfo: model },
  };
}

interface Run {
  completed: number;
  failed: number;
  perSecond: number;
  postP50Ms: number;
  postP99Ms: number;
  callbackP50Ms: number;
  callbackP99Ms: number;
}

async function closedLoop(base: string, rcv: Receiver, demands: string[]): Promise<Run> {
  const postMs: number[] = [];
  const e2eMs: number[] = [];
  let n = 0;
  let failed = 0;
  const t0 = performance.now();
  const until = t0 + SECONDS * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const id = ++n;
      const body = request(id, rcv.url, demands);
      const answered = rcv.wait(String((body.requestInfo as { requestId: string }).requestId));
      const s = performance.now();
      const r = await post(`${base}/api/oof/v1/placement`, body);
      postMs.push(performance.now() - s);
      if (r.status !== 202) throw new Error(`POST ${r.status}: ${JSON.stringify(r.body)}`);
      const cb = await answered;
      if (cb.status !== 'completed') failed++;
      e2eMs.push(cb.at - s);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const elapsed = (performance.now() - t0) / 1000;
  const r2 = (x: number) => +x.toFixed(1);
  return { completed: e2eMs.length, failed, perSecond: r2(e2eMs.length / elapsed), postP50Ms: r2(percentile(postMs, 50)), postP99Ms: r2(percentile(postMs, 99)), callbackP50Ms: r2(percentile(e2eMs, 50)), callbackP99Ms: r2(percentile(e2eMs, 99)) };
}

async function backend(kind: 'pglite' | 'postgres', floor: LoadResult): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `mecano-bench-placement-${kind}-`));
  const env: NodeJS.ProcessEnv = { MECANO_DATA_DIR: dir };
  let drop: (() => Promise<void>) | undefined;
  if (kind === 'postgres') {
    const name = `mecano_bench_pl_${Date.now()}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    env.DATABASE_URL = u.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const server = await startProcess(CLI, ['serve'], env);
  const rcv = await receiver();
  try {
    const demands = await seedInventory(server.url);
    // Warm-up: solver thread start, HiGHS load, JIT; not measured.
    const warm = request(0, rcv.url, demands);
    const answered = rcv.wait(String((warm.requestInfo as { requestId: string }).requestId));
    await post(`${server.url}/api/oof/v1/placement`, warm);
    await answered;
    const run = await closedLoop(server.url, rcv, demands);
    return { backend: kind, clients: CLIENTS, seconds: SECONDS, ...run, floorReqPerSec: floor.reqPerSec, ratioToFloor: +(run.perSecond / floor.reqPerSec).toFixed(4) };
  } finally {
    await rcv.close();
    await server.stop();
    await drop?.();
    await rm(dir, { recursive: true, force: true });
  }
}

const floorServer = await startProcess(FLOOR, [], {});
const results: Record<string, unknown>[] = [];
let floor: LoadResult;
try {
  floor = await load('floor: bare Fastify route', `${floorServer.url}/floor`, { seconds: SECONDS });
} finally {
  await floorServer.stop();
}
for (const k of (process.env.BENCH_BACKENDS ?? 'pglite,postgres').split(',') as ('pglite' | 'postgres')[]) results.push(await backend(k, floor));
const out = path.resolve('bench/results', `placement-http-${new Date().toISOString().slice(0, 10)}.json`);
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, JSON.stringify({ date: new Date().toISOString(), instance: `${D} demands × ${C} candidates`, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, floor, results }, null, 2));
console.log(`floor (bare Fastify GET): ${floor.reqPerSec} req/s\n`);
console.log('| backend | clients | completed req/s (callback received) | POST p50 / p99 ms | POST → callback p50 / p99 ms | failed |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of results) console.log(`| ${r.backend} | ${r.clients} | ${r.perSecond} | ${r.postP50Ms} / ${r.postP99Ms} | ${r.callbackP50Ms} / ${r.callbackP99Ms} | ${r.failed} |`);
console.log(`\nwritten to ${out}`);
