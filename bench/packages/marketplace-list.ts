import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSample } from '../../scripts/build-samples.js';
import { processPackage } from '../../src/packages/process.js';
import { catalogEntry, contentIndex } from '../../src/packages/catalog.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';
import type { Db } from '../../src/store/db.js';
import { FLOOR, load, startProcess, type LoadResult } from '../lib/harness.js';
import { createDatabase, SAMPLES, startMecano, writeResult } from './common.js';

// Marketplace list with filters over 10 000 onboarded packages (issue 4), req/s with autocannon,
// next to a bare Fastify route measured in the same run (the floor). The catalog is seeded in
// one SQL statement from the document of a really processed package (VnfPkgInfo with images,
// artifacts and validation report), so each listed item has production size.
// 100 providers × 500 product names × 20 versions: name+version is unique, a name has 20
// packages, a provider 100. Run: npm run build && node dist/bench/packages/marketplace-list.js

const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function seed(db: Db, dir: string): Promise<void> {
  await migrate(db);
  const p = await processPackage(await buildSample('two-vdu', dir, { sourceDir: path.join(SAMPLES, 'two-vdu') }));
  const doc = { onboardingState: 'ONBOARDED', operationalState: 'ENABLED', usageState: 'NOT_IN_USE', ...p.meta, checksum: { algorithm: 'SHA-256', hash: 'ab'.repeat(32) }, softwareImages: p.softwareImages, additionalArtifacts: p.additionalArtifacts, packageSecurityOption: 'OPTION_1', validationReport: p.report };
  const entry = catalogEntry(p);
  await db.query(
    `WITH g AS (SELECT gen_random_uuid() AS id, i FROM generate_series(0, $1::int - 1) AS i)
     INSERT INTO vnf_packages (id, onboarding_state, operational_state, usage_state, vnfd_id, doc, content_sha256, content_size,
       content_index, pkg_name, pkg_provider, pkg_version, pkg_type)
     SELECT id, 'ONBOARDED', 'ENABLED', 'NOT_IN_USE', 'bench-vnfd-' || i,
       $2::jsonb || jsonb_build_object('id', id, 'vnfdId', 'bench-vnfd-' || i, 'vnfProvider', 'provider-' || (i % 100), 'vnfProductName', 'product-' || (i % 500)),
       md5(i::text) || md5((i + 1)::text), 3400000 + i, $3::jsonb,
       'product-' || (i % 500), 'provider-' || (i % 100), '1.' || (i / 500), $4
     FROM g`,
    [PACKAGES, JSON.stringify(doc), JSON.stringify(contentIndex(p)), entry.type],
  );
  await db.query('ANALYZE vnf_packages');
}

const QUERIES: [string, string][] = [
  ['name+version (1 match)', '?name=product-42&version=1.3'],
  ['name (20 matches)', '?name=product-42'],
  ['provider+name (20 matches)', '?provider=provider-7&name=product-7'],
  ['provider (100 matches, one page)', '?provider=provider-7'],
  ['type+version (500 matches, first page of 100)', '?type=CSAR&version=1.3'],
  ['no filter (first page of 100)', ''],
];

async function run(backend: 'pglite' | 'postgres', floor: LoadResult) {
  const dir = await mkdtemp(path.join(tmpdir(), 'mecano-bench-mp-'));
  const pgdb = backend === 'postgres' ? await createDatabase() : undefined;
  try {
    const db = pgdb ? await openPostgres(pgdb.url) : await openPglite(path.join(dir, 'pglite'));
    const t0 = performance.now();
    await seed(db, dir);
    const seedSeconds = +((performance.now() - t0) / 1000).toFixed(1);
    await db.close();
    const m = await startMecano(backend, { MECANO_LOG_LEVEL: 'warn' }, { dataDir: dir, databaseUrl: pgdb?.url });
    const loads: (LoadResult & { items: number })[] = [];
    try {
      for (const [name, q] of QUERIES) {
        const url = `${m.url}/onapapi/marketplace/v1/csars${q}`;
        const items = ((await (await fetch(url)).json()) as unknown[]).length;
        loads.push({ ...(await load(name, url, { seconds: SECONDS })), items });
      }
    } finally {
      await m.close();
    }
    return { backend, packages: PACKAGES, seedSeconds, floorReqPerSec: floor.reqPerSec, loads: loads.map((l) => ({ ...l, ofFloor: +(l.reqPerSec / floor.reqPerSec).toFixed(2) })) };
  } finally {
    await pgdb?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

const floorServer = await startProcess(FLOOR, [], {});
let floor: LoadResult;
try {
  floor = await load('bare Fastify route (floor)', `${floorServer.url}/floor`, { seconds: SECONDS });
} finally {
  await floorServer.stop();
}
console.log(JSON.stringify(floor));
const backends = process.argv.slice(2).filter((a) => a === 'pglite' || a === 'postgres') as ('pglite' | 'postgres')[];
const results = [];
for (const b of backends.length ? backends : (['pglite', 'postgres'] as const)) {
  const r = await run(b, floor);
  console.log(JSON.stringify(r));
  results.push(r);
}
console.log(`written ${await writeResult('marketplace-list', { node: process.version, measuredAt: new Date().toISOString(), seconds: SECONDS, floor, results })}`);
