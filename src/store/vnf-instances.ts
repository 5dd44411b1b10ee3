import type { Queryable } from './db.js';
import type { InstanceResources, VnfInstanceDoc } from '../lcm/model.js';

// Repository of VNF instances: the API document and, beside it, what the driver made.

export const VNF_INSTANCES_TABLE = 'vnf_instances';

export interface InstanceRow {
  doc: VnfInstanceDoc;
  resources: InstanceResources;
}

export async function insertInstance(db: Queryable, doc: VnfInstanceDoc): Promise<void> {
  await db.query(
    `INSERT INTO vnf_instances (id, instantiation_state, vnfd_id, vnf_pkg_id, doc) VALUES ($1, $2, $3, $4, $5::jsonb)`,
    [doc.id, doc.instantiationState, doc.vnfdId, doc.vnfPkgId ?? null, JSON.stringify(doc)],
  );
}

export async function getInstance(db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<InstanceRow | undefined> {
  const r = await db.query<InstanceRow>(`SELECT doc, resources FROM vnf_instances WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0];
}

export async function updateInstance(db: Queryable, doc: VnfInstanceDoc, resources?: InstanceResources): Promise<void> {
  await db.query(
    `UPDATE vnf_instances SET instantiation_state = $2, vnfd_id = $3, vnf_pkg_id = $4, doc = $5::jsonb,
       resources = COALESCE($6::jsonb, resources), updated_at = now() WHERE id = $1`,
    [doc.id, doc.instantiationState, doc.vnfdId, doc.vnfPkgId ?? null, JSON.stringify(doc), resources ? JSON.stringify(resources) : null],
  );
}

/** Records driver progress without touching the API document (a resumed operation reads it). */
export async function updateResources(db: Queryable, id: string, resources: InstanceResources): Promise<void> {
  await db.query('UPDATE vnf_instances SET resources = $2::jsonb, updated_at = now() WHERE id = $1', [id, JSON.stringify(resources)]);
}

export async function deleteInstance(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM vnf_instances WHERE id = $1', [id]);
}

export async function countInstancesUsingPackage(db: Queryable, pkgId: string): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vnf_instances WHERE vnf_pkg_id = $1', [pkgId]);
  return Number(r.rows[0].n);
}

/** Every instance's resources, for reconciliation and garbage collection at start. */
export async function allResources(db: Queryable): Promise<{ id: string; resources: InstanceResources }[]> {
  const r = await db.query<{ id: string; resources: InstanceResources }>('SELECT id, resources FROM vnf_instances');
  return r.rows;
}
