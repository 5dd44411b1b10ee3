import type { AttributeMatch, Scalar } from './model.js';

// Typed attribute comparison. HAS' `threshold` drops a candidate whose attribute is falsy, so a
// value of 0 can never match there; here 0, false and '' are ordinary values. A missing key fails
// every positive test (eq, in, lt, …, exists) and passes the negative ones (neq, nin): a site
// without `state` is not in state "maintenance". Numbers compare numerically (a numeric string
// counts as a number when the other side is one); everything else compares as strings.

function asNumber(v: Scalar): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function equal(a: Scalar, b: Scalar): boolean {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    if (x !== undefined && y !== undefined) return x === y;
  }
  return String(a) === String(b);
}

function order(a: Scalar, b: Scalar): number | undefined {
  const x = asNumber(a);
  const y = asNumber(b);
  return x === undefined || y === undefined ? undefined : x - y;
}

function list(v: AttributeMatch['value']): Scalar[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function attributeMatches(actual: Scalar | undefined, m: AttributeMatch): boolean {
  if (actual === undefined) return m.op === 'neq' || m.op === 'nin';
  const v = m.value;
  switch (m.op) {
    case 'exists':
      return true;
    case 'eq':
      return v !== undefined && !Array.isArray(v) && equal(actual, v);
    case 'neq':
      return v !== undefined && !Array.isArray(v) && !equal(actual, v);
    case 'in':
      return list(v).some((x) => equal(actual, x));
    case 'nin':
      return !list(v).some((x) => equal(actual, x));
    default: {
      if (v === undefined || Array.isArray(v)) return false;
      const d = order(actual, v);
      if (d === undefined) return false;
      if (m.op === 'lt') return d < 0;
      if (m.op === 'lte') return d <= 0;
      if (m.op === 'gt') return d > 0;
      return d >= 0;
    }
  }
}

const NEGATED: Record<AttributeMatch['op'], string> = {
  eq: '≠',
  neq: '=',
  in: '∉',
  nin: '∈',
  lt: '≥',
  lte: '>',
  gt: '≤',
  gte: '<',
  exists: '',
};

function show(v: AttributeMatch['value']): string {
  return Array.isArray(v) ? `[${v.map(String).join(', ')}]` : String(v);
}

/** e.g. `attribute site_type=edge ≠ core`, `attribute site_type missing`. */
export function attributeFailure(actual: Scalar | undefined, m: AttributeMatch): string {
  if (actual === undefined) return `attribute ${m.key} missing`;
  const needsNumber = m.op === 'lt' || m.op === 'lte' || m.op === 'gt' || m.op === 'gte';
  if (needsNumber && (Array.isArray(m.value) || m.value === undefined || order(actual, m.value) === undefined)) {
    return `attribute ${m.key}=${String(actual)} not comparable with ${show(m.value)}`;
  }
  return `attribute ${m.key}=${String(actual)} ${NEGATED[m.op]} ${show(m.value)}`;
}

/** Stable key of a clause, used to evaluate it once per request over all candidates. */
export function clauseKey(m: AttributeMatch): string {
  return JSON.stringify([m.key, m.op, m.value ?? null]);
}
