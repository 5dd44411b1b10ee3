import type { Queryable } from './db.js';

// Repository of VIM records (/mecano/v1/vims): where instances can run.

export const VIMS_TABLE = 'vims';

export interface VimDoc {
  id: string;
  name: string;
  vimType: string;
  isDefault?: boolean;
  [attr: string]: unknown;
}

export async function insertVim(db: Queryable, doc: VimDoc): Promise<void> {
  await db.query('INSERT INTO vims (id, vim_type, is_default, doc) VALUES ($1, $2, $3, $4::jsonb)', [doc.id, doc.vimType, doc.isDefault ?? false, JSON.stringify(doc)]);
}

export async function getVim(db: Queryable, id: string): Promise<VimDoc | undefined> {
  const r = await db.query<{ doc: VimDoc }>('SELECT doc FROM vims WHERE id = $1', [id]);
  return r.rows[0]?.doc;
}

export async function getDefaultVim(db: Queryable): Promise<VimDoc | undefined> {
  const r = await db.query<{ doc: VimDoc }>('SELECT doc FROM vims WHERE is_default');
  return r.rows[0]?.doc;
}

export async function updateVim(db: Queryable, doc: VimDoc): Promise<void> {
  await db.query('UPDATE vims SET vim_type = $2, doc = $3::jsonb WHERE id = $1', [doc.id, doc.vimType, JSON.stringify(doc)]);
}

export async function deleteVim(db: Queryable, id: string): Promise<boolean> {
  const r = await db.query('DELETE FROM vims WHERE id = $1 AND NOT is_default', [id]);
  return r.rowCount > 0;
}

/** Creates the default local VIM once (race-free across processes). */
export async function ensureDefaultVim(db: Queryable, doc: VimDoc): Promise<VimDoc> {
  await db.query(
    `INSERT INTO vims (id, vim_type, is_default, doc) VALUES ($1, $2, true, $3::jsonb) ON CONFLICT DO NOTHING`,
    [doc.id, doc.vimType, JSON.stringify({ ...doc, isDefault: true })],
  );
  return (await getDefaultVim(db)) as VimDoc;
}
