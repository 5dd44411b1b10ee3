// The in-memory reference evaluator of SOL013 filters. store/sol013-sql.ts compiles the same
// semantics to SQL; property tests hold the two to the same answers on random documents.
//
// Semantics (SOL013 5.2.2):
// - A path into an array addresses every element; eq/in/gt/.../cont hold when at least one
//   addressed value matches. neq/nin/ncont are their negations: they hold when no value matches,
//   which includes a document that lacks the attribute.
// - Navigation follows PostgreSQL's lax jsonpath `$."a"[*]."b"[*]`: each step reads the member of
//   an object, or of every object directly inside an array, then unwraps one array level.
// - Only scalars are compared; a value of another JSON type than the term's kind never matches.
import type { TypedTerm } from './filter.js';
import { compareCodePoints, compareDecimal, isNumberLiteral, numberText, parseDateTime } from './values.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function member(node: unknown, name: string): unknown[] {
  const from = Array.isArray(node) ? node : [node];
  const out: unknown[] = [];
  for (const n of from) if (isObj(n) && Object.prototype.hasOwnProperty.call(n, name)) out.push(n[name]);
  return out;
}

/** The values a term's path addresses in `doc`. */
export function addressed(doc: unknown, t: Pick<TypedTerm, 'path' | 'mapKeys'>): unknown[] {
  let nodes: unknown[] = [doc];
  for (const name of t.path) {
    nodes = nodes.flatMap((n) => member(n, name)).flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  if (!t.mapKeys) return nodes;
  return nodes.flatMap((n) => (Array.isArray(n) ? n : [n])).flatMap((n) => (isObj(n) ? Object.keys(n) : []));
}

export function matchesFilter(doc: unknown, terms: TypedTerm[]): boolean {
  return terms.every((t) => matchesTerm(doc, t));
}

const NEGATED: Partial<Record<TypedTerm['op'], TypedTerm['op']>> = { neq: 'eq', nin: 'in', ncont: 'cont' };

export function matchesTerm(doc: unknown, t: TypedTerm): boolean {
  const positive = NEGATED[t.op];
  const op = positive ?? t.op;
  const hit = addressed(doc, t).some((v) => t.values.some((x) => compare(v, op, x, t.kind)));
  return positive ? !hit : hit;
}

type PositiveOp = 'eq' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'cont';

function ordered(c: number, op: PositiveOp): boolean {
  switch (op) {
    case 'eq':
    case 'in':
      return c === 0;
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
    default:
      return false;
  }
}

function compare(v: unknown, opIn: TypedTerm['op'], x: string, kind: TypedTerm['kind']): boolean {
  const op = opIn as PositiveOp;
  switch (kind) {
    case 'string':
    case 'enum':
    case 'key':
      return typeof v === 'string' && compareText(v, op, x);
    case 'number':
      return typeof v === 'number' && ordered(compareDecimal(numberText(v), x), op);
    case 'boolean':
      return typeof v === 'boolean' && String(v) === x;
    case 'date-time': {
      if (typeof v !== 'string') return false;
      const at = parseDateTime(v);
      const ref = parseDateTime(x);
      return at !== null && ref !== null && ordered(at === ref ? 0 : at < ref ? -1 : 1, op);
    }
    case 'dynamic':
      return compareDynamic(v, op, x);
  }
}

function compareText(v: string, op: PositiveOp, x: string): boolean {
  return op === 'cont' ? v.includes(x) : ordered(compareCodePoints(v, x), op);
}

/**
 * Untyped values: strings compare as text, numbers numerically when the filter value is a number,
 * booleans only for equality with 'true'/'false'; null, objects and arrays never match.
 */
function compareDynamic(v: unknown, op: PositiveOp, x: string): boolean {
  if (typeof v === 'string') return compareText(v, op, x);
  if (typeof v === 'number') return op !== 'cont' && isNumberLiteral(x) && ordered(compareDecimal(numberText(v), x), op);
  if (typeof v === 'boolean') return (op === 'eq' || op === 'in') && String(v) === x;
  return false;
}
