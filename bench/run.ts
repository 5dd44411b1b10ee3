import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import { migrate } from '../src/store/migrate.js';
import type { Db } from '../src/store/db.js';
import { buildSample } from '../scripts/build-samples.js';
import { CLI, FLOOR, load, percentile, startProcess, type LoadResult } from './lib/harness.js';

// `npm run bench`: the HTTP floor and mecano's hot paths, on PGlite and on PostgreSQL, in one run.
// Loopback only, every load bounded in time, every loop bounded in count. Results go to
// bench/results/<date>.json and a Markdown table on stdout (copied into the README).

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 100_000);
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const V2 = { Version: '2.0.0', 'content-type': 'application/json' };

async function seedPackages(db: Db, n: number): Promise<void> {
  await migrate(db);
  // One statement: ids and documents generated in SQL, like a catalog grown over years.
  await db.query(`
    WITH g AS (SELECT gen_random_uuid() AS id, i FROM generate_series(1, $1::int) AS i)
    INSERT INTO vnf_packages (id, onboarding_state, operational_state, usage_state, vnfd_id, doc)
    SELECT id, 'ONBOARDED', CASE WHEN i % 2 = 0 THEN 'ENABLED' ELSE 'DISABLED' END, 'NOT_IN_USE', 'bench-vnfd-' || i,
      jsonb_build_object('id', id, 'onboardingState', 'ONBOARDED', 'operationalState', CASE WHEN i % 2 = 0 THEN 'ENABLED' ELSE 'DISABLED' END,
        'usageState', 'NOT_IN_USE', 'vnfdId', 'bench-vnfd-' || i, 'vnfProvider', 'provider-' || (i % 50),
        'vnfProductName', 'product-' || (i % 1000), 'vnfSoftwareVersion', '1.' || (i % 10), 'vnfdVersion', '1.0',
        'userDefinedData', jsonb_build_object('batch', i % 100))
    FROM g`, [n]);
  // A server's autovacuum would have analysed the table by now; the embedded database needs asking.
  await db.query('ANALYZE vnf_packages');
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
}

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function waitSettled(url: string, location: string, timeoutMs = 120_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await json(location.replace(/^http:\/\/[^/]+/, url), { headers: V2 });
    if (!['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(r.body.operationState)) return r.body.operationState;
    if (Date.now() > until) throw new Error('operation did not settle');
    await new Promise((res) => setTimeout(res, 10));
  }
}

async function lcmBench(url: string, dir: string, results: Record<string, unknown>, loads: LoadResult[]): Promise<void> {
  const csar = await buildSample('two-vdu', dir, { sourceDir: path.resolve('samples/packages/two-vdu') });
  const pkg = (await json(`${url}/vnfpkgm/v1/vnf_packages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).body;
  await fetch(`${url}/vnfpkgm/v1/vnf_packages/${pkg.id}/package_content`, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: await readFile(csar) });
  const vnfdId = (await json(`${url}/vnfpkgm/v1/vnf_packages/${pkg.id}`)).body.vnfdId;
  const create = () => json(`${url}/vnflcm/v2/vnf_instances`, { method: 'POST', headers: V2, body: JSON.stringify({ vnfdId }) });
  const createMs: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    let id = '';
    createMs.push(await timeMs(async () => (id = (await create()).body.id)));
    ids.push(id);
  }
  results.createInstanceP50Ms = +percentile(createMs, 50).toFixed(2);
  results.createInstanceP99Ms = +percentile(createMs, 99).toFixed(2);
  loads.push(await load('GET /vnflcm/v2/vnf_instances/{id}', `${url}/vnflcm/v2/vnf_instances/${ids[0]}`, { seconds: SECONDS, headers: V2 }));
  loads.push(await load('GET /vnflcm/v2/vnf_instances (page of 100)', `${url}/vnflcm/v2/vnf_instances`, { seconds: SECONDS, headers: V2 }));
  if (process.getuid?.() !== 0) return;
  // Instantiate → COMPLETED, one at a time, then 50 at once.
  const instMs: number[] = [];
  for (const id of ids.slice(0, 10)) {
    instMs.push(await timeMs(async () => {
      const r = await json(`${url}/vnflcm/v2/vnf_instances/${id}/instantiate`, { method: 'POST', headers: V2, body: JSON.stringify({ flavourId: 'simple' }) });
      if (r.status !== 202) throw new Error(`instantiate answered ${r.status}: ${JSON.stringify(r.body)}`);
      await waitSettled(url, r.headers.get('location')!);
    }));
  }
  results.instantiateP50Ms = +percentile(instMs, 50).toFixed(0);
  const batch = ids.slice(10, 60);
  const t0 = performance.now();
  const locs = await Promise.all(batch.map(async (id) => (await json(`${url}/vnflcm/v2/vnf_instances/${id}/instantiate`, { method: 'POST', headers: V2, body: JSON.stringify({ flavourId: 'simple' }) })).headers.get('location')!));
  const states = await Promise.all(locs.map((l) => waitSettled(url, l, 300_000)));
  results.concurrent50InstantiateSeconds = +((performance.now() - t0) / 1000).toFixed(1);
  const occs = (await json(`${url}/vnflcm/v2/vnf_lcm_op_occs?all_fields&filter=${encodeURIComponent('(eq,operation,INSTANTIATE)')}`, { headers: V2 })).body as any[];
  const perInstance = new Map<string, number>();
  for (const o of occs) perInstance.set(o.vnfInstanceId, (perInstance.get(o.vnfInstanceId) ?? 0) + 1);
  results.concurrent50Completed = states.filter((s) => s === 'COMPLETED').length;
  results.concurrent50DuplicatedOrLost = batch.filter((id) => perInstance.get(id) !== 1).length;
  // Leave nothing running.
  for (const id of ids.slice(0, 60)) {
    const r = await json(`${url}/vnflcm/v2/vnf_instances/${id}/terminate`, { method: 'POST', headers: V2, body: JSON.stringify({ terminationType: 'FORCEFUL' }) });
    if (r.status === 202) await waitSettled(url, r.headers.get('location')!);
  }
}

async function backend(kind: 'pglite' | 'postgres', floorUrl: string): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(tmpdir(), `mecano-bench-${kind}-`));
  const env: NodeJS.ProcessEnv = { MECANO_DATA_DIR: dir };
  let dropDb: (() => Promise<void>) | undefined;
  let db: Db;
  if (kind === 'pglite') {
    await mkdir(path.join(dir, 'pglite'), { recursive: true });
    db = await openPglite(path.join(dir, 'pglite'));
  } else {
    const name = `mecano_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    env.DATABASE_URL = u.toString();
    db = await openPostgres(env.DATABASE_URL);
    dropDb = async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const seedSeconds = await timeMs(() => seedPackages(db, PACKAGES));
  const one = (await db.query<{ id: string }>('SELECT id FROM vnf_packages ORDER BY seq LIMIT 1')).rows[0].id;
  await db.close();
  const server = await startProcess(CLI, ['serve'], env);
  const results: Record<string, unknown> = { backend: kind, packages: PACKAGES, seedSeconds: +(seedSeconds / 1000).toFixed(1) };
  const loads: LoadResult[] = [];
  try {
    const floor = await load('floor: bare Fastify route', `${floorUrl}/floor`, { seconds: SECONDS });
    loads.push(floor);
    loads.push(await load('GET /vnfpkgm/v1/vnf_packages/{id}', `${server.url}/vnfpkgm/v1/vnf_packages/${one}`, { seconds: SECONDS }));
    const filter = encodeURIComponent('(eq,vnfProvider,provider-8);(eq,operationalState,ENABLED)');
    loads.push(await load(`GET /vnfpkgm/v1/vnf_packages?filter=… (page of 100 of ${PACKAGES})`, `${server.url}/vnfpkgm/v1/vnf_packages?filter=${filter}`, { seconds: SECONDS }));
    // 2 000 of the 100 000 rows match; a page holds the first 100 of them.
    const none = encodeURIComponent('(eq,vnfProvider,provider-7);(eq,operationalState,ENABLED)');
    loads.push(await load(`GET /vnfpkgm/v1/vnf_packages?filter=… (no match: a scan of ${PACKAGES} rows)`, `${server.url}/vnfpkgm/v1/vnf_packages?filter=${none}`, { seconds: SECONDS, connections: 4 }));
    const selective = encodeURIComponent('(eq,userDefinedData/batch,42);(eq,vnfProductName,product-942)');
    loads.push(await load(`GET /vnfpkgm/v1/vnf_packages?filter=… (selective nested filter, ${PACKAGES} rows)`, `${server.url}/vnfpkgm/v1/vnf_packages?filter=${selective}`, { seconds: SECONDS, connections: 4 }));
    await lcmBench(server.url, dir, results, loads);
    for (const l of loads) (l as LoadResult & { ratioToFloor: number }).ratioToFloor = +(l.reqPerSec / floor.reqPerSec).toFixed(2);
    results.loads = loads;
  } finally {
    await server.stop();
    await dropDb?.();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

function table(all: Record<string, unknown>[]): string {
  const lines = ['| backend | scenario | req/s | p50 ms | p99 ms | ratio to floor |', '|---|---|---:|---:|---:|---:|'];
  for (const r of all) for (const l of r.loads as (LoadResult & { ratioToFloor: number })[]) lines.push(`| ${r.backend} | ${l.name} | ${l.reqPerSec} | ${l.p50} | ${l.p99} | ${l.ratioToFloor} |`);
  lines.push('', '| backend | create instance p50 / p99 ms | instantiate 2-VDU p50 ms | 50 concurrent instantiations | lost or duplicated |', '|---|---:|---:|---:|---:|');
  for (const r of all) lines.push(`| ${r.backend} | ${r.createInstanceP50Ms} / ${r.createInstanceP99Ms} | ${r.instantiateP50Ms ?? 'n/a'} | ${r.concurrent50Completed ?? 'n/a'}/50 in ${r.concurrent50InstantiateSeconds ?? 'n/a'} s | ${r.concurrent50DuplicatedOrLost ?? 'n/a'} |`);
  return lines.join('\n');
}

const floor = await startProcess(FLOOR, [], {});
const all: Record<string, unknown>[] = [];
try {
  const kinds = (process.env.BENCH_BACKENDS ?? 'pglite,postgres').split(',') as ('pglite' | 'postgres')[];
  for (const k of kinds) all.push(await backend(k, floor.url));
} finally {
  await floor.stop();
}
const out = path.resolve('bench/results', `${new Date().toISOString().slice(0, 10)}.json`);
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, JSON.stringify({ date: new Date().toISOString(), seconds: SECONDS, machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, results: all }, null, 2));
console.log(table(all));
console.log(`\nwritten to ${out}`);
