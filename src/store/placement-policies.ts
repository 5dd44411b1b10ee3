import type { Queryable } from './db.js';

// Placement policies (0007): one row per policy, the document as the API shows it.

export interface PolicyRow<D = Record<string, unknown>> {
  id: string;
  doc: D;
}

export async function insertPolicy(q: Queryable, id: string, policyType: string, doc: object): Promise<void> {
  await q.query('INSERT INTO placement_policies (id, policy_type, doc) VALUES ($1, $2, $3::jsonb)', [id, policyType, JSON.stringify(doc)]);
}

export async function getPolicy<D>(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<D | undefined> {
  const r = await q.query<{ doc: D }>(`SELECT doc FROM placement_policies WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0]?.doc;
}

export async function updatePolicy(q: Queryable, id: string, policyType: string, doc: object): Promise<void> {
  await q.query('UPDATE placement_policies SET policy_type = $2, doc = $3::jsonb WHERE id = $1', [id, policyType, JSON.stringify(doc)]);
}

export async function deletePolicy(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM placement_policies WHERE id = $1', [id])).rowCount > 0;
}

/** Policies that may apply to a service: unscoped ones and those naming it (case-insensitive). */
export async function policiesForService<D>(q: Queryable, serviceName: string): Promise<D[]> {
  const r = await q.query<{ doc: D }>(
    `SELECT doc FROM placement_policies
     WHERE jsonb_array_length(doc -> 'scope' -> 'services') = 0
        OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(doc -> 'scope' -> 'services') s WHERE lower(s) = lower($1))
     ORDER BY seq`,
    [serviceName],
  );
  return r.rows.map((x) => x.doc);
}
