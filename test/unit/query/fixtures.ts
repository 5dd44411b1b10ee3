// Shared test schema, table and generators for the SOL013 query-layer tests.
import { Type } from '@sinclair/typebox';
import fc from 'fast-check';
import type { ValueKind } from '../../../src/query/filter.js';
import type { QuerySpec } from '../../../src/query/types.js';
import type { Queryable } from '../../../src/store/db.js';
import { parseDateTime } from '../../../src/query/values.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

export const WEIRD = 'we,ird/na~me@';

const Image = Type.Object({
  name: Type.String(),
  size: Type.Optional(Type.Integer()),
  tags: Type.Optional(Type.Array(Type.String())),
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
});

export const TestDoc = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  state: Type.Union([Type.Literal('ENABLED'), Type.Literal('DISABLED')]),
  count: Type.Optional(Type.Number()),
  flag: Type.Optional(Type.Boolean()),
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
  nested: Type.Optional(
    Type.Object({
      label: Type.Optional(Type.String()),
      level: Type.Optional(Type.Integer()),
      when: Type.Optional(Type.String({ format: 'date-time' })),
      deep: Type.Optional(Type.Object({ [WEIRD]: Type.Optional(Type.String()) })),
    }),
  ),
  images: Type.Optional(Type.Array(Image)),
  labels: Type.Optional(Type.Array(Type.String())),
  userDefinedData: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  metadata: Type.Optional(Type.Object({}, { additionalProperties: true })),
  _links: Type.Object({ self: Type.Object({ href: Type.String() }) }),
});

export const specWithColumns: QuerySpec = {
  resource: 'TestDoc',
  schema: TestDoc,
  columns: {
    state: { column: 'state', type: 'text' },
    count: { column: 'cnt', type: 'number' },
    createdAt: { column: 'created_at', type: 'timestamp' },
  },
  defaultExcluded: ['images', 'userDefinedData', 'metadata'],
};
export const specDocOnly: QuerySpec = { ...specWithColumns, columns: undefined };

export const TABLE = 'qdocs';

export async function createTable(db: Queryable): Promise<void> {
  await db.query(`CREATE TABLE ${TABLE} (
    id uuid PRIMARY KEY, seq bigserial NOT NULL UNIQUE,
    state text, cnt numeric, created_at timestamptz, tenant text,
    doc jsonb NOT NULL)`);
}

/** Inserts documents in order; the columns mirror the document as a repository would fill them. */
export async function insertDocs(db: Queryable, docs: readonly object[], tenant: string | null = null): Promise<void> {
  if (docs.length === 0) return;
  await db.query(
    `INSERT INTO ${TABLE} (id, state, cnt, created_at, tenant, doc)
     SELECT (d->>'id')::uuid, d->>'state', (d->>'count')::numeric, (d->>'createdAt')::timestamptz, $2, d
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(d, n) ORDER BY n`,
    [JSON.stringify(docs), tenant],
  );
}

export function uuidFor(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** PGlite always; PostgreSQL unless MECANO_TEST_DB=pglite. */
export const BACKENDS: { kind: 'pglite' | 'postgres'; skip: boolean }[] = [
  { kind: 'pglite', skip: false },
  { kind: 'postgres', skip: process.env.MECANO_TEST_DB === 'pglite' },
];

export async function openDb(kind: 'pglite' | 'postgres'): Promise<TestDb> {
  const t = await openTestDb(kind);
  await createTable(t.db);
  return t;
}

// ---- generators -------------------------------------------------------------------------------

const CHARS = ['a', 'b', 'A', 'é', '😀', '\uE000', ',', "'", ')', '(', ';', '/', '~', '@', ' ', '%', '"', '\\', '\n', '0', '1', '.', '-'];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 4 }).map((a) => a.join(''));
export const STR = fc.oneof(fc.constantFrom('', 'a', 'ab', 'b', "a'b", 'x,y', 'p)q', '😀', '\uE000', 'A', '10', '9'), text);

const numberArb = fc.oneof(
  fc.constantFrom(-1, 0, 1, 2, 0.1, 0.3, 1e21, 2.5, -1.5, 5e-324),
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
export const NUM = numberArb;
export const NUM_TEXT = fc.oneof(
  numberArb.map((n) => JSON.stringify(n)),
  fc.constantFrom('1.0', '0.30000000000000001', '1e21', '-0', '+2', '2.50', '1E-7', '007'),
);

const dateTimeArb = fc
  .record({
    y: fc.constantFrom(1, 99, 1970, 2024, 9999),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.constantFrom(1, 28, 29, 30, 31),
    h: fc.constantFrom(0, 1, 23),
    mi: fc.constantFrom(0, 59),
    s: fc.constantFrom(0, 59),
    frac: fc.constantFrom('', '.0', '.000', '.5', '.999999', '.0000005', '.0000015', '.1234565', '.999999999'),
    off: fc.constantFrom('Z', '+00:00', '+01:00', '-01:00', '+15:59', '-05:30'),
  })
  .map(({ y, mo, d, h, mi, s, frac, off }) => {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${frac}${off}`;
  });
export const VALID_DT = fc.oneof(
  fc.constantFrom('2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000Z', '2024-01-01T01:00:00+01:00', '2023-12-31T23:59:59.9999995Z'),
  dateTimeArb.filter((s) => parseDateTime(s) !== null),
);
export const ANY_DT = fc.oneof(
  VALID_DT,
  dateTimeArb,
  fc.constantFrom('2024-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2024-01-01T00:00:00', '2024-01-01T24:00:00Z', 'yesterday', '2024-01-01t00:00:00z'),
);

/** Keys usable in filter paths (SOL013 has no escape for '(' or ')'). */
export const KEY = fc.constantFrom('k', 'x', 'a,b', 'we"ird', 'sl/ash', '@key', 'til~de', 'é', 'back\\slash', 'ctl\u0001');
const DOC_KEY = fc.oneof(KEY, fc.constant('p)q'));

const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    STR,
    NUM,
    fc.boolean(),
    fc.constant(null),
    ANY_DT,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(DOC_KEY, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const docBody = fc.record(
  {
    name: STR,
    state: fc.constantFrom('ENABLED', 'DISABLED'),
    count: NUM,
    flag: fc.boolean(),
    createdAt: VALID_DT,
    nested: fc.record(
      { label: STR, level: fc.integer({ min: -2, max: 2 }), when: ANY_DT, deep: fc.record({ [WEIRD]: STR }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    ),
    images: fc.array(
      fc.record({ name: STR, size: fc.integer({ min: -2, max: 2 }), tags: fc.array(STR, { maxLength: 3 }), createdAt: ANY_DT }, { requiredKeys: ['name'] }),
      { maxLength: 3 },
    ),
    labels: fc.array(STR, { maxLength: 3 }),
    userDefinedData: fc.dictionary(DOC_KEY, json, { maxKeys: 3 }),
    metadata: fc.dictionary(DOC_KEY, json, { maxKeys: 3 }),
  },
  { requiredKeys: ['state'] },
);

/** Random documents of TestDoc, as the API would store them (JSON round-tripped). */
export const DOCS = fc.array(docBody, { maxLength: 12 }).map((bodies) =>
  bodies.map((b, i) => JSON.parse(JSON.stringify({ id: uuidFor(i + 1), ...b, _links: { self: { href: `/x/${i + 1}` } } })) as Record<string, unknown>),
);

// ---- random filters ---------------------------------------------------------------------------

export interface GenTerm {
  op: string;
  path: string[];
  mapKeys: boolean;
  values: string[];
  quoteAll: boolean;
}

const OPS: Record<ValueKind, string[]> = {
  string: ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'cont', 'ncont'],
  key: ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'cont', 'ncont'],
  dynamic: ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'cont', 'ncont'],
  number: ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte'],
  'date-time': ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte'],
  enum: ['eq', 'neq', 'in', 'nin'],
  boolean: ['eq', 'neq'],
};

const DYN_VALUE = fc.oneof(STR, NUM_TEXT, fc.constantFrom('true', 'false', 'null'), VALID_DT);

const pathGens: fc.Arbitrary<{ path: string[]; mapKeys: boolean; kind: ValueKind; value: fc.Arbitrary<string> }>[] = [
  fc.constant({ path: ['name'], mapKeys: false, kind: 'string' as const, value: STR }),
  fc.constant({ path: ['id'], mapKeys: false, kind: 'string' as const, value: fc.constantFrom(uuidFor(1), uuidFor(2), 'x') }),
  fc.constant({ path: ['state'], mapKeys: false, kind: 'enum' as const, value: fc.constantFrom('ENABLED', 'DISABLED') }),
  fc.constant({ path: ['count'], mapKeys: false, kind: 'number' as const, value: NUM_TEXT }),
  fc.constant({ path: ['flag'], mapKeys: false, kind: 'boolean' as const, value: fc.constantFrom('true', 'false') }),
  fc.constant({ path: ['createdAt'], mapKeys: false, kind: 'date-time' as const, value: VALID_DT }),
  fc.constant({ path: ['nested', 'label'], mapKeys: false, kind: 'string' as const, value: STR }),
  fc.constant({ path: ['nested', 'level'], mapKeys: false, kind: 'number' as const, value: NUM_TEXT }),
  fc.constant({ path: ['nested', 'when'], mapKeys: false, kind: 'date-time' as const, value: VALID_DT }),
  fc.constant({ path: ['nested', 'deep', WEIRD], mapKeys: false, kind: 'string' as const, value: STR }),
  fc.constant({ path: ['images', 'name'], mapKeys: false, kind: 'string' as const, value: STR }),
  fc.constant({ path: ['images', 'size'], mapKeys: false, kind: 'number' as const, value: NUM_TEXT }),
  fc.constant({ path: ['images', 'tags'], mapKeys: false, kind: 'string' as const, value: STR }),
  fc.constant({ path: ['images', 'createdAt'], mapKeys: false, kind: 'date-time' as const, value: VALID_DT }),
  fc.constant({ path: ['labels'], mapKeys: false, kind: 'string' as const, value: STR }),
  KEY.map((k) => ({ path: ['userDefinedData', k], mapKeys: false, kind: 'dynamic' as const, value: DYN_VALUE })),
  fc.tuple(KEY, KEY).map(([a, b]) => ({ path: ['userDefinedData', a, b], mapKeys: false, kind: 'dynamic' as const, value: DYN_VALUE })),
  KEY.map((k) => ({ path: ['metadata', k], mapKeys: false, kind: 'dynamic' as const, value: DYN_VALUE })),
  fc.constant({ path: ['userDefinedData'], mapKeys: true, kind: 'key' as const, value: KEY }),
  KEY.map((k) => ({ path: ['metadata', k], mapKeys: true, kind: 'key' as const, value: KEY })),
];

export const TERM: fc.Arbitrary<GenTerm> = fc.oneof(...pathGens).chain((g) =>
  fc.constantFrom(...OPS[g.kind]).chain((op) =>
    fc.record({
      op: fc.constant(op),
      path: fc.constant(g.path),
      mapKeys: fc.constant(g.mapKeys),
      values: fc.array(g.value, { minLength: 1, maxLength: ['in', 'nin', 'cont', 'ncont'].includes(op) ? 3 : 1 }),
      quoteAll: fc.boolean(),
    }),
  ),
);

export const FILTER = fc.array(TERM, { minLength: 1, maxLength: 3 });

function escapeName(n: string): string {
  return n.replace(/~/g, '~0').replace(/\//g, '~1').replace(/,/g, '~a').replace(/@/g, '~b');
}

function formatValue(v: string, quoteAll: boolean): string {
  return quoteAll || v === '' || /[',)]/.test(v) ? `'${v.replace(/'/g, "''")}'` : v;
}

export function formatTerm(t: GenTerm): string {
  const path = [...t.path.map(escapeName), ...(t.mapKeys ? ['@key'] : [])].join('/');
  return `(${t.op},${path},${t.values.map((v) => formatValue(v, t.quoteAll)).join(',')})`;
}

export function formatFilter(terms: GenTerm[]): string {
  return terms.map(formatTerm).join(';');
}
