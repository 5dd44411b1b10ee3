import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Config } from './config.js';
import type { Db } from './store/db.js';
import { openPglite } from './store/pglite.js';
import { openPostgres } from './store/postgres.js';
import { migrate } from './store/migrate.js';
import { sharedSecret } from './store/settings.js';
import { ensureDefaultVim } from './store/vims.js';
import { buildApp } from './http/app.js';
import { createMetricsRegistry } from './http/metrics.js';
import { PackageRecords } from './packages/package-records.js';
import { PackageOnboarding } from './packages/onboarding.js';
import { CatalogPackageSource } from './packages/package-source.js';
import { createBlobStore } from './packages/blob-stores.js';
import { createNotifier, type Notifier } from './notify/index.js';
import { createLocalDriver } from './infra/local/index.js';
import type { InfraDriver } from './infra/driver.js';
import { LcmService } from './lcm/service.js';
import { LcmRunner } from './lcm/runner.js';
import { defaultVimPlacement } from './lcm/default-placement.js';
import { reconcileOnce } from './lcm/reconciler.js';
import { VERSION } from './version.js';

// Composition root: config → database → services → workers → HTTP, and the reverse on close.

export interface Mecano {
  app: FastifyInstance;
  db: Db;
  url: string;
  notifier: Notifier;
  runner: LcmRunner;
  driver: InfraDriver;
  close(): Promise<void>;
}

export const DEFAULT_VIM_ID = '00000000-0000-4000-8000-00000000000a';
const RECONCILE_MS = 15_000;

export async function openDatabase(config: Config): Promise<Db> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  const dir = path.join(config.dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  return openPglite(dir);
}

export async function startMecano(config: Config, opts: { db?: Db } = {}): Promise<Mecano> {
  await mkdir(config.dataDir, { recursive: true });
  const db = opts.db ?? (await openDatabase(config));
  await migrate(db);
  const markerKey = await sharedSecret(db, 'paging_marker_key');
  const metrics = createMetricsRegistry();
  const log = pino({ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers["x-auth-token"]'] });
  let url = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const baseUrl = () => url;
  const pageOpts = { pageSize: config.pageSize, markerKey };

  const notifier = createNotifier({ db, baseUrl, registry: metrics, options: { pageSize: config.pageSize, markerKey } });
  // Several processes on one PostgreSQL must all see every package's content.
  const blobs = createBlobStore({ backend: db.kind === 'postgres' ? 'db' : 'fs', dataDir: config.dataDir, db });
  const records = new PackageRecords(db, pageOpts);
  const onboarding = new PackageOnboarding({ db, blobs, events: notifier });
  const packages = new CatalogPackageSource({ db, blobs, dataDir: config.dataDir });
  const driver = createLocalDriver({ netns: config.netns });
  await ensureDefaultVim(db, { id: DEFAULT_VIM_ID, name: 'local', vimType: 'mecano.local.v1', description: 'this machine (local infrastructure driver)' });

  const runner = new LcmRunner({ db, driver, packages, placement: defaultVimPlacement(db), events: notifier, dataDir: config.dataDir, log, leaseMs: config.leaseMs });
  const lcm = new LcmService({ db, events: notifier, packages, driver, nudgeRunner: () => runner.nudge(), ...pageOpts });

  const app = await buildApp({
    config,
    logger: log,
    db,
    version: VERSION,
    metrics,
    baseUrl,
    records,
    onboarding,
    lcm,
    notifier,
    healthExtras: async () => ({ infrastructure: await driver.capabilities() }),
  });
  const address = await app.listen({ host: config.host, port: config.port });
  if (!config.publicUrl) url = address.replace('[::1]', 'localhost');

  await onboarding.recoverInterrupted();
  const reconcile = () => reconcileOnce(db, driver).catch((err) => log.warn({ err }, 'reconcile failed'));
  await reconcile();
  const reconcileTimer = setInterval(reconcile, RECONCILE_MS);
  reconcileTimer.unref();
  if (config.workers) {
    notifier.start();
    runner.start();
  }
  let closed = false;
  const r = runner;
  return {
    app,
    db,
    notifier,
    runner: r,
    driver,
    get url() {
      return url;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(reconcileTimer);
      await app.close();
      await r.stop();
      await notifier.stop();
      if (!opts.db) await db.close();
    },
  };
}
