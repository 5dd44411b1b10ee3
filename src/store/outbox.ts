import type { Queryable } from './db.js';

// The transactional outbox (`notifications`): rows are written in the caller's transaction and
// claimed by delivery workers with FOR UPDATE SKIP LOCKED plus a lease, so several processes can
// share the work and a dead worker's rows come back when its lease expires. Rows of one
// subscription form a lane delivered strictly in `seq` order: only a lane's oldest pending row
// (its head) can be claimed, and the claimer takes the next rows of the lane with it.

export const NOTIFICATIONS_TABLE = 'notifications';

export type NotificationState = 'pending' | 'delivered' | 'failed';

export interface CallbackTarget {
  url: string;
  headers?: Record<string, string>;
}

export interface NewNotification {
  id: string;
  subscriptionId: string | null;
  kind: string;
  correlationId?: string;
  target: CallbackTarget;
  /** The record shown by /mecano/v1/notifications (delivery state is added by the trigger). */
  doc: Record<string, unknown>;
}

export interface ClaimedNotification {
  id: string;
  subscriptionId: string | null;
  kind: string;
  attempts: number;
  target: CallbackTarget;
  body: unknown;
  createdAt: Date;
  giveUpAt: Date;
}

const CLAIMED_COLUMNS = `id, subscription_id AS "subscriptionId", kind, attempts, target, doc -> 'notification' AS body,
  created_at AS "createdAt", give_up_at AS "giveUpAt"`;

export async function insertNotifications(tx: Queryable, rows: NewNotification[], horizonMs: number): Promise<void> {
  if (rows.length === 0) return;
  const payload = rows.map((r) => ({
    id: r.id,
    subscription_id: r.subscriptionId,
    kind: r.kind,
    correlation_id: r.correlationId ?? null,
    target: r.target,
    doc: r.doc,
  }));
  // One statement for any number of rows; order of `seq` follows the array order.
  await tx.query(
    `INSERT INTO notifications (id, subscription_id, kind, correlation_id, target, doc, give_up_at)
     SELECT (e.x ->> 'id')::uuid, (e.x ->> 'subscription_id')::uuid, e.x ->> 'kind', e.x ->> 'correlation_id', e.x -> 'target', e.x -> 'doc',
            clock_timestamp() + $2 * interval '1 millisecond'
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(x, n)
     ORDER BY e.n`,
    [JSON.stringify(payload), horizonMs],
  );
}

/**
 * Heads of lanes that are due and not leased, oldest due first. A loose index scan (recursive
 * CTE over notifications_pending_lane) visits each subscription that has pending rows once, so
 * the cost does not grow with the backlog behind a subscriber that is down.
 */
export async function dueLaneHeads(db: Queryable, limit: number): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `WITH RECURSIVE lanes(sid) AS (
       (SELECT subscription_id FROM notifications WHERE state = 'pending' AND subscription_id IS NOT NULL ORDER BY subscription_id LIMIT 1)
       UNION ALL
       SELECT (SELECT n.subscription_id FROM notifications n WHERE n.state = 'pending' AND n.subscription_id > l.sid ORDER BY n.subscription_id LIMIT 1)
       FROM lanes l WHERE l.sid IS NOT NULL)
     SELECT h.id FROM lanes l
     CROSS JOIN LATERAL (SELECT n.id, n.seq, n.next_attempt_at, n.lease_until FROM notifications n
                         WHERE n.subscription_id = l.sid AND n.state = 'pending' ORDER BY n.seq LIMIT 1) h
     WHERE l.sid IS NOT NULL AND h.next_attempt_at <= now() AND (h.lease_until IS NULL OR h.lease_until < now())
     ORDER BY h.next_attempt_at, h.seq LIMIT $1`,
    [limit],
  );
  return r.rows.map((x) => x.id);
}

/**
 * Claims one lane: locks the first of `heads` that is still claimable, then leases it and up to
 * `batch - 1` following rows of its subscription. Must run inside a transaction.
 * Lock semantics: SKIP LOCKED passes over a head another worker is claiming right now; after
 * that worker commits, its lease makes the head fail the re-checked WHERE. The NOT EXISTS is the
 * in-order rule itself: a row with an older pending sibling is never a head.
 */
export async function claimLane(tx: Queryable, heads: string[], owner: string, leaseMs: number, batch: number): Promise<ClaimedNotification[]> {
  const head = await tx.query<{ id: string; subscription_id: string; seq: number }>(
    `SELECT n.id, n.subscription_id, n.seq FROM notifications n
     WHERE n.id = ANY($1::uuid[]) AND n.state = 'pending' AND n.next_attempt_at <= now()
       AND (n.lease_until IS NULL OR n.lease_until < now())
       AND NOT EXISTS (SELECT 1 FROM notifications o WHERE o.subscription_id = n.subscription_id AND o.state = 'pending' AND o.seq < n.seq)
     ORDER BY n.next_attempt_at, n.seq LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [heads],
  );
  const h = head.rows[0];
  if (!h) return [];
  // The head's lock keeps other claimers out of this lane; rows behind it are locked in order and
  // the lane stops before any row that someone else still holds, so it never has a gap.
  const lane = await tx.query<{ id: string; held: boolean }>(
    `SELECT id, (lease_until IS NOT NULL AND lease_until >= now() AND lease_owner <> $4) AS held FROM notifications
     WHERE subscription_id = $1 AND state = 'pending' AND seq >= $2 ORDER BY seq LIMIT $3 FOR UPDATE`,
    [h.subscription_id, h.seq, batch, owner],
  );
  const ids: string[] = [];
  for (const row of lane.rows) {
    if (row.held && row.id !== h.id) break;
    ids.push(row.id);
  }
  const r = await tx.query<ClaimedNotification & { seq: number }>(
    `UPDATE notifications SET lease_owner = $2, lease_until = now() + $3 * interval '1 millisecond'
     WHERE id = ANY($1::uuid[]) RETURNING seq, ${CLAIMED_COLUMNS}`,
    [ids, owner, leaseMs],
  );
  return r.rows.sort((a, b) => Number(a.seq) - Number(b.seq));
}

/** Claims one due one-off callback (no ordering between callbacks). */
export async function claimCallback(db: Queryable, owner: string, leaseMs: number): Promise<ClaimedNotification | undefined> {
  const r = await db.query<ClaimedNotification>(
    `UPDATE notifications SET lease_owner = $1, lease_until = now() + $2 * interval '1 millisecond'
     WHERE id = (SELECT id FROM notifications
                 WHERE state = 'pending' AND subscription_id IS NULL AND next_attempt_at <= now()
                   AND (lease_until IS NULL OR lease_until < now())
                 ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING ${CLAIMED_COLUMNS}`,
    [owner, leaseMs],
  );
  return r.rows[0];
}

/** Fenced by the lease owner: false when the row was deleted or taken over meanwhile. */
export async function markDelivered(db: Queryable, id: string, owner: string, status: number): Promise<boolean> {
  const r = await db.query(
    `UPDATE notifications SET state = 'delivered', attempts = attempts + 1, last_status = $3, last_error = NULL,
       delivered_at = clock_timestamp(), lease_owner = NULL, lease_until = NULL
     WHERE id = $1 AND lease_owner = $2 AND state = 'pending'`,
    [id, owner, status],
  );
  return r.rowCount > 0;
}

/**
 * Records a failed attempt: back to pending at `retryAt`, or `failed` when `retryAt` is null.
 * Fenced like markDelivered.
 */
export async function markAttemptFailed(
  db: Queryable,
  id: string,
  owner: string,
  f: { status: number | null; error: string; retryAt: Date | null },
): Promise<boolean> {
  const r = await db.query(
    `UPDATE notifications SET state = CASE WHEN $5::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
       attempts = attempts + 1, last_status = $3, last_error = $4,
       next_attempt_at = COALESCE($5::timestamptz, next_attempt_at), lease_owner = NULL, lease_until = NULL
     WHERE id = $1 AND lease_owner = $2 AND state = 'pending'`,
    [id, owner, f.status, f.error.slice(0, 1000), f.retryAt],
  );
  return r.rowCount > 0;
}

/** Gives rows back without an attempt (a lane cut short by stop() or its time budget). */
export async function releaseLeases(db: Queryable, ids: string[], owner: string): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`UPDATE notifications SET lease_owner = NULL, lease_until = NULL WHERE id = ANY($1::uuid[]) AND lease_owner = $2`, [ids, owner]);
}

/** Pending rows whose subscription no longer exists (deleted while their publisher was committing). */
export async function dropOrphanLane(db: Queryable, subscriptionId: string): Promise<void> {
  await db.query(
    `DELETE FROM notifications n WHERE n.subscription_id = $1 AND n.state = 'pending'
       AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = n.subscription_id)`,
    [subscriptionId],
  );
}

export interface NotificationRow {
  id: string;
  subscriptionId: string | null;
  state: NotificationState;
  doc: Record<string, unknown>;
}

export async function getNotification(db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<NotificationRow | undefined> {
  const r = await db.query<NotificationRow>(
    `SELECT id, subscription_id AS "subscriptionId", state, doc FROM notifications WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return r.rows[0];
}

/**
 * Queues a row again with a fresh retry horizon. A finished row of a subscription moves to the
 * end of its lane (new `seq`) so that re-sending an old notification never blocks newer ones;
 * a pending row only becomes due now.
 */
export async function requeue(db: Queryable, id: string, horizonMs: number): Promise<Record<string, unknown> | undefined> {
  const r = await db.query<{ doc: Record<string, unknown> }>(
    `UPDATE notifications SET
       seq = CASE WHEN state <> 'pending' AND subscription_id IS NOT NULL THEN nextval(pg_get_serial_sequence('notifications', 'seq')) ELSE seq END,
       state = 'pending', next_attempt_at = now(), give_up_at = clock_timestamp() + $2 * interval '1 millisecond',
       lease_owner = CASE WHEN state = 'pending' THEN lease_owner END,
       lease_until = CASE WHEN state = 'pending' THEN lease_until END
     WHERE id = $1 RETURNING doc`,
    [id, horizonMs],
  );
  return r.rows[0]?.doc;
}

/** Removes delivered and failed rows older than the retention period; returns how many. */
export async function purgeFinished(db: Queryable, olderThanMs: number): Promise<number> {
  const r = await db.query(`DELETE FROM notifications WHERE state <> 'pending' AND created_at < now() - $1 * interval '1 millisecond'`, [olderThanMs]);
  return r.rowCount;
}
