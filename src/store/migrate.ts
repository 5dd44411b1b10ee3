import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

// Numbered SQL files (NNNN_name.sql) applied in order, each recorded in mecano_migrations.
// All of them run in one transaction under a transaction-scoped advisory lock, so several
// processes starting at once apply each migration exactly once and never see half a schema.
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const ADVISORY_LOCK_KEY = 0x6d6563616e6f; // "mecano"

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const out: Migration[] = [];
  for (const f of files) {
    out.push({ id: Number(f.slice(0, 4)), name: f.replace(/\.sql$/, ''), sql: await readFile(dir + f, 'utf8') });
  }
  const ids = new Set<number>();
  for (const m of out) {
    if (ids.has(m.id)) throw new Error(`two migrations share the number ${m.id}`);
    ids.add(m.id);
  }
  return out;
}

export async function migrate(db: Db): Promise<string[]> {
  const migrations = await loadMigrations();
  return db.tx(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS mecano_migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ id: number }>('SELECT id FROM mecano_migrations')).rows.map((r) => Number(r.id)));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await db.exec(m.sql, tx);
      await tx.query('INSERT INTO mecano_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied.push(m.name);
    }
    return applied;
  });
}

/** Pending migration names; empty when the schema is current (used by the health check). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrations = await loadMigrations();
  const exists = await db.query<{ t: string | null }>("SELECT to_regclass('mecano_migrations')::text AS t");
  if (!exists.rows[0]?.t) return migrations.map((m) => m.name);
  const done = new Set((await db.query<{ id: number }>('SELECT id FROM mecano_migrations')).rows.map((r) => Number(r.id)));
  return migrations.filter((m) => !done.has(m.id)).map((m) => m.name);
}
