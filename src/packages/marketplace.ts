import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Db } from '../store/db.js';
import { Conflict, NotFound, ProblemError } from '../errors.js';
import { decodeMarker, encodeMarker } from '../query/paging.js';
import { countDownload, getContentRow, listCatalog, setMarketplaceInfo, type CatalogRow, type ContentRow, type MarketplaceFilter, type VnfPkgDoc } from '../store/vnf-packages.js';
import { reportLine } from './catalog.js';
import type { BlobRange, BlobStore } from './blob-store.js';
import type { PackageOnboarding } from './onboarding.js';
import type { PackageRecords } from './package-records.js';
import { PackageError } from './errors.js';
import type { ValidationReport } from './report.js';

// The ONAP VNF SDK marketplace (seed 004) as a view of the one package store: a CSAR uploaded
// here is a VNF package (csarId = vnfPkgId) onboarded exactly as through /vnfpkgm/v1, and every
// onboarded package is listed here. Where ONAP's marketplace is wrong (reference B4) this one
// is not: uploads are validated, filters filter (SQL over indexed columns), re-upload is atomic,
// downloads are counted in the statement that serves them, unknown ids are 404.
// An invalid upload is refused (422 with the validation report) and not kept: a marketplace
// upload is all or nothing, unlike a /vnfpkgm/v1 upload, which leaves the package in ERROR.

export interface MarketplaceParams {
  shortDesc?: string;
  details?: string;
  remarks?: string;
}

export interface MarketplacePackage {
  csarId: string;
  onboardingState: string;
  vnfdId?: string;
  checksum?: Record<string, unknown>;
  name: string;
  provider: string;
  version: string;
  type: string;
  createdAt: Date;
  modifiedAt: Date;
  sizeBytes: number;
  downloadCount: number;
  shortDesc: string;
  details: string;
  remarks: string;
  /** ONAP's one-line `report`. */
  reportLine: string;
  /** The whole validation report (single-package reads; lists carry the line only). */
  report: ValidationReport | null;
}

export interface MarketplaceQuery extends MarketplaceFilter {
  /** ONAP's flag; nothing here is ever pending deletion (deletes are immediate). */
  deletionPending?: boolean;
  marker?: string;
}

export interface MarketplaceDeps {
  db: Db;
  blobs: BlobStore;
  records: PackageRecords;
  onboarding: PackageOnboarding;
  pageSize: number;
  markerKey: Buffer;
}

const notFound = (id: string) => new NotFound(`CSAR ${id} does not exist.`, 'CSAR_NOT_FOUND');

/** The failure of an onboarding as an error that carries the validation report to the client. */
function refusal(doc: VnfPkgDoc): ProblemError {
  const d = (doc.onboardingFailureDetails ?? { status: 422, detail: 'The package was refused.' }) as { status: number; detail: string; title?: string };
  const report = doc.validationReport as ValidationReport | undefined;
  const code = report?.checks.find((c) => c.result === 'FAIL')?.code ?? 'CSAR_REFUSED';
  return new ProblemError(d.status, code, d.detail, { title: d.title, extra: report ? { validationReport: report } : undefined });
}

function withReport(e: unknown): unknown {
  if (!(e instanceof PackageError)) return e;
  return new ProblemError(e.status, e.code, e.detail, { title: e.title, extra: { validationReport: e.report } });
}

function toPackage(r: ContentRow): MarketplacePackage {
  const mp = r.marketplace ?? {};
  const report = (r.doc.validationReport as ValidationReport | undefined) ?? null;
  return {
    csarId: r.doc.id,
    onboardingState: r.doc.onboardingState,
    vnfdId: r.doc.vnfdId as string | undefined,
    checksum: r.doc.checksum as Record<string, unknown> | undefined,
    name: r.pkg_name ?? '',
    provider: r.pkg_provider ?? '',
    version: r.pkg_version ?? '',
    type: r.pkg_type ?? 'CSAR',
    createdAt: new Date(r.created_at),
    modifiedAt: new Date(r.updated_at),
    sizeBytes: Number(r.content_size ?? 0),
    downloadCount: Number(r.download_count),
    shortDesc: mp.shortDesc ?? r.content_index?.shortDesc ?? '',
    details: mp.details ?? r.content_index?.details ?? '',
    remarks: mp.remarks ?? '',
    reportLine: r.content_index?.report ?? reportLine(report),
    report,
  };
}

function fromCatalog(r: CatalogRow): MarketplacePackage {
  const mp = r.marketplace ?? {};
  return {
    csarId: r.id,
    onboardingState: r.onboarding_state,
    vnfdId: r.vnfd_id ?? undefined,
    checksum: r.checksum ?? undefined,
    name: r.pkg_name ?? '',
    provider: r.pkg_provider ?? '',
    version: r.pkg_version ?? '',
    type: r.pkg_type ?? 'CSAR',
    createdAt: new Date(r.created_at),
    modifiedAt: new Date(r.updated_at),
    sizeBytes: Number(r.content_size ?? 0),
    downloadCount: Number(r.download_count),
    shortDesc: mp.shortDesc ?? r.short_desc ?? '',
    details: mp.details ?? r.details ?? '',
    remarks: mp.remarks ?? '',
    reportLine: r.report ?? '',
    report: null,
  };
}

export class Marketplace {
  constructor(private readonly deps: MarketplaceDeps) {}

  /** POST /csars: a new package from the stream, onboarded or refused (and then not kept). */
  async upload(file: Readable, maxBytes: number): Promise<string> {
    const { id } = await this.deps.records.create();
    try {
      const stored = await this.deps.onboarding.receive(id, file, maxBytes);
      const doc = await this.deps.onboarding.process(id, stored.sha256, stored.size);
      if (doc.onboardingState !== 'ONBOARDED') throw refusal(doc);
      return id;
    } catch (e) {
      await this.deps.onboarding.discard(id);
      throw e;
    }
  }

  /** The uploader's descriptions (multipart `params` part: {details, shortDesc, remarks}). */
  async describe(id: string, params: MarketplaceParams): Promise<void> {
    const info: Record<string, string> = {};
    for (const k of ['shortDesc', 'details', 'remarks'] as const) if (typeof params[k] === 'string') info[k] = params[k]!;
    if (Object.keys(info).length > 0) await setMarketplaceInfo(this.deps.db, id, info);
  }

  /** POST /csars/{csarId}/reupload: the new content replaces the old only when it is valid. */
  async reupload(id: string, file: Readable, maxBytes: number): Promise<void> {
    try {
      await this.deps.onboarding.replace(id, file, maxBytes);
    } catch (e) {
      throw withReport(e);
    }
  }

  /**
   * GET /csars/{csarId}: packages whose content has been processed (ONBOARDED, or ERROR with its
   * report); a record still without a CSAR is not a marketplace entry.
   */
  async get(id: string): Promise<MarketplacePackage> {
    const row = await getContentRow(this.deps.db, { id });
    if (!row || !['ONBOARDED', 'ERROR'].includes(row.doc.onboardingState)) throw notFound(id);
    return toPackage(row);
  }

  /** GET /csars: onboarded packages matching every given attribute exactly, in pages. */
  async list(q: MarketplaceQuery): Promise<{ items: MarketplacePackage[]; nextMarker?: string }> {
    if (q.deletionPending === true) return { items: [] };
    const filter: MarketplaceFilter = { name: q.name, provider: q.provider, version: q.version, type: q.type };
    const hash = createHash('sha256').update(JSON.stringify(['marketplace', filter.name ?? null, filter.provider ?? null, filter.version ?? null, filter.type ?? null])).digest('base64url').slice(0, 22);
    const after = q.marker === undefined ? undefined : decodeMarker(this.deps.markerKey, q.marker, hash).seq;
    const rows = await listCatalog(this.deps.db, filter, after, this.deps.pageSize + 1);
    const page = rows.slice(0, this.deps.pageSize);
    const items = page.map(fromCatalog);
    if (rows.length <= this.deps.pageSize) return { items };
    const exp = Math.floor(Date.now() / 1000) + 3600;
    return { items, nextMarker: encodeMarker(this.deps.markerKey, { seq: Number(page[page.length - 1].seq), filterHash: hash, exp }) };
  }

  /**
   * GET /csars/{csarId}/files. A download counts when it starts at the first byte (a whole
   * file, or the first range of a resumed one), so resuming does not count twice.
   */
  async download(id: string, pickRange: (size: number) => BlobRange | undefined): Promise<{ stream: Readable; size: number; range?: BlobRange; name: string }> {
    const row = await getContentRow(this.deps.db, { id });
    if (!row) throw notFound(id);
    if (row.doc.onboardingState !== 'ONBOARDED' || !row.content_sha256) {
      throw new Conflict(`CSAR ${id} is in onboardingState ${row.doc.onboardingState}; only onboarded packages can be downloaded.`, 'CSAR_NOT_ONBOARDED');
    }
    const size = Number(row.content_size ?? 0);
    const range = pickRange(size);
    if (!range || range.start === 0) {
      if (!(await countDownload(this.deps.db, id))) throw notFound(id);
    }
    const stream = await this.deps.blobs.openRead(row.content_sha256, range);
    return { stream, size, range, name: row.pkg_name ?? id };
  }

  /**
   * DELETE /csars/{csarId}: the marketplace has no enable/disable step, so an ENABLED package may
   * go; one that an instance uses may not (409).
   */
  async delete(id: string): Promise<void> {
    const row = await getContentRow(this.deps.db, { id });
    if (!row) throw notFound(id);
    await this.deps.records.delete(id, { evenIfEnabled: true });
  }
}
