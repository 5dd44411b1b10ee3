import { randomBytes } from 'node:crypto';
import type { Queryable } from './db.js';

/** A random secret shared by every process on the database (created once, race-free). */
export async function sharedSecret(db: Queryable, key: string): Promise<Buffer> {
  await db.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, randomBytes(32).toString('base64')]);
  const r = await db.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
  return Buffer.from(r.rows[0].value, 'base64');
}
