import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import { zipToBuffer } from './zip-write.js';
import { NotFound, PayloadTooLarge } from '../errors.js';
import { detectLayout } from './csar/layout.js';
import { TOSCA_META_PATH } from './csar/tosca-meta.js';
import { CsarArchive } from './csar/zip-reader.js';
import { resolveLimits, type PackageLimits } from './limits.js';
import { loadTemplates } from './vnfd/templates.js';

// Reading single files of an onboarded CSAR: the /vnfd, /manifest and /artifacts/{path} views of
// SOL005, and the artifact extraction the local driver needs. The archive was validated when it
// was onboarded; it is still opened with the same checks, since the file on disk is re-read.

async function withCsar<T>(csarPath: string, limits: Partial<PackageLimits>, fn: (c: CsarArchive) => Promise<T>): Promise<T> {
  const csar = await CsarArchive.open(csarPath, resolveLimits(limits));
  try {
    return await fn(csar);
  } finally {
    csar.close();
  }
}

function normalise(entryPath: string): string {
  return path.posix.normalize(entryPath.replace(/^\/+/, ''));
}

function mustBeFile(csar: CsarArchive, p: string): void {
  if (!csar.isFile(p)) throw new NotFound(`the package has no file ${p}`, 'PACKAGE_ENTRY_NOT_FOUND');
}

/** One file of the package in memory (VNFD files, manifest); 413 when larger than maxBytes. */
export async function readEntry(csarPath: string, entryPath: string, maxBytes: number, limits: Partial<PackageLimits> = {}): Promise<Buffer> {
  const p = normalise(entryPath);
  return withCsar(csarPath, limits, async (csar) => {
    mustBeFile(csar, p);
    if (csar.sizeOf(p) > maxBytes) throw new PayloadTooLarge(`${p} is ${csar.sizeOf(p)} bytes, more than ${maxBytes}`);
    return csar.read(p, maxBytes);
  });
}

/** One file of the package as a stream (artifacts can be GBs); the archive closes when it ends. */
export async function openEntryStream(csarPath: string, entryPath: string, limits: Partial<PackageLimits> = {}): Promise<{ stream: Readable; size: number }> {
  const p = normalise(entryPath);
  const csar = await CsarArchive.open(csarPath, resolveLimits(limits));
  try {
    mustBeFile(csar, p);
    const stream = await csar.stream(p);
    stream.once('close', () => csar.close());
    return { stream, size: csar.sizeOf(p) };
  } catch (e) {
    csar.close();
    throw e;
  }
}

/** Extracts one artifact to destDir/<basename> with the given mode (0755: the local driver runs it). */
export async function extractArtifact(csarPath: string, entryPath: string, destDir: string, mode = 0o755, limits: Partial<PackageLimits> = {}): Promise<string> {
  const p = normalise(entryPath);
  return withCsar(csarPath, limits, async (csar) => {
    mustBeFile(csar, p);
    await mkdir(destDir, { recursive: true });
    const dest = path.join(destDir, path.posix.basename(p));
    await csar.extract(p, dest, mode);
    return dest;
  });
}

/** The VNFD files of a package: TOSCA.meta (when present), entry definitions and their imports. */
export async function vnfdFiles(csarPath: string, limits: Partial<PackageLimits> = {}): Promise<string[]> {
  const lim = resolveLimits(limits);
  return withCsar(csarPath, lim, async (csar) => {
    const layout = await detectLayout(csar, lim);
    const source = { isFile: (p: string) => csar.isFile(p), read: (p: string, max: number) => csar.read(p, max) };
    const { templates } = await loadTemplates(source, layout.entryDefinitions, lim);
    const files = templates.map((t) => t.file);
    return layout.kind === 'tosca-meta' ? [TOSCA_META_PATH, ...files] : files;
  });
}

/**
 * The VNFD as a ZIP (SOL005 10.4.4.3.2, GET …/vnfd with Accept: application/zip): TOSCA.meta and
 * every VNFD file at their package paths. `files` skips re-deriving the list (use the stored one).
 */
export async function vnfdZip(csarPath: string, opts: { files?: string[]; limits?: Partial<PackageLimits> } = {}): Promise<Buffer> {
  const lim = resolveLimits(opts.limits);
  const files = opts.files ?? (await vnfdFiles(csarPath, lim));
  const zip = new yazl.ZipFile();
  await withCsar(csarPath, lim, async (csar) => {
    for (const f of files) {
      mustBeFile(csar, f);
      zip.addBuffer(await csar.read(f, lim.maxYamlBytes), f, { mtime: new Date(0), mode: 0o100644 });
    }
  });
  return zipToBuffer(zip);
}
