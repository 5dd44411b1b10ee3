import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.js';

// Embedded PostgreSQL (WASM). One connection: PGlite serialises every query and transaction
// behind one mutex, so a plain query waits while a transaction is open. That is why `tx` hands
// out its own handle and domain code must use it inside a transaction.
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  const pg = dataDir ? new PGlite(dataDir) : new PGlite();
  await pg.waitReady;
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }): Queryable => ({
    async query<T>(text: string, values?: unknown[]): Promise<QueryResult<T>> {
      const r = await q.query<T>(text, values as unknown[] | undefined);
      // PGlite reports affectedRows 0 for a SELECT: count the rows then.
      return { rows: r.rows, rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) };
    },
    async execMany(sql: string) {
      await q.exec(sql);
    },
  });
  const root = wrap(pg);
  return {
    kind: 'pglite',
    query: root.query,
    execMany: root.execMany,
    async tx(fn) {
      return pg.transaction((t) => fn(wrap(t)));
    },
    async exec(sql, tx) {
      await (tx ?? root).execMany!(sql);
    },
    async close() {
      await pg.close();
    },
  };
}
