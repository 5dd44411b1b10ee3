import type { Queryable } from './db.js';
import type { VnfLcmOpOccDoc } from '../lcm/model.js';

// Repository of LCM operation occurrences: the durable unit of work of the lifecycle engine.

export const OP_OCCS_TABLE = 'vnf_lcm_op_occs';

export type PendingAction = 'run' | 'retry' | 'rollback';

export interface OpOccRow {
  doc: VnfLcmOpOccDoc;
  pending_action: PendingAction | null;
  lease_owner: string | null;
  attempts: number;
  progress: Record<string, unknown>;
}

export async function insertOpOcc(db: Queryable, doc: VnfLcmOpOccDoc, pending: PendingAction | null): Promise<void> {
  await db.query(
    `INSERT INTO vnf_lcm_op_occs (id, vnf_instance_id, operation, operation_state, pending_action, doc)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
    [doc.id, doc.vnfInstanceId, doc.operation, doc.operationState, pending, JSON.stringify(doc)],
  );
}

export async function getOpOcc(db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<OpOccRow | undefined> {
  const r = await db.query<OpOccRow>(
    `SELECT doc, pending_action, lease_owner, attempts, progress FROM vnf_lcm_op_occs WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return r.rows[0];
}

/** The unfinished occurrence of an instance (at most one: see the partial unique index). */
export async function activeOpOccOf(db: Queryable, instanceId: string): Promise<VnfLcmOpOccDoc | undefined> {
  const r = await db.query<{ doc: VnfLcmOpOccDoc }>(
    `SELECT doc FROM vnf_lcm_op_occs WHERE vnf_instance_id = $1
       AND operation_state IN ('STARTING', 'PROCESSING', 'ROLLING_BACK', 'FAILED_TEMP')`,
    [instanceId],
  );
  return r.rows[0]?.doc;
}

/**
 * Writes the document and the pending action. Fenced: when `owner` is given, only the lease
 * holder may write, so a worker whose lease expired (and was taken over) cannot clobber the new
 * owner's state. Returns false when the fence rejected the write.
 */
export async function saveOpOcc(
  db: Queryable,
  doc: VnfLcmOpOccDoc,
  opts: { pending: PendingAction | null; owner?: string; releaseLease?: boolean },
): Promise<boolean> {
  const r = await db.query(
    `UPDATE vnf_lcm_op_occs SET operation_state = $2, pending_action = $3, doc = $4::jsonb,
       lease_owner = CASE WHEN $5::boolean THEN NULL ELSE lease_owner END,
       lease_until = CASE WHEN $5::boolean THEN NULL ELSE lease_until END
     WHERE id = $1 AND ($6::text IS NULL OR lease_owner = $6::text)`,
    [doc.id, doc.operationState, opts.pending, JSON.stringify(doc), opts.releaseLease ?? false, opts.owner ?? null],
  );
  return r.rowCount > 0;
}

export async function saveProgress(db: Queryable, id: string, owner: string, progress: Record<string, unknown>): Promise<boolean> {
  const r = await db.query('UPDATE vnf_lcm_op_occs SET progress = $3::jsonb WHERE id = $1 AND lease_owner = $2', [id, owner, JSON.stringify(progress)]);
  return r.rowCount > 0;
}

/** A retry starts a fresh count of interrupted attempts. */
export async function resetAttempts(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE vnf_lcm_op_occs SET attempts = 0 WHERE id = $1', [id]);
}

/**
 * Claims the oldest occurrence with work to do whose lease is free or expired, in one statement:
 * SKIP LOCKED lets concurrent workers (in any process) pass over each other's candidates, and
 * the lease (owner + expiry) makes the claim survive the transaction; an expired lease means its
 * worker died, so the occurrence is taken over and resumed.
 */
export async function claimNextOpOcc(db: Queryable, owner: string, leaseMs: number): Promise<(OpOccRow & { resumed: boolean }) | undefined> {
  const r = await db.query<OpOccRow & { resumed: boolean }>(
    `WITH next AS (
       SELECT id, lease_owner IS NOT NULL AS resumed FROM vnf_lcm_op_occs
        WHERE pending_action IS NOT NULL AND (lease_until IS NULL OR lease_until <= now())
        ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
     UPDATE vnf_lcm_op_occs o SET lease_owner = $1, lease_until = now() + ($2::int * interval '1 millisecond'), attempts = o.attempts + 1
       FROM next WHERE o.id = next.id
     RETURNING o.doc, o.pending_action, o.lease_owner, o.attempts, o.progress, next.resumed`,
    [owner, leaseMs],
  );
  return r.rows[0];
}

export async function heartbeat(db: Queryable, id: string, owner: string, leaseMs: number): Promise<boolean> {
  const r = await db.query(
    `UPDATE vnf_lcm_op_occs SET lease_until = now() + ($3::int * interval '1 millisecond') WHERE id = $1 AND lease_owner = $2`,
    [id, owner, leaseMs],
  );
  return r.rowCount > 0;
}

/** Whether a cancel was requested while the occurrence ran (read between steps). */
export async function isCancelPending(db: Queryable, id: string): Promise<boolean> {
  const r = await db.query<{ c: boolean }>(`SELECT (doc->>'isCancelPending')::boolean AS c FROM vnf_lcm_op_occs WHERE id = $1`, [id]);
  return r.rows[0]?.c === true;
}
