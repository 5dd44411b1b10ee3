import type { Queryable } from './db.js';

// Licence pools and their allocations (0007). A pool's use is its declared external use plus
// one unit per allocation; allocations are keyed by (service instance, resource).

export async function insertPool(q: Queryable, id: string, doc: object): Promise<void> {
  await q.query('INSERT INTO license_pools (id, doc) VALUES ($1, $2::jsonb)', [id, JSON.stringify(doc)]);
}

export async function getPool<D>(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<D | undefined> {
  const r = await q.query<{ doc: D }>(`SELECT doc FROM license_pools WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0]?.doc;
}

export async function updatePool(q: Queryable, id: string, doc: object): Promise<void> {
  await q.query('UPDATE license_pools SET doc = $2::jsonb WHERE id = $1', [id, JSON.stringify(doc)]);
}

export async function deletePool(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM license_pools WHERE id = $1', [id])).rowCount > 0;
}

export async function allPools<D>(q: Queryable): Promise<D[]> {
  return (await q.query<{ doc: D }>('SELECT doc FROM license_pools ORDER BY id')).rows.map((r) => r.doc);
}

/** Allocations per pool, leaving out the given resources of one service instance (being re-planned). */
export async function allocationCounts(q: Queryable, except?: { serviceInstanceId: string; serviceResourceIds: string[] }): Promise<Map<string, number>> {
  const r = await q.query<{ pool_id: string; n: number }>(
    `SELECT pool_id::text, count(*)::int AS n FROM license_allocations
     WHERE NOT (service_instance_id = $1::text AND service_resource_id = ANY($2::text[])) GROUP BY pool_id`,
    [except?.serviceInstanceId ?? '', except?.serviceResourceIds ?? []],
  );
  return new Map(r.rows.map((x) => [x.pool_id, Number(x.n)]));
}

export async function allocate(q: Queryable, a: { serviceInstanceId: string; serviceResourceId: string; poolId: string; requestId: string }): Promise<void> {
  await q.query(
    `INSERT INTO license_allocations (service_instance_id, service_resource_id, pool_id, request_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (service_instance_id, service_resource_id) DO UPDATE SET pool_id = EXCLUDED.pool_id, request_id = EXCLUDED.request_id, created_at = now()`,
    [a.serviceInstanceId, a.serviceResourceId, a.poolId, a.requestId],
  );
}

/** Releases every allocation of a service instance; returns how many. */
export async function releaseService(q: Queryable, serviceInstanceId: string): Promise<number> {
  return (await q.query('DELETE FROM license_allocations WHERE service_instance_id = $1', [serviceInstanceId])).rowCount;
}
