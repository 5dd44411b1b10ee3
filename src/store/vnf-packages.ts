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
