import type { Queryable } from './db.js';

// OOF placement requests (0007): the row is the unit of work. Accepted rows are claimed with
// FOR UPDATE SKIP LOCKED and a lease (as op occurrences are), so any number of processes share
// the solving and a request whose process died is solved again once its lease expires.

export type RequestState = 'accepted' | 'pending' | 'completed' | 'failed';

export interface PlacementRequestRow {
  requestId: string;
  transactionId: string;
  state: RequestState;
  attempts: number;
  bodyHash: string;
  body: Record<string, unknown>;
  callbackHeader: Record<string, string> | null;
  doc: Record<string, unknown>;
}

const COLUMNS = `request_id AS "requestId", transaction_id AS "transactionId", state, attempts, body_hash AS "bodyHash", body,
  callback_header AS "callbackHeader", doc`;

/** Inserts unless the requestId exists; returns whether this call created it. */
export async function insertRequest(
  q: Queryable,
  r: { requestId: string; transactionId: string; state: RequestState; bodyHash: string; body: object; callbackHeader?: Record<string, string>; doc: object },
): Promise<boolean> {
  const res = await q.query(
    `INSERT INTO placement_requests (request_id, transaction_id, state, body_hash, body, callback_header, doc)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb) ON CONFLICT (request_id) DO NOTHING`,
    [r.requestId, r.transactionId, r.state, r.bodyHash, JSON.stringify(r.body), r.callbackHeader ? JSON.stringify(r.callbackHeader) : null, JSON.stringify(r.doc)],
  );
  return res.rowCount > 0;
}

export async function getRequest(q: Queryable, requestId: string): Promise<PlacementRequestRow | undefined> {
  const r = await q.query<PlacementRequestRow>(`SELECT ${COLUMNS} FROM placement_requests WHERE request_id = $1`, [requestId]);
  return r.rows[0];
}

/** The oldest request to solve whose lease is free or expired; its state becomes 'pending'. */
export async function claimRequest(q: Queryable, owner: string, leaseMs: number): Promise<PlacementRequestRow | undefined> {
  const r = await q.query<PlacementRequestRow>(
    `UPDATE placement_requests SET state = 'pending', attempts = attempts + 1, lease_owner = $1,
       lease_until = now() + $2 * interval '1 millisecond', updated_at = now(),
       doc = jsonb_set(doc, '{requestStatus}', '"pending"')
     WHERE request_id = (SELECT request_id FROM placement_requests
                         WHERE state IN ('accepted', 'pending') AND (lease_until IS NULL OR lease_until < now())
                         ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    [owner, leaseMs],
  );
  return r.rows[0];
}

export async function extendLease(q: Queryable, requestId: string, owner: string, leaseMs: number): Promise<boolean> {
  const r = await q.query(`UPDATE placement_requests SET lease_until = now() + $3 * interval '1 millisecond' WHERE request_id = $1 AND lease_owner = $2 AND state = 'pending'`, [requestId, owner, leaseMs]);
  return r.rowCount > 0;
}

/** Final state and document, fenced by the lease: false when another worker took the request over. */
export async function finishRequest(q: Queryable, requestId: string, owner: string, state: 'completed' | 'failed', doc: object): Promise<boolean> {
  const r = await q.query(
    `UPDATE placement_requests SET state = $3, doc = $4::jsonb, lease_owner = NULL, lease_until = NULL, updated_at = now()
     WHERE request_id = $1 AND lease_owner = $2 AND state = 'pending'`,
    [requestId, owner, state, JSON.stringify(doc)],
  );
  return r.rowCount > 0;
}

/** Gives a claimed request back untouched (the process is stopping). */
export async function releaseRequest(q: Queryable, requestId: string, owner: string): Promise<void> {
  await q.query(`UPDATE placement_requests SET lease_owner = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0) WHERE request_id = $1 AND lease_owner = $2 AND state = 'pending'`, [requestId, owner]);
}
