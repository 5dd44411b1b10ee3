import type { Queryable } from './db.js';

// Repository of VNF package records (SOL005 VnfPkgInfo without _links, which views add).

export interface VnfPkgDoc {
  id: string;
  onboardingState: 'CREATED' | 'UPLOADING' | 'PROCESSING' | 'ONBOARDED' | 'ERROR';
  operationalState: 'ENABLED' | 'DISABLED';
  usageState: 'IN_USE' | 'NOT_IN_USE';
  userDefinedData?: Record<string, unknown>;
  [attr: string]: unknown;
}

export const VNF_PACKAGES_TABLE = 'vnf_packages';

export async function insertPackage(db: Queryable, doc: VnfPkgDoc): Promise<void> {
  await db.query(
    `INSERT INTO vnf_packages (id, onboarding_state, operational_state, usage_state, vnfd_id, doc)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
    [doc.id, doc.onboardingState, doc.operationalState, doc.usageState, (doc.vnfdId as string | undefined) ?? null, JSON.stringify(doc)],
  );
}

export async function getPackage(db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<VnfPkgDoc | undefined> {
  const r = await db.query<{ doc: VnfPkgDoc }>(`SELECT doc FROM vnf_packages WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0]?.doc;
}

/** Writes the whole document back, keeping the indexed columns in step with it. */
export async function updatePackage(db: Queryable, doc: VnfPkgDoc): Promise<void> {
  await db.query(
    `UPDATE vnf_packages SET onboarding_state = $2, operational_state = $3, usage_state = $4, vnfd_id = $5,
       doc = $6::jsonb, updated_at = now() WHERE id = $1`,
    [doc.id, doc.onboardingState, doc.operationalState, doc.usageState, (doc.vnfdId as string | undefined) ?? null, JSON.stringify(doc)],
  );
}

export async function deletePackage(db: Queryable, id: string): Promise<boolean> {
  const r = await db.query('DELETE FROM vnf_packages WHERE id = $1', [id]);
  return r.rowCount > 0;
}

export async function findOnboardedByVnfdId(db: Queryable, vnfdId: string): Promise<VnfPkgDoc | undefined> {
  const r = await db.query<{ doc: VnfPkgDoc }>(`SELECT doc FROM vnf_packages WHERE vnfd_id = $1 AND onboarding_state = 'ONBOARDED'`, [vnfdId]);
  return r.rows[0]?.doc;
}

export interface PackageRow {
  doc: VnfPkgDoc;
  content_sha256: string | null;
  vnfd_model: unknown;
}

export async function getPackageRow(db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<PackageRow | undefined> {
  const r = await db.query<PackageRow>(`SELECT doc, content_sha256, vnfd_model FROM vnf_packages WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0];
}

export async function getPackageRowByVnfdId(db: Queryable, vnfdId: string): Promise<PackageRow | undefined> {
  const r = await db.query<PackageRow>(`SELECT doc, content_sha256, vnfd_model FROM vnf_packages WHERE vnfd_id = $1 AND onboarding_state = 'ONBOARDED'`, [vnfdId]);
  return r.rows[0];
}

/** Records the uploaded content and, once processed, the VNFD model. */
export async function setPackageContent(db: Queryable, id: string, sha256: string | null, vnfdModel: unknown): Promise<void> {
  await db.query('UPDATE vnf_packages SET content_sha256 = $2, vnfd_model = $3::jsonb WHERE id = $1', [id, sha256, vnfdModel === null ? null : JSON.stringify(vnfdModel)]);
}

/** Packages whose onboarding a stopped process left half done. */
export async function interruptedOnboardings(db: Queryable): Promise<PackageRow[]> {
  const r = await db.query<PackageRow>(`SELECT doc, content_sha256, vnfd_model FROM vnf_packages WHERE onboarding_state IN ('UPLOADING', 'PROCESSING')`);
  return r.rows;
}

// ---- Content views and the marketplace (migration 0005) ----

/** What the content endpoints need from a package without re-reading its archive. */
export interface ContentIndex {
  layout: 'tosca-meta' | 'root-yaml';
  /** TOSCA.meta when the package has one. */
  toscaMeta: string | null;
  /** The VNFD's YAML files shipped in the package (entry definitions first, then imports). */
  vnfdFiles: string[];
  manifest: string | null;
  certificate: string | null;
  /** Artifact path → the signature and certificate files the manifest names for it. */
  signatures: Record<string, { signature?: string; certificate?: string }>;
  /** Marketplace shortDesc / details derived from the VNFD (the uploader's own text wins). */
  shortDesc: string;
  details: string;
  /** The validation report as ONAP's one-line `report`. */
  report: string;
}

/** PackageMetaData attributes derived from the package (seed 004). */
export interface CatalogEntry {
  name: string;
  provider: string;
  version: string;
  type: string;
}

/** A package with its content and catalog columns (not the VNFD model, which content reads never need). */
export interface ContentRow {
  doc: VnfPkgDoc;
  content_sha256: string | null;
  seq: string | number;
  content_size: string | number | null;
  content_index: ContentIndex | null;
  pkg_name: string | null;
  pkg_provider: string | null;
  pkg_version: string | null;
  pkg_type: string | null;
  download_count: string | number;
  marketplace: { shortDesc?: string; details?: string; remarks?: string } | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const CONTENT_COLS = `seq, doc, content_sha256, content_size, content_index, pkg_name, pkg_provider, pkg_version,
  pkg_type, download_count, marketplace, created_at, updated_at`;

export async function getContentRow(db: Queryable, ref: { id: string } | { vnfdId: string }): Promise<ContentRow | undefined> {
  const r =
    'id' in ref
      ? await db.query<ContentRow>(`SELECT ${CONTENT_COLS} FROM vnf_packages WHERE id = $1`, [ref.id])
      : await db.query<ContentRow>(`SELECT ${CONTENT_COLS} FROM vnf_packages WHERE vnfd_id = $1 AND onboarding_state = 'ONBOARDED'`, [ref.vnfdId]);
  return r.rows[0];
}

/** Records the size of uploaded content (known before processing). */
export async function setContentSize(db: Queryable, id: string, size: number | null): Promise<void> {
  await db.query('UPDATE vnf_packages SET content_size = $2 WHERE id = $1', [id, size]);
}

/** The catalog columns of an onboarded package, or all null when it has no valid content. */
export async function setCatalog(db: Queryable, id: string, index: ContentIndex | null, entry: CatalogEntry | null): Promise<void> {
  await db.query(
    `UPDATE vnf_packages SET content_index = $2::jsonb, pkg_name = $3, pkg_provider = $4, pkg_version = $5, pkg_type = $6 WHERE id = $1`,
    [id, index === null ? null : JSON.stringify(index), entry?.name ?? null, entry?.provider ?? null, entry?.version ?? null, entry?.type ?? null],
  );
}

export async function setMarketplaceInfo(db: Queryable, id: string, info: Record<string, string>): Promise<void> {
  await db.query('UPDATE vnf_packages SET marketplace = $2::jsonb WHERE id = $1', [id, JSON.stringify(info)]);
}

export async function stageContent(db: Queryable, id: string, sha256: string | null): Promise<void> {
  await db.query('UPDATE vnf_packages SET staged_sha256 = $2 WHERE id = $1', [id, sha256]);
}

/** True while a package uses (or is about to use) the blob. */
export async function contentReferenced(db: Queryable, sha256: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM vnf_packages WHERE content_sha256 = $1 OR staged_sha256 = $1 LIMIT 1', [sha256]);
  return r.rows.length > 0;
}

/**
 * One download of an onboarded package's CSAR: the counter moves in the same statement that
 * finds the content, so concurrent downloads never lose a count.
 */
export async function countDownload(db: Queryable, id: string): Promise<{ content_sha256: string; content_size: string | number; pkg_name: string | null } | undefined> {
  const r = await db.query<{ content_sha256: string; content_size: string | number; pkg_name: string | null }>(
    `UPDATE vnf_packages SET download_count = download_count + 1
     WHERE id = $1 AND onboarding_state = 'ONBOARDED' AND content_sha256 IS NOT NULL
     RETURNING content_sha256, content_size, pkg_name`,
    [id],
  );
  return r.rows[0];
}

export interface MarketplaceFilter {
  name?: string;
  provider?: string;
  version?: string;
  type?: string;
}

const FILTER_COLUMNS: Record<keyof MarketplaceFilter, string> = { name: 'pkg_name', provider: 'pkg_provider', version: 'pkg_version', type: 'pkg_type' };

/** What a marketplace list item needs: no VNFD model, no image or artifact lists, no full report. */
export interface CatalogRow {
  seq: string | number;
  id: string;
  onboarding_state: string;
  vnfd_id: string | null;
  checksum: Record<string, unknown> | null;
  content_size: string | number | null;
  pkg_name: string | null;
  pkg_provider: string | null;
  pkg_version: string | null;
  pkg_type: string | null;
  download_count: string | number;
  marketplace: { shortDesc?: string; details?: string; remarks?: string } | null;
  short_desc: string | null;
  details: string | null;
  report: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const CATALOG_COLS = `seq, id, onboarding_state, vnfd_id, doc->'checksum' AS checksum, content_size, pkg_name, pkg_provider, pkg_version,
  pkg_type, download_count, marketplace, content_index->>'shortDesc' AS short_desc, content_index->>'details' AS details,
  content_index->>'report' AS report, created_at, updated_at`;

/** Onboarded packages matching every given attribute exactly, in creation order after `afterSeq`. */
export async function listCatalog(db: Queryable, filter: MarketplaceFilter, afterSeq: number | undefined, limit: number): Promise<CatalogRow[]> {
  const conds = [`onboarding_state = 'ONBOARDED'`];
  const values: unknown[] = [];
  for (const [k, col] of Object.entries(FILTER_COLUMNS) as [keyof MarketplaceFilter, string][]) {
    const v = filter[k];
    if (v === undefined) continue;
    values.push(v);
    conds.push(`${col} = $${values.length}`);
  }
  if (afterSeq !== undefined) {
    values.push(afterSeq);
    conds.push(`seq > $${values.length}`);
  }
  values.push(limit);
  const r = await db.query<CatalogRow>(`SELECT ${CATALOG_COLS} FROM vnf_packages WHERE ${conds.join(' AND ')} ORDER BY seq LIMIT $${values.length}`, values);
  return r.rows;
}
