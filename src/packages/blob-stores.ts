import path from 'node:path';
import type { Db } from '../store/db.js';
import type { BlobStore } from './blob-store.js';
import { FileBlobStore } from './blob-store-fs.js';
import { PgBlobStore } from './blob-store-pg.js';

// Chooses the blob store for a deployment: files under the data directory by default, chunks in
// the database when several processes share it (DESIGN.md "Data").
export function createBlobStore(opts: { backend: 'fs' | 'db'; dataDir: string; db?: Db; chunkSize?: number }): BlobStore {
  if (opts.backend === 'fs') return new FileBlobStore(opts.dataDir);
  if (!opts.db) throw new Error('the database blob store needs a database');
  return new PgBlobStore(opts.db, { cacheDir: path.join(opts.dataDir, 'blob-cache'), chunkSize: opts.chunkSize });
}
