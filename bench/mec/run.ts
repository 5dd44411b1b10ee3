import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildSample } from '../../scripts/build-samples.js';
import { CLI, FLOOR, load, percentile, startProcess, type LoadResult, type Server } from '../lib/harness.js';

// MEC benchmark (issue 9): create+instantiate latency of an app instance (centre → AppLCM over
// HTTP → the edge's engine → a real process in a namespace), and ESR list / query throughput,
// with the bare-Fastify floor measured in the same run. One mecano in role `all` per backend
// (PGlite, then PostgreSQL when a server answers). Bounded: BENCH_SECONDS per load (default 5),
// BENCH_MEC_APPS instances (default 10), BENCH_MEC_HOSTS registered hosts (default 200).
// Run after `npm run build`: node dist/bench/mec/run.js   (or node --import tsx bench/mec/run.ts)

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const APPS = Number(process.env.BENCH_MEC_APPS ?? 10);
const HOSTS = Number(process.env.BENCH_MEC_HOSTS ?? 200);
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TENANT = '7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5';
const SAMPLE = path.resolve('samples/mec/location-service');
const PROVIDER_APP_ID = '5d0c7a341f2e4b6a9c8d7e6f5a4b3c21';

async function json(url: string, method = 'GET', body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = Buffer.isBuffer(body) ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

async function poll(what: string, fn: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function seedHosts(url: string): Promise<{ ms: number; ip: string }> {
  const t0 = performance.now();
  for (let i = 0; i < HOSTS; i++) {
    const ip = `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    const r = await json(`${url}/tenant/${TENANT}/host`, 'POST', { mechostIp: ip, mechostName: `h${i}`, city: 'Bench', address: 'rack', coordinates: `${100 + (i % 50)},${20 + (i % 30)}`, hwcapabilities: [{ hwType: 'GPU' }] });
    if (r.status !== 201) throw new Error(`host registration: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return { ms: (performance.now() - t0) / HOSTS, ip: '198.18.0.1' };
}

/** Create with instantiate: true on the local host; ms from POST to Instantiated, and to Created. */
async function createInstantiate(url: string, appPkgId: string): Promise<{ created: number[]; instantiated: number[] }> {
  const mgmt = `${url}/mec/v1/mgmt/tenant/${TENANT}`;
  const created: number[] = [];
  const instantiated: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < APPS; i++) {
    const t0 = performance.now();
    const r = await json(`${mgmt}/app_instance`, 'POST', { appPackageId: appPkgId, appName: `bench${i}`, mecHost: '127.0.0.1', instantiate: true });
    if (r.status !== 202) throw new Error(`create: ${JSON.stringify(r.body)}`);
    const id = r.body.appInstanceId as string;
    ids.push(id);
    let sawCreated = false;
    await poll(`instance ${id}`, async () => {
      const s = (await json(`${mgmt}/app_instance/${id}`)).body.operationalStatus as string;
      if (!sawCreated && s !== 'Creating') {
        sawCreated = true;
        created.push(performance.now() - t0);
      }
      if (s === 'Instantiation failed' || s === 'Create failed') throw new Error(`instance ${id}: ${s}`);
      return s === 'Instantiated';
    });
    instantiated.push(performance.now() - t0);
  }
  for (const id of ids) await json(`${mgmt}/app_instance/${id}`, 'DELETE');
  for (const id of ids) await poll(`removal of ${id}`, async () => (await json(`${mgmt}/app_instance/${id}`)).status === 404);
  return { created, instantiated };
}

async function backend(kind: 'pglite' | 'postgres', n: number): Promise<{ rows: LoadResult[]; latency: Record<string, number> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `mecano-bench-mec-${kind}-`));
  const env: NodeJS.ProcessEnv = { MECANO_DATA_DIR: dir, MECANO_MEC_APP_BRIDGE: `mcmecb${n}`, MECANO_MEC_APP_CIDR: `10.236.${n}.0/24` };
  let dropDb: (() => Promise<void>) | undefined;
  if (kind === 'postgres') {
    const name = `mecano_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    env.DATABASE_URL = u.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  let server: Server | undefined;
  try {
    server = await startProcess(CLI, ['serve'], env);
    const url = server.url;
    const seeded = await seedHosts(url);
    const lcm = (await json(`${url}/tenant/${TENANT}/hosts`)).body.find((h: any) => h.mechostName === 'local').applcmId;
    const rows = [
      await load(`${kind}: GET /tenant/{t}/hosts (${HOSTS + 1} hosts)`, `${url}/tenant/${TENANT}/hosts`, { seconds: SECONDS }),
      await load(`${kind}: GET /tenant/{t}/hosts/host/{ip}`, `${url}/tenant/${TENANT}/hosts/host/${seeded.ip}`, { seconds: SECONDS }),
      await load(`${kind}: GET /tenant/{t}/applcms/applcm/{id}`, `${url}/tenant/${TENANT}/applcms/applcm/${lcm}`, { seconds: SECONDS }),
    ];
    const appPkgId = PROVIDER_APP_ID + randomBytes(16).toString('hex');
    const csar = await readFile(await buildSample('location-service', dir, { sourceDir: SAMPLE }));
    const up = await json(`${url}/tenant/${TENANT}/package/${appPkgId}?hostList=127.0.0.1`, 'POST', csar, { 'content-type': 'application/zip' });
    if (up.status !== 201) throw new Error(`upload: ${JSON.stringify(up.body)}`);
    await poll('distribution', async () => (await json(`${url}/tenant/${TENANT}/package/${appPkgId}`)).body.mecHostInfo[0].status === 'Distributed');
    const lat = await createInstantiate(url, appPkgId);
    const latency = {
      hostRegistrationMs: Math.round(seeded.ms * 10) / 10,
      createdP50: Math.round(percentile(lat.created, 50)),
      instantiatedP50: Math.round(percentile(lat.instantiated, 50)),
      instantiatedP95: Math.round(percentile(lat.instantiated, 95)),
      instantiatedMax: Math.round(Math.max(...lat.instantiated)),
    };
    return { rows, latency };
  } finally {
    await server?.stop();
    await dropDb?.();
    await rm(dir, { recursive: true, force: true });
  }
}

async function postgresAnswers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const floor = await startProcess(FLOOR, [], {});
const out: { rows: LoadResult[]; latency: Record<string, Record<string, number>> } = { rows: [], latency: {} };
try {
  out.rows.push(await load('floor: bare Fastify GET', `${floor.url}/floor`, { seconds: SECONDS }));
  const n = Math.floor(Math.random() * 200) + 20;
  for (const kind of ['pglite', 'postgres'] as const) {
    if (kind === 'postgres' && !(await postgresAnswers())) {
      console.warn('no PostgreSQL server: PostgreSQL figures skipped');
      continue;
    }
    const r = await backend(kind, n);
    out.rows.push(...r.rows);
    out.latency[kind] = r.latency;
  }
} finally {
  await floor.stop();
}
const machine = `${os.cpus().length} cores ${os.cpus()[0]?.model ?? ''}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
console.log(`\nMEC benchmark (${machine}; ${SECONDS} s per load, 10 connections)\n`);
console.log('| load | req/s | p50 ms | p99 ms | non-2xx |\n|---|---|---|---|---|');
for (const r of out.rows) console.log(`| ${r.name} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.non2xx} |`);
console.log(`\n| backend | host registration ms | create → Created p50 ms | create → Instantiated p50 / p95 / max ms (${APPS} apps) |\n|---|---|---|---|`);
for (const [k, l] of Object.entries(out.latency)) console.log(`| ${k} | ${l.hostRegistrationMs} | ${l.createdP50} | ${l.instantiatedP50} / ${l.instantiatedP95} / ${l.instantiatedMax} |`);
await mkdir(path.resolve('bench/results'), { recursive: true });
await writeFile(path.resolve(`bench/results/mec-${new Date().toISOString().slice(0, 10)}.json`), JSON.stringify({ machine, seconds: SECONDS, apps: APPS, hosts: HOSTS, ...out }, null, 2));
