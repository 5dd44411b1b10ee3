// Reads the JSON Schema (TypeBox) of a resource just far enough to resolve SOL013 attribute paths:
// which names exist, where arrays are crossed, what type a leaf has, which objects are open maps
// (KeyValuePairs such as userDefinedData, metadata, extensions) that accept any sub-path.

type Raw = Record<string, unknown>;

export type SchemaNode =
  | { kind: 'object'; props: Record<string, unknown>; required: ReadonlySet<string>; open: unknown | null }
  | { kind: 'array'; items: unknown }
  | { kind: 'string'; dateTime: boolean; enum?: string[] }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'null' }
  | { kind: 'dynamic' };

const DYNAMIC: SchemaNode = { kind: 'dynamic' };
const ANY_SCHEMA = {};

function isRaw(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Normalises one schema node (TypeBox Object/Array/Union/Literal/Record/Unknown/Intersect, plain JSON Schema). */
export function describe(schema: unknown): SchemaNode {
  if (schema === true || !isRaw(schema)) return DYNAMIC;
  if (Array.isArray(schema.anyOf)) return describeUnion(schema.anyOf);
  if (Array.isArray(schema.oneOf)) return describeUnion(schema.oneOf);
  if (Array.isArray(schema.allOf)) return describeAllOf(schema.allOf);
  if (Array.isArray(schema.enum)) return describeConsts(schema.enum);
  if ('const' in schema) return describeConsts([schema.const]);
  let type = schema.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    type = nonNull.length === 1 ? nonNull[0] : undefined;
  }
  switch (type) {
    case 'object':
      return describeObject(schema);
    case 'array':
      return { kind: 'array', items: schema.items ?? ANY_SCHEMA };
    case 'string':
      return { kind: 'string', dateTime: schema.format === 'date-time' };
    case 'number':
    case 'integer':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'null':
      return { kind: 'null' };
    default:
      return isRaw(schema.properties) ? describeObject(schema) : DYNAMIC;
  }
}

function describeObject(schema: Raw): SchemaNode {
  const props = isRaw(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const ap = schema.additionalProperties;
  let open: unknown | null;
  if (ap === false) open = null;
  else if (ap === true || isRaw(ap)) open = ap === true ? ANY_SCHEMA : ap;
  else if (isRaw(schema.patternProperties)) open = { anyOf: Object.values(schema.patternProperties) };
  // NOTE: an object with declared properties and no additionalProperties keyword is read as closed
  // (unknown names are client errors); one without properties is a free-form map.
  else open = Object.keys(props).length === 0 ? ANY_SCHEMA : null;
  return { kind: 'object', props, required, open };
}

function describeConsts(values: unknown[]): SchemaNode {
  if (values.every((v) => typeof v === 'string')) return { kind: 'string', dateTime: false, enum: values as string[] };
  if (values.every((v) => typeof v === 'number')) return { kind: 'number' };
  if (values.every((v) => typeof v === 'boolean')) return { kind: 'boolean' };
  return DYNAMIC;
}

function describeUnion(members: unknown[]): SchemaNode {
  const nodes = members.map(describe).filter((n) => n.kind !== 'null');
  if (nodes.length === 0) return { kind: 'null' };
  if (nodes.length === 1) return nodes[0]!;
  const kinds = new Set(nodes.map((n) => n.kind));
  if (kinds.size !== 1) return DYNAMIC;
  const first = nodes[0]!;
  switch (first.kind) {
    case 'string': {
      const strs = nodes as Extract<SchemaNode, { kind: 'string' }>[];
      const enums = strs.every((n) => n.enum) ? [...new Set(strs.flatMap((n) => n.enum ?? []))] : undefined;
      return { kind: 'string', dateTime: strs.every((n) => n.dateTime), ...(enums ? { enum: enums } : {}) };
    }
    case 'object':
      return mergeObjects(nodes as Extract<SchemaNode, { kind: 'object' }>[], 'union');
    case 'array':
      return { kind: 'array', items: { anyOf: nodes.map((n) => (n as Extract<SchemaNode, { kind: 'array' }>).items) } };
    default:
      return first;
  }
}

function describeAllOf(members: unknown[]): SchemaNode {
  const nodes = members.map(describe);
  if (nodes.length > 0 && nodes.every((n) => n.kind === 'object')) {
    return mergeObjects(nodes as Extract<SchemaNode, { kind: 'object' }>[], 'intersection');
  }
  return nodes.length === 1 ? nodes[0]! : DYNAMIC;
}

function mergeObjects(nodes: Extract<SchemaNode, { kind: 'object' }>[], how: 'union' | 'intersection'): SchemaNode {
  const props: Record<string, unknown> = {};
  for (const n of nodes) {
    for (const [k, s] of Object.entries(n.props)) props[k] = k in props ? { anyOf: [props[k], s] } : s;
  }
  const sets = nodes.map((n) => n.required);
  const required =
    how === 'intersection'
      ? new Set(sets.flatMap((s) => [...s]))
      : new Set([...sets[0]!].filter((k) => sets.every((s) => s.has(k))));
  // A union of variants is open if any variant is; an intersection only if every part is.
  const opens = nodes.map((n) => n.open);
  const open = how === 'union' ? (opens.find((o) => o !== null) ?? null) : opens.every((o) => o !== null) ? opens[0]! : null;
  return { kind: 'object', props, required, open };
}

export type Step =
  | { ok: true; node: SchemaNode; crossedArray: boolean; dynamic: boolean }
  | { ok: false; reason: string };

/** The schema node of `name` inside an object or dynamic node, or null if the name is unknown. */
export function child(node: SchemaNode, name: string): { node: SchemaNode; fromOpenMap: boolean } | null {
  if (node.kind === 'dynamic') return { node: DYNAMIC, fromOpenMap: true };
  if (node.kind !== 'object') return null;
  if (Object.prototype.hasOwnProperty.call(node.props, name)) return { node: describe(node.props[name]), fromOpenMap: false };
  if (node.open !== null) return { node: describe(node.open), fromOpenMap: true };
  return null;
}

/** Skips through arrays (SOL013: a path into an array addresses every element). */
export function unwrapArrays(node: SchemaNode): { node: SchemaNode; crossed: boolean } {
  let n = node;
  let crossed = false;
  while (n.kind === 'array') {
    n = describe(n.items);
    crossed = true;
  }
  return { node: n, crossed };
}

/**
 * Walks `segments` from the root schema. Arrays along the way are crossed (any element); open maps
 * and untyped values accept any further name.
 */
export function walk(root: unknown, segments: readonly string[]): Step {
  let node = unwrapArrays(describe(root)).node;
  let crossedArray = false;
  let dynamic = false;
  for (const [i, seg] of segments.entries()) {
    const c = child(node, seg);
    if (!c) {
      const at = segments.slice(0, i + 1).join('/');
      return { ok: false, reason: node.kind === 'object' ? `unknown attribute "${at}"` : `"${segments.slice(0, i).join('/')}" has no attributes` };
    }
    if (c.node.kind === 'dynamic') dynamic = true;
    const u = unwrapArrays(c.node);
    crossedArray ||= u.crossed;
    node = u.node;
  }
  return { ok: true, node, crossedArray, dynamic };
}

export function isComplex(node: SchemaNode): boolean {
  return node.kind === 'object' || node.kind === 'array';
}
