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
import { PackageContent } from './packages/package-content.js';
import { UriUploads } from './packages/upload-from-uri.js';
import { Marketplace } from './packages/marketplace.js';
import { CatalogPackageSource } from './packages/package-source.js';
import { createBlobStore } from './packages/blob-stores.js';
import { createNotifier, type Notifier } from './notify/index.js';
import { createLocalDriver } from './infra/local/index.js';
import type { InfraDriver } from './infra/driver.js';
import { LcmService } from './lcm/service.js';
import { LcmRunner } from './lcm/runner.js';
import { solverPlacement } from './lcm/solver-placement.js';
import { PlacementService } from './placement/service.js';
import { placementOptionsFromEnv, type PlacementOptions } from './placement/options.js';
import { reconcileOnce } from './lcm/reconciler.js';
import { VERSION } from './version.js';
import { Mec } from './mec/index.js';

// Composition root: config → database → services → workers → HTTP, and the reverse on close.

export interface Mecano {
  app: FastifyInstance;
  db: Db;
  url: string;
  notifier: Notifier;
  runner: LcmRunner;
  driver: InfraDriver;
  mec: Mec;
  placement: PlacementService;
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

export async function startMecano(config: Config, opts: { db?: Db; placement?: Partial<PlacementOptions> } = {}): Promise<Mecano> {
  await mkdir(config.dataDir, { recursive: true });
  const db = opts.db ?? (await openDatabase(config));
  await migrate(db);
  const markerKey = await sharedSecret(db, 'paging_marker_key');
  const metrics = createMetricsRegistry();
  const log = pino({ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers["x-auth-token"]'] });
  let url = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const baseUrl = () => url;
  const pageOpts = { pageSize: config.pageSize, markerKey };

  const notifier = createNotifier({ db, baseUrl, registry: metrics, logger: log, options: { pageSize: config.pageSize, markerKey } });
  // Several processes on one PostgreSQL must all see every package's content.
  const blobs = createBlobStore({ backend: db.kind === 'postgres' ? 'db' : 'fs', dataDir: config.dataDir, db });
  const records = new PackageRecords(db, { ...pageOpts, events: notifier, blobs });
  const onboarding = new PackageOnboarding({ db, blobs, events: notifier });
  const packageContent = new PackageContent({ db, blobs });
  const uriUploads = new UriUploads({ onboarding, blobs, log }, { allowLoopback: config.uploadAllowLoopback, maxBytes: config.uploadLimit });
  const marketplace = new Marketplace({ db, blobs, records, onboarding, ...pageOpts });
  const packages = new CatalogPackageSource({ db, blobs, dataDir: config.dataDir });
  const driver = createLocalDriver({ netns: config.netns });
  await ensureDefaultVim(db, { id: DEFAULT_VIM_ID, name: 'local', vimType: 'mecano.local.v1', description: 'this machine (local infrastructure driver)' });
  const placementOptions = { ...placementOptionsFromEnv(process.env), ...opts.placement };
  const placement = new PlacementService({ db, notifier, log, ...pageOpts, options: { ...placementOptions, leaseMs: config.leaseMs } });
  await placement.init();

  // MEC app instances are engine instances: MEC supplies their handlers and projects events.
  const mec = await Mec.create({ db, config, blobs, records, onboarding, packages, notifier, baseUrl, log, version: VERSION, candidates: placement.inventory });
  const runner = new LcmRunner({ db, driver, packages, placement: solverPlacement({ db, inventory: placement.inventory, policies: placement.policies, solve: (p) => placement.solve(p) }), events: mec.events, handlerFor: mec.handlerFor, dataDir: config.dataDir, log, leaseMs: config.leaseMs });
  const lcm = new LcmService({ db, events: mec.events, packages, driver, nudgeRunner: () => runner.nudge(), ...pageOpts });
  mec.bind(lcm);

  const app = await buildApp({
    config,
    logger: log,
    db,
    version: VERSION,
    metrics,
    baseUrl,
    records,
    onboarding,
    packageContent,
    uriUploads,
    marketplace,
    lcm,
    notifier,
    mec,
    placement: { service: placement, oofUsers: placementOptions.oofUsers },
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
    placement.start();
  }
  await mec.start(url, { workers: config.workers });
  let closed = false;
  const r = runner;
  return {
    app,
    db,
    notifier,
    runner: r,
    driver,
    mec,
    placement,
    get url() {
      return url;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(reconcileTimer);
      await app.close();
      await uriUploads.stop();
      await mec.stop();
      await r.stop();
      await placement.stop();
      await notifier.stop();
      if (!opts.db) await db.close();
    },
  };
}
