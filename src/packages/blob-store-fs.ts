import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { NotFound } from '../errors.js';
import { checkKey, checkRange, spoolToTemp, type BlobRange, type BlobStore } from './blob-store.js';

// Blobs as files: <dataDir>/blobs/ab/cdef… (first byte of the hash as a fan-out directory, as git
// does, so no directory grows past a few thousand entries). Uploads land in blobs/tmp and are
// renamed into place only when complete, so a blob file is never partial.

export class FileBlobStore implements BlobStore {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'blobs');
    this.tmpDir = path.join(this.root, 'tmp');
  }

  path(sha256: string): string {
    checkKey(sha256);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2));
  }

  async put(stream: Readable, opts: { maxBytes: number }): Promise<{ sha256: string; size: number }> {
    await mkdir(this.tmpDir, { recursive: true });
    const { tmp, sha256, size } = await spoolToTemp(stream, this.tmpDir, opts.maxBytes);
    try {
      const dest = this.path(sha256);
      await mkdir(path.dirname(dest), { recursive: true });
      // rename(2) replaces atomically; an identical blob already there has the same bytes.
      await rename(tmp, dest);
      return { sha256, size };
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async openRead(sha256: string, range?: BlobRange): Promise<Readable> {
    const size = await this.size(sha256);
    if (size === null) throw new NotFound(`blob ${sha256} not found`, 'BLOB_NOT_FOUND');
    const r = checkRange(range, size);
    return createReadStream(this.path(sha256), r ? { start: r.start, end: r.end } : {});
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== null;
  }

  async size(sha256: string): Promise<number | null> {
    try {
      return (await stat(this.path(sha256))).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async delete(sha256: string): Promise<boolean> {
    const existed = await this.has(sha256);
    await rm(this.path(sha256), { force: true });
    return existed;
  }

  async materialize(sha256: string): Promise<string> {
    if (!(await this.has(sha256))) throw new NotFound(`blob ${sha256} not found`, 'BLOB_NOT_FOUND');
    return this.path(sha256);
  }

  /** Removes uploads left in blobs/tmp by a process that died mid-upload. */
  async sweepTemp(olderThanMs = 60 * 60 * 1000): Promise<number> {
    let removed = 0;
    for (const f of await readdir(this.tmpDir).catch(() => [] as string[])) {
      const p = path.join(this.tmpDir, f);
      const st = await stat(p).catch(() => null);
      if (st && Date.now() - st.mtimeMs > olderThanMs) {
        await rm(p, { force: true });
        removed++;
      }
    }
    return removed;
  }
}
