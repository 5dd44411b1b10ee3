import { createWriteStream } from 'node:fs';
import { open as fsOpen, rename, rm, chmod } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { PKG } from '../errors.js';
import type { PackageLimits } from '../limits.js';
import { PackageProblem } from '../report.js';

// yauzl 3 API used here that @types/yauzl 2.10 does not declare.
declare module 'yauzl' {
  interface Entry {
    fileNameRaw: Buffer;
  }
  function getFileNameLowLevel(flags: number, raw: Buffer, extraFields: Array<{ id: number; data: Buffer }>, strict: boolean): string;
}

export interface CsarEntry {
  name: string;
  isDirectory: boolean;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  entry: Entry;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const UNIX_HOSTS = new Set([3, 19]); // "version made by" high byte: UNIX, OS X

/** Why an entry name is unsafe to extract or to trust as a package path, or null. */
export function unsafeEntryName(name: string): string | null {
  if (name.length === 0) return 'empty name';
  if (name.includes('\\')) return 'backslash in name';
  if (/[\u0000-\u001f]/.test(name)) return 'control character in name';
  if (/^[A-Za-z]:/.test(name)) return 'drive letter (absolute path)';
  if (name.startsWith('/')) return 'absolute path';
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  if (segments.includes('..')) return 'parent-directory segment (..)';
  if (segments.some((s) => s === '' || s === '.')) return 'empty or "." segment';
  return null;
}

function nextEntry(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
    };
    const onEntry = (e: Entry): void => (cleanup(), resolve(e));
    const onEnd = (): void => (cleanup(), resolve(null));
    const onError = (err: Error): void => (cleanup(), reject(err));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function startsLikeZip(file: string): Promise<boolean> {
  const fh = await fsOpen(file, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return bytesRead === 4 && buf.readUInt32LE(0) === 0x04034b50;
  } finally {
    await fh.close();
  }
}

async function openZip(file: string): Promise<ZipFile> {
  try {
    return await new Promise<ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) =>
        err ? reject(err) : resolve(z),
      ),
    );
  } catch (e) {
    const msg = (e as Error).message;
    if (await startsLikeZip(file)) {
      throw new PackageProblem(PKG.truncated, `the archive is truncated or damaged: ${msg}`, { cause: e });
    }
    throw new PackageProblem(PKG.notZip, `the package is not a ZIP archive (${msg})`, { cause: e });
  }
}

/** Verifies the CRC-32 of an entry's data as it streams (yauzl checks sizes, not CRCs). */
class CrcCheck extends Transform {
  private crc = 0;
  constructor(
    private readonly expected: number,
    private readonly name: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    if (this.crc >>> 0 !== this.expected >>> 0) cb(new PackageProblem(PKG.corrupt, `CRC-32 mismatch in entry ${this.name}`, { file: this.name }));
    else cb();
  }
}

/**
 * A validated, open CSAR. `open` reads only the central directory and rejects unsafe archives
 * before any entry data is inflated; entry data is then streamed on demand.
 */
export class CsarArchive {
  private constructor(
    private readonly zip: ZipFile,
    readonly entries: ReadonlyMap<string, CsarEntry>,
  ) {}

  static async open(file: string, limits: PackageLimits): Promise<CsarArchive> {
    const zip = await openZip(file);
    try {
      if (zip.entryCount > limits.maxEntries) {
        throw new PackageProblem(PKG.tooManyEntries, `the archive has ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`);
      }
      const entries = new Map<string, CsarEntry>();
      let total = 0;
      for (let e = await nextEntryOrCorrupt(zip); e; e = await nextEntryOrCorrupt(zip)) {
        const ce = checkEntry(e, limits);
        const key = ce.isDirectory ? ce.name.slice(0, -1) : ce.name;
        if (entries.has(key)) throw new PackageProblem(PKG.duplicate, `duplicate entry name '${ce.name}'`, { file: ce.name });
        entries.set(key, ce);
        total += ce.uncompressedSize;
        if (total > limits.maxTotalUncompressedBytes) {
          throw new PackageProblem(PKG.tooLarge, `uncompressed size exceeds the limit of ${limits.maxTotalUncompressedBytes} bytes (zip bomb protection)`);
        }
      }
      return new CsarArchive(zip, entries);
    } catch (e) {
      zip.close();
      throw e;
    }
  }

  /** Regular files, sorted. */
  files(): string[] {
    return [...this.entries.values()].filter((e) => !e.isDirectory).map((e) => e.name).sort();
  }

  isFile(name: string): boolean {
    const e = this.entries.get(name);
    return e !== undefined && !e.isDirectory;
  }

  /** True for an explicit directory entry or any implied parent directory of a file. */
  isDirectory(name: string): boolean {
    const dir = name.replace(/\/+$/, '');
    if (this.entries.get(dir)?.isDirectory) return true;
    for (const k of this.entries.keys()) if (k.startsWith(dir + '/')) return true;
    return false;
  }

  sizeOf(name: string): number {
    return this.mustGet(name).uncompressedSize;
  }

  async stream(name: string): Promise<Readable> {
    const ce = this.mustGet(name);
    const raw = await new Promise<Readable>((resolve, reject) =>
      this.zip.openReadStream(ce.entry, (err, rs) => (err ? reject(corrupt(name, err)) : resolve(rs))),
    );
    const check = new CrcCheck(ce.crc32, name);
    raw.on('error', (err) => check.destroy(err instanceof PackageProblem ? err : corrupt(name, err)));
    return raw.pipe(check);
  }

  /** The whole entry in memory; refuses entries declared larger than maxBytes. */
  async read(name: string, maxBytes: number): Promise<Buffer> {
    const size = this.sizeOf(name);
    if (size > maxBytes) throw new PackageProblem(PKG.entryTooLarge, `${name} is ${size} bytes, more than the limit of ${maxBytes}`, { file: name });
    const chunks: Buffer[] = [];
    for await (const chunk of await this.stream(name)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Writes one entry to destFile (temp file + rename, so a reader never sees half a file). */
  async extract(name: string, destFile: string, mode = 0o644): Promise<void> {
    const tmp = path.join(path.dirname(destFile), `.${path.basename(destFile)}.${randomBytes(6).toString('hex')}.part`);
    try {
      await pipeline(await this.stream(name), createWriteStream(tmp, { mode }));
      await chmod(tmp, mode);
      await rename(tmp, destFile);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  close(): void {
    this.zip.close();
  }

  private mustGet(name: string): CsarEntry {
    const e = this.entries.get(name);
    if (!e || e.isDirectory) throw new PackageProblem(PKG.missingEntry, `the package has no file ${name}`, { file: name });
    return e;
  }
}

function corrupt(name: string, err: Error): PackageProblem {
  return new PackageProblem(PKG.corrupt, `cannot read entry ${name}: ${err.message}`, { file: name, cause: err });
}

async function nextEntryOrCorrupt(zip: ZipFile): Promise<Entry | null> {
  try {
    return await nextEntry(zip);
  } catch (e) {
    throw new PackageProblem(PKG.corrupt, `the archive's central directory is damaged: ${(e as Error).message}`, { cause: e });
  }
}

function checkEntry(e: Entry, limits: PackageLimits): CsarEntry {
  const name = yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, e.fileNameRaw, e.extraFields, true);
  const unsafe = unsafeEntryName(name);
  if (unsafe) throw new PackageProblem(PKG.unsafePath, `unsafe entry name '${name}': ${unsafe}`, { file: name });
  const mode = (e.externalFileAttributes >>> 16) & S_IFMT;
  if (UNIX_HOSTS.has(e.versionMadeBy >> 8) && mode !== 0) {
    if (mode === S_IFLNK) throw new PackageProblem(PKG.symlink, `entry '${name}' is a symbolic link`, { file: name });
    if (mode !== S_IFREG && mode !== S_IFDIR) throw new PackageProblem(PKG.unsafePath, `entry '${name}' is a special file (mode ${mode.toString(8)})`, { file: name });
  }
  if (e.isEncrypted()) throw new PackageProblem(PKG.encrypted, `entry '${name}' is encrypted`, { file: name });
  if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
    throw new PackageProblem(PKG.compression, `entry '${name}' uses compression method ${e.compressionMethod}; only stored and deflate are supported`, { file: name });
  }
  const isDirectory = name.endsWith('/');
  if (e.uncompressedSize >= limits.compressionRatioMinBytes) {
    const ratio = e.uncompressedSize / Math.max(e.compressedSize, 1);
    if (ratio > limits.maxCompressionRatio) {
      throw new PackageProblem(PKG.ratio, `entry '${name}' has a compression ratio of ${Math.round(ratio)}:1, above the limit of ${limits.maxCompressionRatio}:1 (zip bomb protection)`, { file: name });
    }
  }
  return { name, isDirectory, compressedSize: e.compressedSize, uncompressedSize: e.uncompressedSize, crc32: e.crc32, entry: e };
}
