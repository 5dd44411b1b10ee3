import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';

// int8 (bigserial sequence numbers, counts) as JS numbers: our values stay far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  // An idle client's socket error must not crash the process; the pool replaces the client.
  pool.on('error', () => {});
  const c = await pool.connect();
  c.release();
  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(text: string, values?: unknown[]): Promise<QueryResult<T>> {
      const r = await q.query(text, values);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
    },
    async execMany(sql: string) {
      // Several statements go through the simple query protocol; pg returns one result each.
      await q.query(sql);
    },
  });
  const root = wrap(pool);
  return {
    kind: 'postgres',
    query: root.query,
    execMany: root.execMany,
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async exec(sql, tx) {
      await (tx ?? root).execMany!(sql);
    },
    async close() {
      await pool.end();
    },
  };
}
