import type { Queryable } from './db.js';

// Repository of MEC app-instance subscriptions (per tenant); delivery goes through the outbox.

export interface MecSubscriptionRow {
  id: string;
  tenant_id: string;
  doc: Record<string, unknown>;
}

export async function insertMecSubscription(q: Queryable, r: MecSubscriptionRow): Promise<void> {
  await q.query('INSERT INTO mec_subscriptions (id, tenant_id, doc) VALUES ($1, $2, $3::jsonb)', [r.id, r.tenant_id, JSON.stringify(r.doc)]);
}

export async function listMecSubscriptions(q: Queryable, tenant: string): Promise<MecSubscriptionRow[]> {
  return (await q.query<MecSubscriptionRow>('SELECT id::text, tenant_id, doc FROM mec_subscriptions WHERE tenant_id = $1 ORDER BY seq', [tenant])).rows;
}

export async function getMecSubscription(q: Queryable, tenant: string, id: string): Promise<MecSubscriptionRow | undefined> {
  return (await q.query<MecSubscriptionRow>('SELECT id::text, tenant_id, doc FROM mec_subscriptions WHERE tenant_id = $1 AND id = $2', [tenant, id])).rows[0];
}

export async function deleteMecSubscription(q: Queryable, tenant: string, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM mec_subscriptions WHERE tenant_id = $1 AND id = $2', [tenant, id])).rowCount > 0;
}
