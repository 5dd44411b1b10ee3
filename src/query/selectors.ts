// SOL013 5.3 attribute selectors. Allowed combinations (table 5.3.2-1) and their meaning:
//   (none) | exclude_default   everything except the resource's default-excluded attributes
//   all_fields                 everything
//   fields=<list>              everything except complex (object/array) attributes that are optional
//                              and not in <list>; simple and mandatory attributes always stay
//   fields=<list>&exclude_default   everything except default-excluded attributes not in <list>
//   exclude_fields=<list>      everything except <list>
// Any other combination is a 400. A listed path a/b keeps `a` reduced by the fields rule to its
// simple and mandatory attributes plus `b`; paths into arrays apply to every element.
// NOTE: Tacker reads fields=<list> like fields=<list>&exclude_default and answers 500 for unknown
// names; we follow SOL013 and answer 400 for unknown names.
import { BadRequest } from '../errors.js';
import { child, describe, isComplex, unwrapArrays, walk, type SchemaNode } from './schema-path.js';
import type { ListQuery, QuerySpec } from './types.js';

type Decision = Projection | 'all' | 'drop';

interface Projection {
  /** Per-name decisions; names not listed follow `rest`. */
  keys: Map<string, Decision>;
  /** 'keep': unlisted names stay. 'mandatory': only simple or required ones stay (the fields rule). */
  rest: 'keep' | 'mandatory';
  /** Schema of the object this projection applies to (used by the 'mandatory' rule). */
  node: SchemaNode;
}

export interface Selector {
  readonly all: boolean;
  readonly root: Projection;
}

type Param = 'all_fields' | 'fields' | 'exclude_fields' | 'exclude_default';

function selectorError(detail: string): BadRequest {
  return new BadRequest(detail, 'INVALID_ATTRIBUTE_SELECTOR');
}

export function parseSelectors(q: ListQuery, spec: QuerySpec): Selector {
  const has = (k: Param) => q[k] !== undefined;
  const rootNode = unwrapArrays(describe(spec.schema)).node;
  if (has('all_fields') && (has('fields') || has('exclude_fields') || has('exclude_default'))) {
    throw selectorError('Attribute selector expression is invalid: all_fields cannot be combined with fields, exclude_fields or exclude_default.');
  }
  if (has('exclude_fields') && (has('fields') || has('exclude_default'))) {
    throw selectorError('Attribute selector expression is invalid: exclude_fields cannot be combined with fields or exclude_default.');
  }
  const root: Projection = { keys: new Map(), rest: 'keep', node: rootNode };
  if (has('all_fields')) return { all: true, root };
  if (has('exclude_fields')) {
    for (const path of parseList('exclude_fields', q.exclude_fields!, spec)) drop(root, path);
    return { all: false, root };
  }
  if (has('fields')) {
    const list = parseList('fields', q.fields!, spec);
    if (!has('exclude_default')) root.rest = 'mandatory';
    else for (const path of spec.defaultExcluded) drop(root, path.split('/'));
    for (const path of list) include(root, path);
    return { all: false, root };
  }
  for (const path of spec.defaultExcluded) drop(root, path.split('/'));
  return { all: false, root };
}

function parseList(param: Param, text: string, spec: QuerySpec): string[][] {
  const items = text.split(',');
  return items.map((item) => {
    if (item === '') throw selectorError(`${param}: empty attribute name in ${JSON.stringify(text)}.`);
    const path = item.split('/').map((seg) => unescapeName(param, item, seg));
    const step = walk(spec.schema, path);
    if (!step.ok) throw selectorError(`${param}: ${step.reason} in ${spec.resource}.`);
    return path;
  });
}

function unescapeName(param: Param, item: string, seg: string): string {
  if (seg === '') throw selectorError(`${param}: empty attribute name in ${JSON.stringify(item)}.`);
  if (seg.includes('@')) throw selectorError(`${param}: '@' is not allowed in ${JSON.stringify(item)} (write ~b).`);
  return seg.replace(/~(.?)/gsu, (_m, ch: string) => {
    const out = ({ '0': '~', '1': '/', a: ',', b: '@' } as Record<string, string>)[ch];
    if (out === undefined) throw selectorError(`${param}: invalid escape ${JSON.stringify('~' + ch)} in ${JSON.stringify(item)}.`);
    return out;
  });
}

function childNode(p: Projection, name: string): SchemaNode {
  const c = child(p.node, name);
  return c ? unwrapArrays(c.node).node : { kind: 'dynamic' };
}

function drop(root: Projection, path: readonly string[]): void {
  let p = root;
  for (const [i, name] of path.entries()) {
    const d = p.keys.get(name);
    if (i === path.length - 1 || d === 'drop') {
      p.keys.set(name, 'drop');
      return;
    }
    if (d === undefined || d === 'all') {
      const next: Projection = { keys: new Map(), rest: 'keep', node: childNode(p, name) };
      p.keys.set(name, next);
      p = next;
    } else p = d;
  }
}

function include(root: Projection, path: readonly string[]): void {
  let p = root;
  for (const [i, name] of path.entries()) {
    const d = p.keys.get(name);
    if (d === 'all') return;
    if (i === path.length - 1) {
      p.keys.set(name, 'all');
      return;
    }
    if (d === undefined || d === 'drop') {
      const next: Projection = { keys: new Map(), rest: 'mandatory', node: childNode(p, name) };
      p.keys.set(name, next);
      p = next;
    } else p = d;
  }
}

function keepUnlisted(p: Projection, name: string, value: unknown): boolean {
  if (p.rest === 'keep') return true;
  const n = p.node;
  if (n.kind !== 'object') return false; // free-form content: only listed names stay
  if (!Object.prototype.hasOwnProperty.call(n.props, name)) return n.open === null;
  if (n.required.has(name)) return true;
  const s = describe(n.props[name]);
  return s.kind === 'dynamic' ? typeof value !== 'object' || value === null : !isComplex(s);
}

function project(value: unknown, p: Projection): unknown {
  if (Array.isArray(value)) return value.map((v) => project(v, p));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const d = p.keys.get(k);
    if (d === 'drop') continue;
    if (d === 'all') out[k] = v;
    else if (d) out[k] = project(v, d);
    else if (keepUnlisted(p, k, v)) out[k] = v;
  }
  return out;
}

export function applySelector<T>(doc: T, sel: Selector): Partial<T> {
  if (sel.all) return doc;
  return project(doc, sel.root) as Partial<T>;
}
