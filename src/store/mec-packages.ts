import type { Queryable } from './db.js';
import type { VnfPkgDoc } from './vnf-packages.js';

// Repository of MEC app packages (centre: per tenant, with per-host distribution rows; edge:
// what was distributed to a host of this AppLCM) and the package-record facts they rely on.

export interface MecPackageRow {
  app_pkg_id: string;
  tenant_id: string;
  app_id: string;
  vnf_pkg_id: string;
  doc: Record<string, unknown>;
}

export interface PackageHostRow {
  app_pkg_id: string;
  host_id: string;
  tenant_id: string;
  host_ip: string;
  status: string;
  error: string | null;
  attempts: number;
  updated_at: string;
}

export async function markMecKind(q: Queryable, vnfPkgId: string): Promise<void> {
  await q.query(`UPDATE vnf_packages SET kind = 'mec' WHERE id = $1`, [vnfPkgId]);
}

/** An onboarded MEC package record with this content (the same CSAR uploaded again). */
export async function onboardedMecByChecksum(q: Queryable, sha256: string): Promise<VnfPkgDoc | undefined> {
  const r = await q.query<{ doc: VnfPkgDoc }>(
    `SELECT doc FROM vnf_packages WHERE kind = 'mec' AND onboarding_state = 'ONBOARDED' AND content_sha256 = $1 ORDER BY seq LIMIT 1`,
    [sha256],
  );
  return r.rows[0]?.doc;
}

/** MEC rows (centre or edge) that still name a package record. */
export async function packageReferences(q: Queryable, vnfPkgId: string): Promise<number> {
  const r = await q.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM mec_packages WHERE vnf_pkg_id = $1) + (SELECT count(*) FROM mec_edge_packages WHERE vnf_pkg_id = $1) AS n`,
    [vnfPkgId],
  );
  return Number(r.rows[0].n);
}

export async function insertMecPackage(q: Queryable, r: MecPackageRow): Promise<void> {
  await q.query(`INSERT INTO mec_packages (app_pkg_id, tenant_id, app_id, vnf_pkg_id, doc) VALUES ($1, $2, $3, $4, $5::jsonb)`, [r.app_pkg_id, r.tenant_id, r.app_id, r.vnf_pkg_id, JSON.stringify(r.doc)]);
}

export async function getMecPackage(q: Queryable, appPkgId: string, tenant?: string, opts: { forUpdate?: boolean } = {}): Promise<MecPackageRow | undefined> {
  const r = await q.query<MecPackageRow>(
    `SELECT app_pkg_id, tenant_id, app_id, vnf_pkg_id::text, doc FROM mec_packages WHERE app_pkg_id = $1 AND ($2::text IS NULL OR tenant_id = $2)${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [appPkgId, tenant ?? null],
  );
  return r.rows[0];
}

export async function listMecPackages(q: Queryable, tenant: string): Promise<MecPackageRow[]> {
  return (await q.query<MecPackageRow>(`SELECT app_pkg_id, tenant_id, app_id, vnf_pkg_id::text, doc FROM mec_packages WHERE tenant_id = $1 ORDER BY seq`, [tenant])).rows;
}

export async function deleteMecPackage(q: Queryable, appPkgId: string): Promise<void> {
  await q.query('DELETE FROM mec_packages WHERE app_pkg_id = $1', [appPkgId]);
}

const PH_COLS = `app_pkg_id, host_id::text, tenant_id, host_ip, status, error, attempts, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at`;

export async function packageHosts(q: Queryable, appPkgIds: string[]): Promise<PackageHostRow[]> {
  return (await q.query<PackageHostRow>(`SELECT ${PH_COLS} FROM mec_package_hosts WHERE app_pkg_id = ANY($1::text[]) ORDER BY host_ip`, [appPkgIds])).rows;
}

export async function getPackageHost(q: Queryable, appPkgId: string, hostId: string, opts: { forUpdate?: boolean } = {}): Promise<PackageHostRow | undefined> {
  const r = await q.query<PackageHostRow>(`SELECT ${PH_COLS} FROM mec_package_hosts WHERE app_pkg_id = $1 AND host_id = $2${opts.forUpdate ? ' FOR UPDATE' : ''}`, [appPkgId, hostId]);
  return r.rows[0];
}

/** (Re)queues a distribution: Processing, error cleared, lease released. */
export async function queueDistribution(q: Queryable, r: { appPkgId: string; hostId: string; tenantId: string; hostIp: string }): Promise<void> {
  await q.query(
    `INSERT INTO mec_package_hosts (app_pkg_id, host_id, tenant_id, host_ip, status) VALUES ($1, $2, $3, $4, 'Processing')
     ON CONFLICT (app_pkg_id, host_id) DO UPDATE SET status = 'Processing', error = NULL, attempts = 0, lease_owner = NULL, lease_until = NULL, updated_at = now()`,
    [r.appPkgId, r.hostId, r.tenantId, r.hostIp],
  );
}

/**
 * Claims one distribution to send: a Processing row, or a Distributing row whose lease expired
 * (its sender died). SKIP LOCKED lets several processes claim different rows; the lease keeps
 * the claim after the statement's transaction ends.
 */
export async function claimDistribution(q: Queryable, owner: string, leaseMs: number): Promise<PackageHostRow | undefined> {
  const r = await q.query<PackageHostRow>(
    `UPDATE mec_package_hosts SET status = 'Distributing', lease_owner = $1, lease_until = now() + ($2::int * interval '1 millisecond'),
       attempts = attempts + 1, updated_at = now()
     WHERE (app_pkg_id, host_id) = (
       SELECT app_pkg_id, host_id FROM mec_package_hosts
        WHERE status = 'Processing' OR (status = 'Distributing' AND (lease_until IS NULL OR lease_until <= now()))
        ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING ${PH_COLS}`,
    [owner, leaseMs],
  );
  return r.rows[0];
}

export async function extendDistributionLease(q: Queryable, appPkgId: string, hostId: string, owner: string, leaseMs: number): Promise<void> {
  await q.query(`UPDATE mec_package_hosts SET lease_until = now() + ($4::int * interval '1 millisecond') WHERE app_pkg_id = $1 AND host_id = $2 AND lease_owner = $3`, [appPkgId, hostId, owner, leaseMs]);
}

/** Final state of a claimed distribution; fenced by the lease owner. */
export async function finishDistribution(q: Queryable, appPkgId: string, hostId: string, owner: string, status: string, error: string | null): Promise<boolean> {
  const r = await q.query(
    `UPDATE mec_package_hosts SET status = $4, error = $5, lease_owner = NULL, lease_until = NULL, updated_at = now()
     WHERE app_pkg_id = $1 AND host_id = $2 AND lease_owner = $3`,
    [appPkgId, hostId, owner, status, error === null ? null : error.slice(0, 2000)],
  );
  return r.rowCount > 0;
}

export async function deletePackageHost(q: Queryable, appPkgId: string, hostId: string): Promise<void> {
  await q.query('DELETE FROM mec_package_hosts WHERE app_pkg_id = $1 AND host_id = $2', [appPkgId, hostId]);
}

// ---- edge side ----

export interface EdgePackageRow {
  tenant_id: string;
  host_ip: string;
  app_pkg_id: string;
  vnf_pkg_id: string;
  doc: Record<string, unknown>;
}

export async function upsertEdgePackage(q: Queryable, r: EdgePackageRow): Promise<void> {
  await q.query(
    `INSERT INTO mec_edge_packages (tenant_id, host_ip, app_pkg_id, vnf_pkg_id, doc) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (tenant_id, host_ip, app_pkg_id) DO UPDATE SET vnf_pkg_id = EXCLUDED.vnf_pkg_id, doc = EXCLUDED.doc`,
    [r.tenant_id, r.host_ip, r.app_pkg_id, r.vnf_pkg_id, JSON.stringify(r.doc)],
  );
}

export async function getEdgePackage(q: Queryable, tenant: string, hostIp: string, appPkgId: string): Promise<EdgePackageRow | undefined> {
  const r = await q.query<EdgePackageRow>(`SELECT tenant_id, host_ip, app_pkg_id, vnf_pkg_id::text, doc FROM mec_edge_packages WHERE tenant_id = $1 AND host_ip = $2 AND app_pkg_id = $3`, [tenant, hostIp, appPkgId]);
  return r.rows[0];
}

export async function listEdgePackages(q: Queryable, tenant: string, hostIp: string): Promise<EdgePackageRow[]> {
  return (await q.query<EdgePackageRow>(`SELECT tenant_id, host_ip, app_pkg_id, vnf_pkg_id::text, doc FROM mec_edge_packages WHERE tenant_id = $1 AND host_ip = $2 ORDER BY created_at`, [tenant, hostIp])).rows;
}

export async function deleteEdgePackage(q: Queryable, tenant: string, hostIp: string, appPkgId: string): Promise<boolean> {
  return (await q.query('DELETE FROM mec_edge_packages WHERE tenant_id = $1 AND host_ip = $2 AND app_pkg_id = $3', [tenant, hostIp, appPkgId])).rowCount > 0;
}
