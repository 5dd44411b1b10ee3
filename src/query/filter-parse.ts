// SOL013 5.2 attribute-based filter syntax:
//   filter   := term (';' term)*                      (all terms must hold)
//   term     := '(' op ',' attrPath ',' value (',' value)* ')'
//   attrPath := name ('/' name)*   names unescape ~1 → '/', ~a → ',', ~b → '@', ~0 → '~';
//               a last name written exactly '@key' addresses the keys of a map
//   value    := unquoted (no ' , ) characters) | "'" (any, '' for a quote) "'"
// as Tacker accepts it (tacker-v2.md §8.1), except that every syntax fault is a 400 that names the
// term and its 1-based position.
import { BadRequest } from '../errors.js';
import { isStorableText } from './values.js';

export type FilterOp = 'eq' | 'neq' | 'in' | 'nin' | 'gt' | 'gte' | 'lt' | 'lte' | 'cont' | 'ncont';

export interface FilterTerm {
  op: FilterOp;
  /** Attribute names, unescaped; without the trailing '@key' when mapKeys is set. */
  path: string[];
  values: string[];
  /** 1-based term index. */
  position: number;
  /** The term as written. */
  text: string;
  /** The path ended in '@key': the term tests the keys of the map at `path`. */
  mapKeys?: boolean;
}

const SINGLE_VALUE: ReadonlySet<string> = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte']);
const MULTI_VALUE: ReadonlySet<string> = new Set(['in', 'nin', 'cont', 'ncont']);
const MAX_TERMS = 100;
const MAX_VALUES = 1000;

export function filterError(position: number, text: string, reason: string): BadRequest {
  const shown = text.length > 120 ? `${text.slice(0, 117)}...` : text;
  return new BadRequest(`Invalid filter term ${position} ${JSON.stringify(shown)}: ${reason}`, 'INVALID_FILTER');
}

class Cursor {
  i: number;
  constructor(
    readonly s: string,
    readonly start: number,
    readonly position: number,
  ) {
    this.i = start;
  }
  fail(reason: string): BadRequest {
    // The term as written runs to the next ';' after the fault (or to the end).
    const semi = this.s.indexOf(';', Math.max(this.i, this.start + 1));
    return filterError(this.position, this.s.slice(this.start, semi < 0 ? this.s.length : semi), reason);
  }
}

export function parseFilter(filter: string): FilterTerm[] {
  if (filter.length === 0) throw filterError(1, '', 'the filter is empty');
  const terms: FilterTerm[] = [];
  let i = 0;
  for (let position = 1; ; position++) {
    if (position > MAX_TERMS) throw filterError(position, '', `at most ${MAX_TERMS} terms are accepted`);
    const c = new Cursor(filter, i, position);
    terms.push(parseTerm(c));
    i = c.i;
    if (i === filter.length) break;
    if (filter[i] !== ';') throw c.fail(`';' expected after the term, found ${JSON.stringify(filter[i])}`);
    i++;
    if (i === filter.length) throw filterError(position + 1, '', "empty term after ';'");
  }
  if (terms.reduce((n, t) => n + t.values.length, 0) > MAX_VALUES) {
    throw filterError(terms.length, terms[terms.length - 1]!.text, `at most ${MAX_VALUES} values are accepted in one filter`);
  }
  return terms;
}

function parseTerm(c: Cursor): FilterTerm {
  const { s } = c;
  if (s[c.i] === ';') throw c.fail('empty term');
  if (s[c.i] !== '(') throw c.fail("a term starts with '('");
  c.i++;
  const comma = s.indexOf(',', c.i);
  const close = s.indexOf(')', c.i);
  if (comma < 0 || (close >= 0 && close < comma)) throw c.fail('expected (op,attrPath,value...)');
  const op = s.slice(c.i, comma);
  if (!SINGLE_VALUE.has(op) && !MULTI_VALUE.has(op)) throw c.fail(`unknown operator ${JSON.stringify(op)}`);
  c.i = comma + 1;
  const { path, mapKeys } = parsePath(c);
  const values: string[] = [];
  for (;;) {
    values.push(s[c.i] === "'" ? parseQuoted(c) : parseUnquoted(c));
    const sep = s[c.i++];
    if (sep === ')') break;
    if (sep !== ',') throw c.fail(sep === undefined ? "missing ')'" : `',' or ')' expected after a value, found ${JSON.stringify(sep)}`);
  }
  if (SINGLE_VALUE.has(op) && values.length !== 1) throw c.fail(`operator ${op} takes exactly one value`);
  const term: FilterTerm = { op: op as FilterOp, path, values, position: c.position, text: s.slice(c.start, c.i) };
  if (mapKeys) term.mapKeys = true;
  return term;
}

function parsePath(c: Cursor): { path: string[]; mapKeys: boolean } {
  const { s } = c;
  let end = c.i;
  while (end < s.length && s[end] !== ',' && s[end] !== ')') end++;
  if (s[end] !== ',') throw c.fail('an attribute path must be followed by at least one value');
  const raw = s.slice(c.i, end).split('/');
  c.i = end + 1;
  const path: string[] = [];
  let mapKeys = false;
  for (const [k, seg] of raw.entries()) {
    if (seg === '') throw c.fail('empty attribute name in the path');
    if (seg === '@key') {
      if (k !== raw.length - 1) throw c.fail("'@key' must be the last name of the path");
      if (k === 0) throw c.fail("'@key' must follow the name of a map");
      mapKeys = true;
      continue;
    }
    if (seg.includes('@')) throw c.fail("'@' in an attribute name is written ~b");
    if (seg.includes('(')) throw c.fail("'(' is not allowed in an attribute name");
    path.push(unescapeName(c, seg));
  }
  return { path, mapKeys };
}

function unescapeName(c: Cursor, seg: string): string {
  const name = seg.replace(/~(.?)/gsu, (_m, ch: string) => {
    switch (ch) {
      case '0':
        return '~';
      case '1':
        return '/';
      case 'a':
        return ',';
      case 'b':
        return '@';
      default:
        throw c.fail(`invalid escape ${JSON.stringify('~' + ch)} in an attribute name (use ~0 ~1 ~a ~b)`);
    }
  });
  if (!isStorableText(name)) throw c.fail('attribute name contains NUL or an unpaired surrogate');
  return name;
}

function parseQuoted(c: Cursor): string {
  const { s } = c;
  let out = '';
  let j = c.i + 1;
  for (;;) {
    const q = s.indexOf("'", j);
    if (q < 0) {
      c.i = s.length;
      throw c.fail('unterminated quoted value');
    }
    out += s.slice(j, q);
    if (s[q + 1] === "'") {
      out += "'";
      j = q + 2;
      continue;
    }
    c.i = q + 1;
    break;
  }
  if (!isStorableText(out)) throw c.fail('value contains NUL or an unpaired surrogate');
  return out;
}

function parseUnquoted(c: Cursor): string {
  const { s } = c;
  let j = c.i;
  while (j < s.length && s[j] !== ',' && s[j] !== ')' && s[j] !== "'") j++;
  if (s[j] === "'") {
    c.i = j;
    throw c.fail("a value containing ' must be quoted as '...' with '' for each quote");
  }
  if (j === c.i) throw c.fail("empty value (write '' for an empty string)");
  const v = s.slice(c.i, j);
  c.i = j;
  if (!isStorableText(v)) throw c.fail('value contains NUL or an unpaired surrogate');
  return v;
}
