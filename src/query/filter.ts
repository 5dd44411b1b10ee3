// SOL013 5.2 filters: parsing (filter-parse.ts) and type checking of each term against the
// resource's schema. The typed terms drive both the SQL compiler (store/sol013-sql.ts) and the
// in-memory evaluator (evaluate.ts).
import { filterError, type FilterOp, type FilterTerm } from './filter-parse.js';
import { walk } from './schema-path.js';
import type { QuerySpec } from './types.js';
import { isNumberLiteral, parseDateTime } from './values.js';

export { parseFilter, type FilterOp, type FilterTerm } from './filter-parse.js';

/**
 * How values are compared. 'dynamic' = untyped JSON (open maps such as userDefinedData): the type
 * is taken from the stored value at run time. 'key' = the keys of a map ('@key'), strings.
 */
export type ValueKind = 'string' | 'enum' | 'date-time' | 'number' | 'boolean' | 'dynamic' | 'key';

export interface TypedTerm extends FilterTerm {
  kind: ValueKind;
  /**
   * 'direct': the path crosses no array and no untyped value, so it addresses at most one scalar;
   * 'lax': arrays anywhere along the path (schema-declared or found at run time) are searched.
   */
  nav: 'direct' | 'lax';
}

const ORDERED: readonly FilterOp[] = ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte'];
const ALL: readonly FilterOp[] = [...ORDERED, 'cont', 'ncont'];

// SOL013 table 5.2.2-2: operators per data type.
const OPS_BY_KIND: Record<ValueKind, readonly FilterOp[]> = {
  string: ALL,
  key: ALL,
  dynamic: ALL,
  number: ORDERED,
  'date-time': ORDERED,
  enum: ['eq', 'neq', 'in', 'nin'],
  boolean: ['eq', 'neq'],
};

export function checkFilter(terms: FilterTerm[], spec: QuerySpec): TypedTerm[] {
  return terms.map((t) => checkTerm(t, spec));
}

function checkTerm(t: FilterTerm, spec: QuerySpec): TypedTerm {
  const fail = (reason: string) => filterError(t.position, t.text, reason);
  const shown = t.path.join('/');
  const step = walk(spec.schema, t.path);
  if (!step.ok) throw fail(`${step.reason} in ${spec.resource}`);
  let kind: ValueKind;
  let enumValues: string[] | undefined;
  const node = step.node;
  if (t.mapKeys) {
    if (node.kind !== 'object' && node.kind !== 'dynamic') throw fail(`'@key' applies to maps, "${shown}" is not one`);
    kind = 'key';
  } else if (node.kind === 'object') {
    throw fail(`"${shown}" is a structured attribute; filter on one of its attributes`);
  } else if (node.kind === 'null') {
    throw fail(`"${shown}" cannot be filtered`);
  } else if (node.kind === 'string') {
    kind = node.dateTime ? 'date-time' : node.enum ? 'enum' : 'string';
    enumValues = node.enum;
  } else {
    kind = node.kind === 'array' ? 'dynamic' : node.kind;
  }
  if (!OPS_BY_KIND[kind].includes(t.op)) {
    throw fail(`operator ${t.op} does not apply to ${kind === 'key' ? 'map keys' : `${kind} attribute "${shown}"`}`);
  }
  for (const v of t.values) checkValue(kind, v, enumValues, (r) => fail(`${r} for "${shown}"`));
  const nav = step.crossedArray || step.dynamic || kind === 'dynamic' || kind === 'key' ? 'lax' : 'direct';
  return { ...t, kind, nav };
}

function checkValue(kind: ValueKind, v: string, enumValues: string[] | undefined, fail: (r: string) => Error): void {
  switch (kind) {
    case 'number':
      if (!isNumberLiteral(v)) throw fail(`${JSON.stringify(v)} is not a number`);
      return;
    case 'boolean':
      if (v !== 'true' && v !== 'false') throw fail(`${JSON.stringify(v)} is not a boolean (true or false)`);
      return;
    case 'date-time':
      if (parseDateTime(v) === null) throw fail(`${JSON.stringify(v)} is not an RFC 3339 date-time with offset`);
      return;
    case 'enum':
      if (!enumValues?.includes(v)) throw fail(`${JSON.stringify(v)} is not one of ${enumValues?.join(', ')}`);
      return;
    default:
      return;
  }
}
