import type { Queryable } from './db.js';
import type { VnfLcmOpOccDoc } from '../lcm/model.js';

// Repository of MEC app instances (the centre's view over engine instances), their
// dependencies, their follow-up actions, and the edge's record of the instances it runs.

export interface MecInstanceRow {
  id: string;
  tenant_id: string;
  app_pkg_id: string;
  host_id: string | null;
  host_ip: string | null;
  app_name: string;
  status: string;
  operation_info: string;
  next_action: string | null;
  created_at: string;
  updated_at: string;
  doc: Record<string, unknown>;
}

const COLS = `id::text, tenant_id, app_pkg_id, host_id::text, host_ip, app_name, status, operation_info, next_action,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at, doc`;

export async function insertMecInstance(q: Queryable, r: { id: string; tenantId: string; appPkgId: string; hostId?: string; hostIp?: string; appName: string; status: string; nextAction: string | null; doc: Record<string, unknown> }): Promise<void> {
  await q.query(
    `INSERT INTO mec_app_instances (id, tenant_id, app_pkg_id, host_id, host_ip, app_name, status, next_action, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
    [r.id, r.tenantId, r.appPkgId, r.hostId ?? null, r.hostIp ?? null, r.appName, r.status, r.nextAction, JSON.stringify(r.doc)],
  );
}

export async function getMecInstance(q: Queryable, id: string, tenant?: string, opts: { forUpdate?: boolean } = {}): Promise<MecInstanceRow | undefined> {
  const r = await q.query<MecInstanceRow>(`SELECT ${COLS} FROM mec_app_instances WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2)${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id, tenant ?? null]);
  return r.rows[0];
}

export async function listMecInstances(q: Queryable, tenant: string, filter: { hostIp?: string; ids?: string[] } = {}): Promise<MecInstanceRow[]> {
  const r = await q.query<MecInstanceRow>(
    `SELECT ${COLS} FROM mec_app_instances WHERE tenant_id = $1 AND ($2::text IS NULL OR host_ip = $2) AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[])) ORDER BY seq`,
    [tenant, filter.hostIp ?? null, filter.ids ?? null],
  );
  return r.rows;
}

/** Status, error text, host and document as the engine's events decide them. */
export async function saveMecInstance(q: Queryable, r: { id: string; status: string; operationInfo: string; hostId?: string | null; hostIp?: string | null; doc: Record<string, unknown> }): Promise<void> {
  await q.query(
    `UPDATE mec_app_instances SET status = $2, operation_info = $3, host_id = COALESCE($4::uuid, host_id), host_ip = COALESCE($5, host_ip), doc = $6::jsonb, updated_at = now() WHERE id = $1`,
    [r.id, r.status, r.operationInfo.slice(0, 1024), r.hostId ?? null, r.hostIp ?? null, JSON.stringify(r.doc)],
  );
}

/**
 * Sets the follow-up action; by default it is claimable at once (keepLease: the caller holds it).
 * `patch` is merged into the document (what the action needs, e.g. instantiate parameters).
 * `onlyIf`: only when the action is still that one — a client's DELETE arriving while the loop
 * works on another action must not be overwritten. False when nothing was changed.
 */
export async function setNextAction(q: Queryable, id: string, action: string | null, opts: { keepLease?: boolean; patch?: Record<string, unknown>; onlyIf?: string | null } = {}): Promise<boolean> {
  const r = await q.query(
    `UPDATE mec_app_instances SET next_action = $2, doc = doc || $3::jsonb${opts.keepLease ? '' : ', action_lease_until = NULL'}
      WHERE id = $1 AND (NOT $5::boolean OR next_action IS NOT DISTINCT FROM $4::text)`,
    [id, action, JSON.stringify(opts.patch ?? {}), opts.onlyIf ?? null, opts.onlyIf !== undefined],
  );
  return r.rowCount > 0;
}

/**
 * Centre operations that wait on an AppLCM right now. In role `all` the edge's operations run on
 * the same engine workers, so the actions loop keeps this below the workers' number.
 */
export async function centreOpsWaitingOnEdges(q: Queryable): Promise<number> {
  const r = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM vnf_lcm_op_occs o JOIN mec_app_instances m ON m.id = o.vnf_instance_id
      WHERE o.operation IN ('INSTANTIATE', 'TERMINATE') AND o.operation_state IN ('STARTING', 'PROCESSING', 'ROLLING_BACK')`,
  );
  return Number(r.rows[0].n);
}

export async function deleteMecInstance(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM mec_app_instances WHERE id = $1', [id]);
}

/**
 * Claims an instance whose follow-up action can run now: the engine has no unfinished operation
 * on it (STARTING / PROCESSING / ROLLING_BACK; a FAILED_TEMP one is reported, not waited on).
 * The short lease keeps two processes from acting on one instance at the same moment.
 */
export async function claimMecAction(q: Queryable, table: 'mec_app_instances' | 'mec_edge_instances', leaseMs: number): Promise<{ id: string; action: string; failedTemp: boolean } | undefined> {
  const key = table === 'mec_app_instances' ? 'id' : 'app_instance_id';
  const engineId = table === 'mec_app_instances' ? 'm.id' : 'm.engine_instance_id';
  const r = await q.query<{ id: string; action: string; failed_temp: boolean }>(
    `UPDATE ${table} SET action_lease_until = now() + ($1::int * interval '1 millisecond')
     WHERE ${key} = (
       SELECT m.${key} FROM ${table} m
        WHERE m.next_action IS NOT NULL AND (m.action_lease_until IS NULL OR m.action_lease_until <= now())
          AND NOT EXISTS (SELECT 1 FROM vnf_lcm_op_occs o WHERE o.vnf_instance_id = ${engineId} AND o.operation_state IN ('STARTING', 'PROCESSING', 'ROLLING_BACK'))
        ORDER BY m.seq LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING ${key}::text AS id, next_action AS action,
       EXISTS (SELECT 1 FROM vnf_lcm_op_occs o WHERE o.vnf_instance_id = ${table === 'mec_app_instances' ? `${table}.id` : `${table}.engine_instance_id`} AND o.operation_state = 'FAILED_TEMP') AS failed_temp`,
    [leaseMs],
  );
  const row = r.rows[0];
  return row ? { id: row.id, action: row.action, failedTemp: row.failed_temp } : undefined;
}

/** Leaves the action for later (the engine became busy or failed in between). */
export async function releaseMecAction(q: Queryable, table: 'mec_app_instances' | 'mec_edge_instances', id: string, retryInMs: number): Promise<void> {
  const key = table === 'mec_app_instances' ? 'id' : 'app_instance_id';
  await q.query(`UPDATE ${table} SET action_lease_until = now() + ($2::int * interval '1 millisecond') WHERE ${key} = $1`, [id, retryInMs]);
}

export async function insertDependencies(q: Queryable, id: string, providers: string[]): Promise<void> {
  await q.query('DELETE FROM mec_app_dependencies WHERE app_instance_id = $1', [id]);
  for (const p of providers) await q.query('INSERT INTO mec_app_dependencies (app_instance_id, depends_on_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id, p]);
}

/** Instances that depend on this one (delete is refused while any exists). */
export async function dependants(q: Queryable, id: string): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT app_instance_id::text AS id FROM mec_app_dependencies WHERE depends_on_id = $1 ORDER BY 1', [id])).rows.map((r) => r.id);
}

export async function dependenciesOf(q: Queryable, id: string): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT depends_on_id::text AS id FROM mec_app_dependencies WHERE app_instance_id = $1 ORDER BY 1', [id])).rows.map((r) => r.id);
}

export async function instancesUsingPackage(q: Queryable, appPkgId: string, hostId?: string): Promise<string[]> {
  const r = await q.query<{ id: string }>('SELECT id::text AS id FROM mec_app_instances WHERE app_pkg_id = $1 AND ($2::uuid IS NULL OR host_id = $2) ORDER BY seq', [appPkgId, hostId ?? null]);
  return r.rows.map((x) => x.id);
}

/** Instantiated instances of the tenant on a host (dependency providers). */
export async function instantiatedOnHost(q: Queryable, tenant: string, hostId: string): Promise<MecInstanceRow[]> {
  return (await q.query<MecInstanceRow>(`SELECT ${COLS} FROM mec_app_instances WHERE tenant_id = $1 AND host_id = $2 AND status = 'Instantiated' ORDER BY seq`, [tenant, hostId])).rows;
}

// ---- edge side ----

export interface EdgeInstanceRow {
  app_instance_id: string;
  tenant_id: string;
  host_ip: string;
  app_pkg_id: string;
  engine_instance_id: string;
  app_name: string;
  next_action: string | null;
  doc: Record<string, unknown>;
}

const EDGE_COLS = 'app_instance_id::text, tenant_id, host_ip, app_pkg_id, engine_instance_id::text, app_name, next_action, doc';

export async function insertEdgeInstance(q: Queryable, r: Omit<EdgeInstanceRow, 'next_action'>): Promise<void> {
  await q.query(
    `INSERT INTO mec_edge_instances (app_instance_id, tenant_id, host_ip, app_pkg_id, engine_instance_id, app_name, doc) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
    [r.app_instance_id, r.tenant_id, r.host_ip, r.app_pkg_id, r.engine_instance_id, r.app_name, JSON.stringify(r.doc)],
  );
}

export async function getEdgeInstance(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<EdgeInstanceRow | undefined> {
  return (await q.query<EdgeInstanceRow>(`SELECT ${EDGE_COLS} FROM mec_edge_instances WHERE app_instance_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id])).rows[0];
}

export async function listEdgeInstances(q: Queryable, filter: { tenant?: string; hostIp?: string; appPkgId?: string } = {}): Promise<EdgeInstanceRow[]> {
  const r = await q.query<EdgeInstanceRow>(
    `SELECT ${EDGE_COLS} FROM mec_edge_instances WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR host_ip = $2) AND ($3::text IS NULL OR app_pkg_id = $3) ORDER BY seq`,
    [filter.tenant ?? null, filter.hostIp ?? null, filter.appPkgId ?? null],
  );
  return r.rows;
}

export async function setEdgeAction(q: Queryable, id: string, action: string | null, onlyIf?: string): Promise<void> {
  await q.query('UPDATE mec_edge_instances SET next_action = $2, action_lease_until = NULL WHERE app_instance_id = $1 AND ($3::text IS NULL OR next_action = $3::text)', [id, action, onlyIf ?? null]);
}

export async function deleteEdgeInstance(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM mec_edge_instances WHERE app_instance_id = $1', [id]);
}

/** The most recent occurrence of an engine instance (the edge reads its state as the app's). */
export async function latestOpOcc(q: Queryable, instanceId: string): Promise<VnfLcmOpOccDoc | undefined> {
  const r = await q.query<{ doc: VnfLcmOpOccDoc }>('SELECT doc FROM vnf_lcm_op_occs WHERE vnf_instance_id = $1 ORDER BY seq DESC LIMIT 1', [instanceId]);
  return r.rows[0]?.doc;
}

/** vCPUs reserved per host by the MEC instances placed there (placement's used capacity). */
export async function allocatedVcpu(q: Queryable, hostIds: string[]): Promise<Map<string, number>> {
  const r = await q.query<{ host_id: string; vcpu: number }>(
    `SELECT host_id::text, sum(COALESCE((doc->'requirements'->>'vcpu')::float8, 0)) AS vcpu FROM mec_app_instances
      WHERE host_id = ANY($1::uuid[]) AND status <> 'Create failed' GROUP BY host_id`,
    [hostIds],
  );
  return new Map(r.rows.map((x) => [x.host_id, Number(x.vcpu)]));
}
