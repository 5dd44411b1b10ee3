// One SOL013 list query over a resource table (id uuid, seq bigserial UNIQUE, doc jsonb, optional
// columns): filter compiled to SQL, attribute selectors applied to each document, keyset paging on
// `seq` (never OFFSET, so rows inserted between two pages neither shift nor repeat older rows).
import { createHash } from 'node:crypto';
import { checkFilter, parseFilter, type TypedTerm } from '../query/filter.js';
import { decodeMarker, encodeMarker } from '../query/paging.js';
import { applySelector, parseSelectors } from '../query/selectors.js';
import type { ListQuery, QuerySpec } from '../query/types.js';
import type { Queryable } from './db.js';
import { compileFilter, quoteIdent } from './sol013-sql.js';

export interface ListOptions {
  table: string;
  spec: QuerySpec;
  query: ListQuery;
  /** Rows per page (≥ 1); one more row is read to know whether a next page exists. */
  pageSize: number;
  /** HMAC key of paging markers (shared by every process serving the same database). */
  markerKey: Buffer;
  /** Extra fixed condition written with $1..$n (e.g. tenant scoping); ANDed with the filter. */
  where?: { sql: string; values: unknown[] };
  /** Lifetime of a paging marker; default 3600. */
  markerTtlSeconds?: number;
}

/** Binds a marker to this exact query: table, fixed condition, filter and selectors. */
function queryHash(opts: ListOptions): string {
  const q = opts.query;
  const canonical = JSON.stringify([
    opts.table,
    opts.where?.sql ?? null,
    (opts.where?.values ?? []).map((v) => (typeof v === 'bigint' ? v.toString() : v)),
    q.filter ?? null,
    q.all_fields !== undefined,
    q.fields ?? null,
    q.exclude_fields ?? null,
    q.exclude_default !== undefined,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

function checkWhere(where: { sql: string; values: unknown[] }): void {
  const used = [...where.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
  if (used.some((n) => n < 1 || n > where.values.length)) {
    throw new Error(`list where clause uses parameters beyond its ${where.values.length} values: ${where.sql}`);
  }
}

export async function listDocuments<T = unknown>(db: Queryable, opts: ListOptions): Promise<{ items: Partial<T>[]; nextMarker?: string }> {
  const { spec, query, pageSize } = opts;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new TypeError(`pageSize must be a positive integer, got ${pageSize}`);
  // Validate everything the client sent before touching the database: filter, selectors, marker.
  const terms: TypedTerm[] = query.filter === undefined ? [] : checkFilter(parseFilter(query.filter), spec);
  const selector = parseSelectors(query, spec);
  const hash = queryHash(opts);
  const after = query.nextpage_opaque_marker === undefined ? undefined : decodeMarker(opts.markerKey, query.nextpage_opaque_marker, hash).seq;

  // The fixed condition keeps its own $1..$n; the filter and the keyset bound are numbered after it.
  const values: unknown[] = [];
  const conds: string[] = [];
  if (opts.where) {
    checkWhere(opts.where);
    conds.push(`(${opts.where.sql})`);
    values.push(...opts.where.values);
  }
  if (terms.length > 0) {
    const f = compileFilter(terms, spec, values.length + 1);
    conds.push(f.sql);
    values.push(...f.values);
  }
  if (after !== undefined) {
    values.push(after);
    conds.push(`seq > $${values.length}`);
  }
  values.push(pageSize + 1);
  const sql =
    `SELECT seq, doc FROM ${quoteIdent(opts.table)}` +
    (conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '') +
    ` ORDER BY seq LIMIT $${values.length}`;
  const { rows } = await db.query<{ seq: number | string | bigint; doc: T }>(sql, values);

  const page = rows.slice(0, pageSize);
  const items = page.map((r) => applySelector(r.doc, selector));
  if (rows.length <= pageSize) return { items };
  const last = Number(page[page.length - 1]!.seq);
  const exp = Math.floor(Date.now() / 1000) + (opts.markerTtlSeconds ?? 3600);
  return { items, nextMarker: encodeMarker(opts.markerKey, { seq: last, filterHash: hash, exp }) };
}
