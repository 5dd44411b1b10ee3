import type { Queryable } from './db.js';

// Repository of notification subscriptions (every family). Credentials live in `auth`, apart
// from the document, so no query that serves the API can return them.

export const SUBSCRIPTIONS_TABLE = 'subscriptions';

export type SubscriptionFamily = 'vnflcm' | 'vnfpkgm';

export interface SubscriptionRow<D> {
  id: string;
  api: string;
  doc: D;
}

export interface NewSubscription {
  id: string;
  family: SubscriptionFamily;
  api: string;
  dedupKey: string;
  auth: unknown;
  doc: unknown;
}

export async function insertSubscription(db: Queryable, s: NewSubscription): Promise<void> {
  await db.query(
    `INSERT INTO subscriptions (id, family, api, dedup_key, auth, doc) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
    [s.id, s.family, s.api, s.dedupKey, s.auth === undefined ? null : JSON.stringify(s.auth), JSON.stringify(s.doc)],
  );
}

/**
 * Serialises creations of identical subscriptions across processes for the rest of the
 * transaction (a transaction-scoped advisory lock on the dedup key), so that two concurrent
 * identical POSTs give one 201 and one 303 rather than two rows.
 */
export async function lockDedupKey(tx: Queryable, dedupKey: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [dedupKey]);
}

export async function findByDedupKey<D>(db: Queryable, dedupKey: string): Promise<D | undefined> {
  const r = await db.query<{ doc: D }>('SELECT doc FROM subscriptions WHERE dedup_key = $1 ORDER BY seq LIMIT 1', [dedupKey]);
  return r.rows[0]?.doc;
}

export async function getSubscription<D>(db: Queryable, family: SubscriptionFamily, api: string, id: string): Promise<D | undefined> {
  const r = await db.query<{ doc: D }>('SELECT doc FROM subscriptions WHERE id = $1 AND family = $2 AND api = $3', [id, family, api]);
  return r.rows[0]?.doc;
}

/** Every subscription of a family (all API versions), for the publisher to match. */
export async function subscriptionsOf<D>(db: Queryable, family: SubscriptionFamily): Promise<SubscriptionRow<D>[]> {
  const r = await db.query<SubscriptionRow<D>>('SELECT id, api, doc FROM subscriptions WHERE family = $1 ORDER BY seq', [family]);
  return r.rows;
}

export async function subscriptionExists(db: Queryable, id: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM subscriptions WHERE id = $1', [id]);
  return r.rows.length > 0;
}

/**
 * Deletes a subscription and its undelivered notifications in one statement, so that no
 * delivery of it starts afterwards (SOL003 5.4.19.3.5). Delivered and failed rows stay as the
 * record. `scope` restricts the delete to one family/API (the HTTP views); omit it for 410 Gone.
 */
export async function deleteSubscription(db: Queryable, id: string, scope?: { family: SubscriptionFamily; api: string }): Promise<boolean> {
  const r = await db.query<{ id: string }>(
    `WITH gone AS (
       DELETE FROM subscriptions WHERE id = $1 AND ($2::text IS NULL OR (family = $2::text AND api = $3::text)) RETURNING id),
     pending AS (
       DELETE FROM notifications WHERE subscription_id IN (SELECT id FROM gone) AND state = 'pending')
     SELECT id FROM gone`,
    [id, scope?.family ?? null, scope?.api ?? null],
  );
  return r.rows.length > 0;
}

/** The fixed list condition of one family/API view (list.ts `where`). */
export function subscriptionScope(family: SubscriptionFamily, api: string): { sql: string; values: unknown[] } {
  return { sql: 'family = $1 AND api = $2', values: [family, api] };
}
