import path from 'node:path';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import yazl from 'yazl';
import type { Queryable } from '../store/db.js';
import { Conflict, NotAcceptable, NotFound } from '../errors.js';
import { getContentRow, type ContentIndex, type ContentRow, type VnfPkgDoc } from '../store/vnf-packages.js';
import type { BlobRange, BlobStore } from './blob-store.js';
import { openEntryStream, readEntry, vnfdZip } from './entries.js';
import { resolveLimits, type PackageLimits } from './limits.js';

// Reading an onboarded package (SOL005 9.4.4–9.4.5, 10.4.4–10.4.7, and the onboarded_vnf_packages
// views Tacker serves): the CSAR, its VNFD as one YAML file or a ZIP, its manifest and any file
// in it. Every read goes to the stored blob; the index recorded at onboarding says which files
// make up the VNFD and where the manifest and signatures are.

export type PackageRef = { id: string } | { vnfdId: string };

export interface OnboardedPackage {
  doc: VnfPkgDoc;
  sha256: string;
  size: number;
  index: ContentIndex;
  name: string | null;
}

export interface Body {
  body: Buffer | Readable;
  contentType: string;
  /** Bytes of the whole representation when known (ranges are taken from it). */
  size?: number;
}

const describe = (ref: PackageRef) => ('id' in ref ? `VNF package ${ref.id}` : `onboarded VNF package with vnfdId ${ref.vnfdId}`);

// Artifact media types by extension (SOL005: "according to the content type of the artifact
// file", application/octet-stream when it cannot be determined).
const MEDIA: Record<string, string> = {
  '.yaml': 'text/plain',
  '.yml': 'text/plain',
  '.txt': 'text/plain',
  '.mf': 'text/plain',
  '.log': 'text/plain',
  '.md': 'text/markdown',
  '.sh': 'text/x-shellscript',
  '.py': 'text/x-python',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.zip': 'application/zip',
  '.csar': 'application/zip',
  '.tgz': 'application/gzip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.cert': 'application/pkix-cert',
  '.crt': 'application/pkix-cert',
  '.pem': 'application/x-pem-file',
  '.cms': 'application/cms',
  '.p7b': 'application/pkcs7-mime',
  '.p7c': 'application/pkcs7-mime',
};

export function artifactMediaType(file: string): string {
  return MEDIA[path.posix.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Passes bytes start..end (inclusive) of a stream through and ends there. */
export function sliceStream(source: Readable, range: BlobRange): Readable {
  let offset = 0;
  const out = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      const from = Math.max(range.start - offset, 0);
      const to = Math.min(range.end - offset + 1, chunk.length);
      offset += chunk.length;
      if (to > from) this.push(chunk.subarray(from, to));
      if (offset > range.end) {
        // Nothing more is needed: stop inflating the rest of the entry.
        this.push(null);
        source.unpipe(out);
        source.destroy();
      }
      cb();
    },
  });
  source.on('error', (e) => out.destroy(e));
  return source.pipe(out);
}

function zipOf(entries: { name: string; data: Buffer | Readable; size?: number }[]): Readable {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (Buffer.isBuffer(e.data)) zip.addBuffer(e.data, e.name, { mtime: new Date(0), mode: 0o100644 });
    else zip.addReadStream(e.data, e.name, { mtime: new Date(0), mode: 0o100644, ...(e.size !== undefined ? { size: e.size } : {}) });
  }
  zip.end();
  return zip.outputStream.pipe(new PassThrough()) as Readable;
}

export class PackageContent {
  private readonly limits: PackageLimits;

  constructor(private readonly deps: { db: Queryable; blobs: BlobStore; limits?: Partial<PackageLimits> }) {
    this.limits = resolveLimits(deps.limits);
  }

  /** The onboarded package named by id or vnfdId: 404 when unknown, 409 when not ONBOARDED. */
  async onboarded(ref: PackageRef): Promise<OnboardedPackage> {
    const row: ContentRow | undefined = await getContentRow(this.deps.db, ref);
    if (!row) throw new NotFound(`${describe(ref)} does not exist.`, 'VNF_PACKAGE_NOT_FOUND');
    if (row.doc.onboardingState !== 'ONBOARDED' || !row.content_sha256 || !row.content_index) {
      throw new Conflict(`${describe(ref)} is in onboardingState ${row.doc.onboardingState}; its content is available once ONBOARDED.`, 'VNF_PACKAGE_NOT_ONBOARDED');
    }
    return { doc: row.doc, sha256: row.content_sha256, size: Number(row.content_size ?? 0), index: row.content_index, name: row.pkg_name };
  }

  /** The CSAR bytes (or an inclusive range of them; 416 outside). */
  content(p: OnboardedPackage, range?: BlobRange): Promise<Readable> {
    return this.deps.blobs.openRead(p.sha256, range);
  }

  private csar(p: OnboardedPackage): Promise<string> {
    return this.deps.blobs.materialize(p.sha256);
  }

  /**
   * SOL005 9.4.4.3.2: the VNFD as its single YAML file (text/plain), or as a ZIP of TOSCA.meta and
   * every VNFD file. text/plain for a VNFD of several files is 406.
   */
  async vnfd(p: OnboardedPackage, format: 'text' | 'zip'): Promise<Body> {
    const { vnfdFiles, toscaMeta } = p.index;
    const csar = await this.csar(p);
    if (format === 'text') {
      if (vnfdFiles.length !== 1) {
        throw new NotAcceptable(`The VNFD of ${describe({ id: p.doc.id })} consists of ${vnfdFiles.length} files (${vnfdFiles.join(', ')}); it is available as application/zip only.`, 'VNFD_NOT_SINGLE_FILE');
      }
      const body = await readEntry(csar, vnfdFiles[0], this.limits.maxYamlBytes, this.deps.limits);
      return { body, contentType: 'text/plain', size: body.length };
    }
    const body = await vnfdZip(csar, { files: [...(toscaMeta ? [toscaMeta] : []), ...vnfdFiles], limits: this.deps.limits });
    return { body, contentType: 'application/zip', size: body.length };
  }

  /**
   * SOL005 (v3.3.1 10.4.4a.3.2) manifest: the file as text/plain; with include_signatures and a
   * separate certificate file, a ZIP of both.
   */
  async manifest(p: OnboardedPackage, includeSignatures: boolean): Promise<Body> {
    const { manifest, certificate } = p.index;
    if (!manifest) throw new NotFound(`${describe({ id: p.doc.id })} has no manifest file.`, 'MANIFEST_NOT_FOUND');
    const csar = await this.csar(p);
    const text = await readEntry(csar, manifest, this.limits.maxManifestBytes, this.deps.limits);
    if (!includeSignatures || !certificate) return { body: text, contentType: 'text/plain', size: text.length };
    const cert = await readEntry(csar, certificate, this.limits.maxManifestBytes, this.deps.limits);
    return { body: zipOf([{ name: manifest, data: text }, { name: certificate, data: cert }]), contentType: 'application/zip' };
  }

  /**
   * Any file of the package, streamed; `pickRange` sees the file's size and returns the inclusive
   * range to send (or undefined for all of it), throwing for an unsatisfiable one. 404 for a
   * path the package lacks.
   */
  async artifact(p: OnboardedPackage, artifactPath: string, pickRange: (size: number) => BlobRange | undefined = () => undefined): Promise<Body & { size: number; range?: BlobRange }> {
    const { stream, size } = await openEntryStream(await this.csar(p), artifactPath, this.deps.limits);
    let range: BlobRange | undefined;
    try {
      range = pickRange(size);
    } catch (e) {
      stream.destroy();
      throw e;
    }
    const body = range ? sliceStream(stream, range) : stream;
    return { body, contentType: artifactMediaType(artifactPath), size, range };
  }

  /** include_signatures: the artifact with its signature and certificate files, as a ZIP. */
  async artifactWithSignatures(p: OnboardedPackage, artifactPath: string): Promise<Body> {
    const name = path.posix.normalize(artifactPath.replace(/^\/+/, ''));
    const csar = await this.csar(p);
    const sig = p.index.signatures[name] ?? {};
    const names = [name, sig.signature, sig.certificate ?? (sig.signature ? p.index.certificate : undefined)].filter((n): n is string => !!n);
    const entries = [];
    for (const n of [...new Set(names)]) {
      const { stream, size } = await openEntryStream(csar, n, this.deps.limits);
      entries.push({ name: n, data: stream, size });
    }
    return { body: zipOf(entries), contentType: 'application/zip' };
  }
}
