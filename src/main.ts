import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { Db } from './store/db.js';
import { openPglite } from './store/pglite.js';
import { openPostgres } from './store/postgres.js';
import { migrate } from './store/migrate.js';
import { sharedSecret } from './store/settings.js';
import { buildApp } from './http/app.js';
import { createMetricsRegistry } from './http/metrics.js';
import { PackageRecords } from './packages/package-records.js';
import { VERSION } from './version.js';

// Composition root: config → database → services → workers → HTTP, and the reverse on close.

export interface Mecano {
  app: FastifyInstance;
  db: Db;
  url: string;
  close(): Promise<void>;
}

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
  let url = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const records = new PackageRecords(db, { pageSize: config.pageSize, markerKey });
  const app = await buildApp({ config, db, version: VERSION, metrics, baseUrl: () => url, records });
  const address = await app.listen({ host: config.host, port: config.port });
  if (!config.publicUrl) url = address.replace('[::1]', 'localhost');
  let closed = false;
  return {
    app,
    db,
    get url() {
      return url;
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      if (!opts.db) await db.close();
    },
  };
}
