import type { Queryable } from './db.js';

// The transactional outbox (`notifications`): rows are written in the caller's transaction and
// claimed by delivery workers with FOR UPDATE SKIP LOCKED plus a lease, so several processes can
// share the work and a dead worker's rows come back when its lease expires. Rows of one
// subscription form a lane delivered strictly in `seq` order: only a lane's oldest pending row
// (its head) can be claimed, and the claimer takes the next rows of the lane with it.

/** The view SOL013 listing reads: each row's record with its current delivery state. */
export const NOTIFICATION_RECORDS_VIEW = 'notification_records';

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
  /** The body, as JSON text. */
  payload: string;
  /** The fixed part of the record /mecano/v1/notifications shows (the view adds the state). */
  doc: Record<string, unknown>;
}

export interface ClaimedNotification {
  id: string;
  subscriptionId: string | null;
  kind: string;
  attempts: number;
  target: CallbackTarget;
  payload: string;
  createdAt: Date;
  giveUpAt: Date;
}

const CLAIMED_COLUMNS = `id, subscription_id AS "subscriptionId", kind, attempts, target, payload,
  created_at AS "createdAt", give_up_at AS "giveUpAt"`;

export async function insertNotifications(tx: Queryable, rows: NewNotification[], horizonMs: number): Promise<void> {
  if (rows.length === 0) return;
  const payload = rows.map((r) => ({
    id: r.id,
    subscription_id: r.subscriptionId,
    kind: r.kind,
    correlation_id: r.correlationId ?? null,
    target: r.target,
    payload: r.payload,
    doc: r.doc,
  }));
  // One statement for any number of rows; order of `seq` follows the array order.
  await tx.query(
    `INSERT INTO notifications (id, subscription_id, kind, correlation_id, target, payload, doc, give_up_at)
     SELECT (e.x ->> 'id')::uuid, (e.x ->> 'subscription_id')::uuid, e.x ->> 'kind', e.x ->> 'correlation_id', e.x -> 'target',
            e.x ->> 'payload', e.x -> 'doc',
            clock_timestamp() + $2 * interval '1 millisecond'
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(x, n)
     ORDER BY e.n`,
    [JSON.stringify(payload), horizonMs],
  );
}

export interface ClaimedLane {
  rows: ClaimedNotification[];
  subscriptionId: string;
  /** false: the subscription was deleted while this row's publisher was committing. */
  subscriptionExists: boolean;
  /** The subscription's stored authentication (with credentials), for the POSTs. */
  auth: unknown;
}

/**
 * Claims up to `lanes` lanes in one statement (PGlite pays ~1.5 ms per statement, so fewer is faster):
 * - `lanes`: a loose index scan (recursive CTE over notifications_pending_lane) visits each
 *   subscription with pending rows once, so the cost does not grow with the backlog behind a
 *   subscriber that is down; `heads` keeps the lanes whose oldest pending row is due and unleased.
 * - `head`: locks the first heads still claimable. SKIP LOCKED passes over a head another worker
 *   is claiming right now; once that worker commits, its lease fails the re-checked WHERE. The
 *   NOT EXISTS is the in-order rule itself: a row with an older pending sibling is never a head.
 * - `lane`: leases each head and up to `batch - 1` rows behind it, stopping before any row someone
 *   else still holds (the running bool_or), so a lane never has a gap. A head's row lock keeps
 *   every other claimer out of its lane until the statement commits.
 */
export async function claimLanes(db: Queryable, owner: string, leaseMs: number, batch: number, lanes: number): Promise<ClaimedLane[]> {
  const r = await db.query<ClaimedNotification & { seq: number; auth: unknown; subscriptionExists: boolean }>(
    `WITH RECURSIVE lanes(sid) AS (
       (SELECT subscription_id FROM notifications WHERE state = 'pending' AND subscription_id IS NOT NULL ORDER BY subscription_id LIMIT 1)
       UNION ALL
       SELECT (SELECT n.subscription_id FROM notifications n WHERE n.state = 'pending' AND n.subscription_id > l.sid ORDER BY n.subscription_id LIMIT 1)
       FROM lanes l WHERE l.sid IS NOT NULL),
     heads AS (
       SELECT h.id FROM lanes l
       CROSS JOIN LATERAL (SELECT n.id, n.seq, n.next_attempt_at, n.lease_until FROM notifications n
                           WHERE n.subscription_id = l.sid AND n.state = 'pending' ORDER BY n.seq LIMIT 1) h
       WHERE l.sid IS NOT NULL AND h.next_attempt_at <= now() AND (h.lease_until IS NULL OR h.lease_until < now())
       ORDER BY h.next_attempt_at, h.seq LIMIT $4::int * 2),
     head AS (
       SELECT n.id, n.subscription_id, n.seq FROM notifications n
       WHERE n.id IN (SELECT id FROM heads) AND n.state = 'pending' AND n.next_attempt_at <= now()
         AND (n.lease_until IS NULL OR n.lease_until < now())
         AND NOT EXISTS (SELECT 1 FROM notifications o WHERE o.subscription_id = n.subscription_id AND o.state = 'pending' AND o.seq < n.seq)
       ORDER BY n.next_attempt_at, n.seq LIMIT $4::int
       FOR UPDATE OF n SKIP LOCKED),
     candidates AS (
       SELECT c.id, bool_or(c.id <> head.id AND c.lease_until >= now() AND c.lease_owner <> $1) OVER (PARTITION BY head.id ORDER BY c.seq) AS blocked
       FROM head CROSS JOIN LATERAL (
         SELECT x.id, x.seq, x.lease_until, x.lease_owner FROM notifications x
         WHERE x.subscription_id = head.subscription_id AND x.state = 'pending' AND x.seq >= head.seq ORDER BY x.seq LIMIT $3) c),
     lane AS (
       UPDATE notifications u SET lease_owner = $1, lease_until = now() + $2 * interval '1 millisecond'
       WHERE u.id IN (SELECT id FROM candidates WHERE NOT blocked) AND u.state = 'pending'
       RETURNING u.*)
     SELECT lane.seq, lane.id, lane.subscription_id AS "subscriptionId", lane.kind, lane.attempts, lane.target, lane.payload,
            lane.created_at AS "createdAt", lane.give_up_at AS "giveUpAt", s.auth, (s.id IS NOT NULL) AS "subscriptionExists"
     FROM lane LEFT JOIN subscriptions s ON s.id = lane.subscription_id
     ORDER BY lane.seq`,
    [owner, leaseMs, batch, lanes],
  );
  const bySubscription = new Map<string, ClaimedLane>();
  for (const { seq: _seq, auth, subscriptionExists, ...row } of r.rows) {
    const id = row.subscriptionId as string;
    let lane = bySubscription.get(id);
    if (!lane) bySubscription.set(id, (lane = { rows: [], subscriptionId: id, subscriptionExists, auth }));
    lane.rows.push(row);
  }
  return [...bySubscription.values()];
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

/**
 * Records deliveries (one statement for a window of them: PGlite spends ~1.5 ms per statement
 * whatever it does). Fenced by the lease owner: returns the ids actually recorded; a missing id
 * was deleted with its subscription or taken over by another worker meanwhile.
 */
export async function markDelivered(db: Queryable, owner: string, items: { id: string; status: number; at: Date }[]): Promise<string[]> {
  if (items.length === 0) return [];
  const r = await db.query<{ id: string }>(
    `UPDATE notifications n SET state = 'delivered', attempts = n.attempts + 1, last_status = d.status, last_error = NULL,
       delivered_at = d.at, lease_owner = NULL, lease_until = NULL
     FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, status integer, at timestamptz)
     WHERE n.id = d.id AND n.lease_owner = $2 AND n.state = 'pending'
     RETURNING n.id`,
    [JSON.stringify(items), owner],
  );
  return r.rows.map((x) => x.id);
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

export interface NotificationRecordRow {
  id: string;
  subscriptionId: string | null;
  state: NotificationState;
  doc: Record<string, unknown>;
}

/** One row's record (the view), optionally locking the underlying row. */
export async function getNotification(db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<NotificationRecordRow | undefined> {
  if (opts.forUpdate) await db.query('SELECT 1 FROM notifications WHERE id = $1 FOR UPDATE', [id]);
  const r = await db.query<NotificationRecordRow>(
    `SELECT id, subscription_ref AS "subscriptionId", state, doc FROM notification_records WHERE id = $1`,
    [id],
  );
  return r.rows[0];
}

/**
 * Queues a row again with a fresh retry horizon. A finished row of a subscription moves to the
 * end of its lane (new `seq`) so that re-sending an old notification never blocks newer ones;
 * a pending row only becomes due now.
 */
export async function requeue(db: Queryable, id: string, horizonMs: number): Promise<boolean> {
  const r = await db.query(
    `UPDATE notifications SET
       seq = CASE WHEN state <> 'pending' AND subscription_id IS NOT NULL THEN nextval(pg_get_serial_sequence('notifications', 'seq')) ELSE seq END,
       state = 'pending', next_attempt_at = now(), give_up_at = clock_timestamp() + $2 * interval '1 millisecond',
       lease_owner = CASE WHEN state = 'pending' THEN lease_owner END,
       lease_until = CASE WHEN state = 'pending' THEN lease_until END
     WHERE id = $1`,
    [id, horizonMs],
  );
  return r.rowCount > 0;
}

/** Removes delivered and failed rows older than the retention period; returns how many. */
export async function purgeFinished(db: Queryable, olderThanMs: number): Promise<number> {
  const r = await db.query(`DELETE FROM notifications WHERE state <> 'pending' AND created_at < now() - $1 * interval '1 millisecond'`, [olderThanMs]);
  return r.rowCount;
}
