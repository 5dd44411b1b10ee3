import type { Queryable } from './db.js';

// The candidate inventory's rows: the `vims` table with its `kind` column (0007), so VIMs that
// the lifecycle engine runs VNFs on and MEC hosts registered by the MEC orchestrator are one
// inventory. src/store/vims.ts keeps the engine's narrow view (get, default).

export type CandidateKind = 'vim' | 'mec-host';

export interface InventoryRow {
  id: string;
  kind: CandidateKind;
  isDefault: boolean;
  doc: Record<string, unknown> & { id: string; name: string; vimType: string };
}

const COLUMNS = `id, kind, is_default AS "isDefault", doc`;

export async function insertInventoryRow(q: Queryable, row: { id: string; kind: CandidateKind; vimType: string; doc: object }): Promise<void> {
  await q.query('INSERT INTO vims (id, kind, vim_type, doc) VALUES ($1, $2, $3, $4::jsonb)', [row.id, row.kind, row.vimType, JSON.stringify(row.doc)]);
}

export async function getInventoryRow(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<InventoryRow | undefined> {
  const r = await q.query<InventoryRow>(`SELECT ${COLUMNS} FROM vims WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0];
}

export async function updateInventoryRow(q: Queryable, row: { id: string; kind: CandidateKind; vimType: string; doc: object }): Promise<void> {
  await q.query('UPDATE vims SET kind = $2, vim_type = $3, doc = $4::jsonb WHERE id = $1', [row.id, row.kind, row.vimType, JSON.stringify(row.doc)]);
}

export async function deleteInventoryRow(q: Queryable, id: string): Promise<boolean> {
  const r = await q.query('DELETE FROM vims WHERE id = $1 AND NOT is_default', [id]);
  return r.rowCount > 0;
}

/** Every row of the given kinds (all when absent), in id order (the solver sorts by id anyway). */
export async function inventoryRows(q: Queryable, kinds?: readonly CandidateKind[]): Promise<InventoryRow[]> {
  const r = kinds
    ? await q.query<InventoryRow>(`SELECT ${COLUMNS} FROM vims WHERE kind = ANY($1::text[]) ORDER BY id`, [kinds])
    : await q.query<InventoryRow>(`SELECT ${COLUMNS} FROM vims ORDER BY id`);
  return r.rows;
}

/** Instances whose resources are on this VIM (a VIM in use cannot be deleted). */
export async function instancesOnVim(q: Queryable, id: string): Promise<number> {
  const r = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM vnf_instances WHERE resources ->> 'vimId' = $1`, [id]);
  return Number(r.rows[0]?.n ?? 0);
}
