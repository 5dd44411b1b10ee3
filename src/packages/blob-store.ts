import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequest, PayloadTooLarge, ProblemError } from '../errors.js';

// Content-addressed storage of package bytes (DESIGN.md "Data"): the key is the SHA-256 of the
// content, computed while the upload streams through, so a package is never held in memory and
// identical uploads share one blob. Two implementations: files under the data directory
// (blob-store-fs.ts) and chunks in PostgreSQL (blob-store-pg.ts) for several processes.

export interface BlobRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive (as in an HTTP Range header). */
  end: number;
}

export interface BlobStore {
  /**
   * Streams `stream` into the store. Throws PayloadTooLarge as soon as more than maxBytes arrive,
   * and then nothing of the upload remains stored.
   */
  put(stream: Readable, opts: { maxBytes: number }): Promise<{ sha256: string; size: number }>;
  /** The blob's bytes (or the inclusive range of them); NotFound when absent, RangeNotSatisfiable (416) for a bad range. */
  openRead(sha256: string, range?: BlobRange): Promise<Readable>;
  has(sha256: string): Promise<boolean>;
  /** Size in bytes, or null when absent. */
  size(sha256: string): Promise<number | null>;
  /** True when something was deleted. */
  delete(sha256: string): Promise<boolean>;
  /** A local file holding the blob, for readers that need random access (yauzl). */
  materialize(sha256: string): Promise<string>;
  /** Only for stores whose blobs are local files: the file of a blob (which may not exist). */
  path?(sha256: string): string;
}

const SHA256_RE = /^[0-9a-f]{64}$/;

/** Rejects anything that is not a lower-case SHA-256 (keys become file names). */
export function checkKey(sha256: string): string {
  if (!SHA256_RE.test(sha256)) throw new BadRequest(`'${sha256}' is not a SHA-256 content key`, 'BLOB_KEY_INVALID');
  return sha256;
}

export function checkRange(range: BlobRange | undefined, size: number): BlobRange | undefined {
  if (!range) return undefined;
  if (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end) || range.start < 0 || range.end < range.start || range.start >= size) {
    throw new RangeNotSatisfiable(`range ${range.start}-${range.end} is outside the blob of ${size} bytes`);
  }
  return { start: range.start, end: Math.min(range.end, size - 1) };
}

export class RangeNotSatisfiable extends ProblemError {
  constructor(detail: string) {
    super(416, 'RANGE_NOT_SATISFIABLE', detail);
  }
}

/** Hashes and counts bytes on their way through; fails the stream past maxBytes. */
export class HashingLimiter extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      cb(new PayloadTooLarge(`the upload exceeds the limit of ${this.maxBytes} bytes`));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Streams into a new temp file in `dir`, fsyncs it and returns its path, digest and size.
 * On any failure the temp file is removed before the error propagates.
 */
export async function spoolToTemp(stream: Readable, dir: string, maxBytes: number): Promise<{ tmp: string; sha256: string; size: number }> {
  const tmp = path.join(dir, `upload-${randomBytes(8).toString('hex')}.part`);
  const limiter = new HashingLimiter(maxBytes);
  try {
    await pipeline(stream, limiter, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    const fh = await open(tmp, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    return { tmp, sha256: limiter.digest(), size: limiter.bytes };
  } catch (e) {
    stream.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
}
