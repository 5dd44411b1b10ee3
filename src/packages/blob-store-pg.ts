import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { NotFound } from '../errors.js';
import type { Queryable } from '../store/db.js';
import { checkKey, checkRange, spoolToTemp, type BlobRange, type BlobStore } from './blob-store.js';

// Blobs as chunks in PostgreSQL (tables blobs / blob_chunks, migration 0002). An upload is first
// spooled to a local temp file while it is hashed (the key is only known at the end, and an
// upload over the limit must leave nothing behind), then inserted in one transaction. The spool
// file becomes the local cache that materialize() returns, so the CSAR reader gets random access.

export interface PgBlobStoreOptions {
  /** Local directory for spooled uploads and materialized blobs. */
  cacheDir: string;
  /** Bytes per chunk row; 1 MiB keeps each bytea far below PostgreSQL's 1 GB field limit. */
  chunkSize?: number;
}

interface TxRunner extends Queryable {
  tx<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

const DEFAULT_CHUNK = 1024 * 1024;

function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw new Error('bytea column did not decode to bytes');
}

export class PgBlobStore implements BlobStore {
  private readonly chunkSize: number;
  private readonly tmpDir: string;

  constructor(
    private readonly db: TxRunner,
    private readonly opts: PgBlobStoreOptions,
  ) {
    this.chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
    this.tmpDir = path.join(opts.cacheDir, 'tmp');
  }

  private cachePath(sha256: string): string {
    return path.join(this.opts.cacheDir, checkKey(sha256));
  }

  async put(stream: Readable, opts: { maxBytes: number }): Promise<{ sha256: string; size: number }> {
    await mkdir(this.tmpDir, { recursive: true });
    const { tmp, sha256, size } = await spoolToTemp(stream, this.tmpDir, opts.maxBytes);
    try {
      await this.db.tx(async (tx) => {
        // A concurrent put of the same content waits on the primary key, then inserts nothing.
        const r = await tx.query('INSERT INTO blobs (sha256, size, chunk_size) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [sha256, size, this.chunkSize]);
        if (r.rowCount === 0) return;
        await this.insertChunks(tx, sha256, tmp);
      });
      await rename(tmp, this.cachePath(sha256));
      return { sha256, size };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  private async insertChunks(tx: Queryable, sha256: string, file: string): Promise<void> {
    const fh = await open(file, 'r');
    try {
      for (let n = 0; ; n++) {
        const buf = Buffer.alloc(this.chunkSize);
        const { bytesRead } = await fh.read(buf, 0, this.chunkSize, n * this.chunkSize);
        if (bytesRead === 0) break;
        await tx.query('INSERT INTO blob_chunks (sha256, n, data) VALUES ($1, $2, $3)', [sha256, n, buf.subarray(0, bytesRead)]);
        if (bytesRead < this.chunkSize) break;
      }
    } finally {
      await fh.close();
    }
  }

  private async meta(sha256: string): Promise<{ size: number; chunkSize: number } | null> {
    const r = await this.db.query<{ size: string | number; chunk_size: number }>('SELECT size, chunk_size FROM blobs WHERE sha256 = $1', [checkKey(sha256)]);
    return r.rows[0] ? { size: Number(r.rows[0].size), chunkSize: Number(r.rows[0].chunk_size) } : null;
  }

  async openRead(sha256: string, range?: BlobRange): Promise<Readable> {
    const m = await this.meta(sha256);
    if (!m) throw new NotFound(`blob ${sha256} not found`, 'BLOB_NOT_FOUND');
    if (m.size === 0 && !range) return Readable.from([], { objectMode: false });
    const r = checkRange(range, m.size) ?? { start: 0, end: m.size - 1 };
    const db = this.db;
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let n = Math.floor(r.start / m!.chunkSize); n <= Math.floor(r.end / m!.chunkSize); n++) {
        const base = n * m!.chunkSize;
        const from = Math.max(r.start - base, 0);
        const to = Math.min(r.end - base, m!.chunkSize - 1);
        // substring() is 1-based; only the needed bytes of a chunk leave the database.
        const row = await db.query<{ data: unknown }>('SELECT substring(data FROM $3 FOR $4) AS data FROM blob_chunks WHERE sha256 = $1 AND n = $2', [sha256, n, from + 1, to - from + 1]);
        if (!row.rows[0]) throw new Error(`blob ${sha256} is missing chunk ${n}`);
        yield toBuffer(row.rows[0].data);
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.meta(sha256)) !== null;
  }

  async size(sha256: string): Promise<number | null> {
    return (await this.meta(sha256))?.size ?? null;
  }

  async delete(sha256: string): Promise<boolean> {
    const r = await this.db.query('DELETE FROM blobs WHERE sha256 = $1', [checkKey(sha256)]);
    await rm(this.cachePath(sha256), { force: true });
    return r.rowCount > 0;
  }

  async materialize(sha256: string): Promise<string> {
    const m = await this.meta(sha256);
    if (!m) throw new NotFound(`blob ${sha256} not found`, 'BLOB_NOT_FOUND');
    const cached = this.cachePath(sha256);
    const st = await stat(cached).catch(() => null);
    if (st?.size === m.size) return cached;
    await mkdir(this.tmpDir, { recursive: true });
    // Re-hash on the way: the cache must hold exactly the content its name promises.
    const { tmp, sha256: got } = await spoolToTemp(await this.openRead(sha256), this.tmpDir, m.size);
    if (got !== sha256) {
      await rm(tmp, { force: true });
      throw new Error(`blob ${sha256} read back from the database hashes to ${got}`);
    }
    await rename(tmp, cached);
    return cached;
  }
}
