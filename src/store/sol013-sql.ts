// Compiles typed SOL013 filter terms (query/filter.ts) to a parameterised PostgreSQL condition over
// a table's `doc` jsonb column and the real columns named in QuerySpec.columns. The semantics are
// those of query/evaluate.ts; test/unit/query holds both to the same answers on PGlite and
// PostgreSQL. Every filter value and every attribute name travels as a bind parameter; the SQL
// text only ever contains our own constants, so nothing a client sends is spliced into it.
import type { TypedTerm } from '../query/filter.js';
import type { QuerySpec } from '../query/types.js';
import { DATE_TIME_PATTERN, isNumberLiteral } from '../query/values.js';

type PositiveOp = 'eq' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'cont';

const NEGATED: Partial<Record<TypedTerm['op'], PositiveOp>> = { neq: 'eq', nin: 'in', ncont: 'cont' };
const SQL_OP: Record<'gt' | 'gte' | 'lt' | 'lte', string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

class Params {
  readonly values: unknown[] = [];
  constructor(private readonly first: number) {}
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.first + this.values.length - 1}`;
  }
}

type Column = NonNullable<QuerySpec['columns']>[string];

const COLUMN_KINDS: Record<Column['type'], readonly TypedTerm['kind'][]> = {
  text: ['string', 'enum'],
  number: ['number'],
  timestamp: ['date-time'],
};

export function compileFilter(terms: TypedTerm[], spec: QuerySpec, firstParam: number): { sql: string; values: unknown[] } {
  const p = new Params(firstParam);
  if (terms.length === 0) return { sql: 'TRUE', values: [] };
  const parts = terms.map((t) => `(${compileTerm(t, columnFor(t, spec), p)})`);
  return { sql: parts.join(' AND '), values: p.values };
}

/** The real column that holds exactly this attribute, if the spec names one. */
function columnFor(t: TypedTerm, spec: QuerySpec): Column | undefined {
  if (t.nav !== 'direct' || t.mapKeys) return undefined;
  const column = spec.columns?.[t.path.join('/')];
  // A column must hold the kind of value the schema declares, or SQL and memory would disagree.
  if (column && !COLUMN_KINDS[column.type].includes(t.kind)) {
    throw new Error(`QuerySpec ${spec.resource}: column ${column.column} (${column.type}) cannot serve ${t.kind} attribute ${t.path.join('/')}`);
  }
  return column;
}

function compileTerm(t: TypedTerm, column: Column | undefined, p: Params): string {
  const positive = NEGATED[t.op];
  const op = positive ?? (t.op as PositiveOp);
  let cond: string;
  if (column) {
    // NULL (attribute absent) fails the positive test, so the negated operators match it.
    const col = quoteIdent(column.column);
    cond = `${col} IS NOT NULL AND (${t.values.map((x) => columnCompare(col, column.type, op, x, p)).join(' OR ')})`;
  } else if (t.nav === 'direct') {
    const e = `doc${t.path.map((name) => ` -> ${p.add(name)}::text`).join('')}`;
    cond = `COALESCE(${t.values.map((x) => valueCompare(e, t.kind, op, x, p)).join(' OR ')}, false)`;
    const hint = containmentHint(t, op, p);
    if (hint) cond = `(${hint}) AND ${cond}`;
  } else {
    const path = p.add(jsonPath(t.path, t.mapKeys === true));
    const any = t.values.map((x) => valueCompare('v.j', t.kind, op, x, p)).join(' OR ');
    cond = `EXISTS (SELECT 1 FROM jsonb_path_query(doc, ${path}::text::jsonpath) AS v(j) WHERE ${any})`;
  }
  return positive ? `NOT (${cond})` : cond;
}

const CONTAINABLE: readonly TypedTerm['kind'][] = ['string', 'enum', 'number', 'boolean'];

/** A SOL013 number literal ("+2", "007.5e3") as JSON text of the same numeric value. */
function jsonNumber(x: string): string {
  const m = /^([+-]?)0*([0-9]+?)((?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)$/.exec(x.trim());
  return m ? `${m[1] === '-' ? '-' : ''}${m[2]}${m[3]}` : 'null';
}

/**
 * For eq/in on a path through objects only, `doc @> {"a":{"b":value}}` holds exactly when the
 * exact test does, and a GIN (jsonb_path_ops) index on doc can answer it: a selective filter then
 * reads the matching rows instead of scanning the table in creation order. The exact test stays
 * beside it. Measured on 100 000 packages: see bench/ and the README.
 */
function containmentHint(t: TypedTerm, op: PositiveOp, p: Params): string | undefined {
  if ((op !== 'eq' && op !== 'in') || t.mapKeys || !CONTAINABLE.includes(t.kind)) return undefined;
  const leaf = (x: string) => (t.kind === 'number' ? jsonNumber(x) : t.kind === 'boolean' ? String(x === 'true') : JSON.stringify(x));
  const nest = (x: string) => t.path.reduceRight((inner, name) => `{${JSON.stringify(name)}:${inner}}`, leaf(x));
  return t.values.map((x) => `doc @> ${p.add(nest(x))}::jsonb`).join(' OR ');
}

/**
 * `lax $."a"[*]."b"[*]`: member access then one level of array unwrapping per step, exactly what
 * query/evaluate.ts `addressed` does. Map keys: objects only (keyvalue() raises on anything else).
 */
export function jsonPath(path: readonly string[], mapKeys: boolean): string {
  const steps = path.map((name) => `.${jsonPathString(name)}[*]`).join('');
  return `lax $${steps}${mapKeys ? ' ? (@.type() == "object").keyvalue()."key"' : ''}`;
}

function jsonPathString(name: string): string {
  const body = name.replace(/["\\\u0000-\u001f\u007f]/g, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${body}"`;
}

function textCompare(text: string, op: PositiveOp, x: string, p: Params): string {
  if (op === 'cont') return `strpos(${text}, ${p.add(x)}::text) > 0`;
  if (op === 'eq' || op === 'in') return `${text} = ${p.add(x)}::text`;
  return `${text} COLLATE "C" ${SQL_OP[op]} ${p.add(x)}::text`;
}

function numberCompare(num: string, op: PositiveOp, x: string, p: Params): string {
  return `${num} ${op === 'eq' || op === 'in' ? '=' : SQL_OP[op as keyof typeof SQL_OP]} ${p.add(x)}::text::numeric`;
}

/** The comparison of one jsonb value `e` with filter value `x`; false (never NULL, never an error) on type mismatch. */
function valueCompare(e: string, kind: TypedTerm['kind'], op: PositiveOp, x: string, p: Params): string {
  const isString = `jsonb_typeof(${e}) = 'string'`;
  switch (kind) {
    case 'string':
    case 'enum':
    case 'key':
      return `(${isString} AND ${textCompare(`(${e} #>> '{}')`, op, x, p)})`;
    case 'number':
      return `CASE WHEN jsonb_typeof(${e}) = 'number' THEN ${numberCompare(`(${e})::numeric`, op, x, p)} ELSE false END`;
    case 'boolean':
      return `(${e} = to_jsonb(${p.add(x)}::text::boolean))`;
    case 'date-time':
      return `CASE WHEN ${isString} THEN ${dateTimeCompare(`(${e} #>> '{}')`, op, x, p)} ELSE false END`;
    case 'dynamic':
      return dynamicCompare(e, op, x, p);
  }
}

/**
 * Casts only strings that are valid RFC 3339 date-times (the same test as values.parseDateTime),
 * so a malformed stored value cannot abort the query. Nested CASEs fix the evaluation order.
 */
function dateTimeCompare(s: string, op: PositiveOp, x: string, p: Params): string {
  const sqlOp = op === 'eq' || op === 'in' ? '=' : SQL_OP[op as keyof typeof SQL_OP];
  const dayFits = `extract(month from (substr(${s}, 1, 8) || '01')::date + (substr(${s}, 9, 2)::int - 1)) = substr(${s}, 6, 2)::int`;
  const cmp = `${s}::timestamptz ${sqlOp} ${p.add(x)}::text::timestamptz`;
  return `CASE WHEN ${s} ~ '${DATE_TIME_PATTERN}' THEN CASE WHEN ${dayFits} THEN ${cmp} ELSE false END ELSE false END`;
}

function dynamicCompare(e: string, op: PositiveOp, x: string, p: Params): string {
  const alts = [`(jsonb_typeof(${e}) = 'string' AND ${textCompare(`(${e} #>> '{}')`, op, x, p)})`];
  if (op !== 'cont' && isNumberLiteral(x)) {
    alts.push(`CASE WHEN jsonb_typeof(${e}) = 'number' THEN ${numberCompare(`(${e})::numeric`, op, x, p)} ELSE false END`);
  }
  if ((op === 'eq' || op === 'in') && (x === 'true' || x === 'false')) alts.push(`${e} = to_jsonb(${p.add(x)}::text::boolean)`);
  return `(${alts.join(' OR ')})`;
}

function columnCompare(col: string, type: 'text' | 'number' | 'timestamp', op: PositiveOp, x: string, p: Params): string {
  if (type === 'text') return textCompare(col, op, x, p);
  if (type === 'number') return numberCompare(col, op, x, p);
  const sqlOp = op === 'eq' || op === 'in' ? '=' : SQL_OP[op as keyof typeof SQL_OP];
  return `${col} ${sqlOp} ${p.add(x)}::text::timestamptz`;
}

/** Quotes an identifier we own (a table or column from code, never from a request). */
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}
