// Scalar value semantics shared by the in-memory evaluator and the SQL compiler. Each function
// here mirrors what PostgreSQL does with the same input, so that a filter selects the same
// documents in memory and in SQL (the property tests in test/unit/query hold both to that).

/** Numeric filter literal: what PostgreSQL's numeric input accepts, restricted to plain decimals. */
const NUMBER_RE = /^[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE]([+-]?[0-9]+))?$/;

/** True when `text` is a number literal that both JS and PostgreSQL numeric read without loss of range. */
export function isNumberLiteral(text: string): boolean {
  const m = NUMBER_RE.exec(text);
  if (!m || text.length > 100) return false;
  // PostgreSQL numeric rejects exponents beyond ±1000; past 1e308 JSON numbers cannot exist anyway.
  if (m[1] !== undefined && Math.abs(Number(m[1])) > 400) return false;
  return Number.isFinite(Number(text));
}

interface Decimal {
  sign: -1 | 0 | 1;
  /** Significant digits without leading or trailing zeros (empty for zero). */
  digits: string;
  /** Value = 0.digits × 10^exp. */
  exp: number;
}

function toDecimal(text: string): Decimal {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!m) throw new TypeError(`not a decimal literal: ${text}`);
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  let all = intPart + fracPart;
  let exp = intPart.length + (m[4] ? Number(m[4]) : 0);
  const lead = all.length - all.replace(/^0+/, '').length;
  all = all.slice(lead);
  exp -= lead;
  all = all.replace(/0+$/, '');
  if (all === '') return { sign: 0, digits: '', exp: 0 };
  return { sign: m[1] === '-' ? -1 : 1, digits: all, exp };
}

/**
 * Exact comparison of two decimal literals (JS number renderings such as '1e+21' included), as
 * PostgreSQL's numeric does: '0.30000000000000001' > '0.3' although both are the same double.
 */
export function compareDecimal(a: string, b: string): number {
  const x = toDecimal(a);
  const y = toDecimal(b);
  if (x.sign !== y.sign) return x.sign < y.sign ? -1 : 1;
  if (x.sign === 0) return 0;
  let c: number;
  if (x.exp !== y.exp) c = x.exp < y.exp ? -1 : 1;
  else {
    const n = Math.max(x.digits.length, y.digits.length);
    const dx = x.digits.padEnd(n, '0');
    const dy = y.digits.padEnd(n, '0');
    c = dx === dy ? 0 : dx < dy ? -1 : 1;
  }
  return c === 0 ? 0 : x.sign * c;
}

/** Renders a JSON number the way JSON.stringify does (the text PostgreSQL stores for it). */
export function numberText(n: number): string {
  return JSON.stringify(n);
}

/**
 * Code-point order, which is what `COLLATE "C"` gives on UTF-8 text. JS `<` compares UTF-16 code
 * units, which puts U+10000.. before U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(i) ?? 0;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * RFC 3339 date-time with a mandatory offset (PostgreSQL would otherwise apply the session time
 * zone), year 0001-9999, no leap second, at most 9 fraction digits. No backslashes, so the same
 * text is a valid JS RegExp and PostgreSQL ARE and can be inlined in SQL as a constant.
 */
export const DATE_TIME_PATTERN =
  '^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])' +
  'T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])([.][0-9]{1,9})?(Z|([+-])(0[0-9]|1[0-5]):([0-5][0-9]))$';
const DATE_TIME_RE = new RegExp(DATE_TIME_PATTERN);

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** C rint(): round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The instant of an RFC 3339 date-time in microseconds since the epoch, or null if it is not one.
 * Fractions are rounded as PostgreSQL's timestamptz input does (strtod, × 1e6, rint).
 */
export function parseDateTime(text: string): bigint | null {
  const m = DATE_TIME_RE.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (d > daysInMonth(y, mo)) return null;
  const frac = m[7] ? rint(Number('0' + m[7]) * 1e6) : 0;
  const offset = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 3600 + Number(m[11]) * 60);
  const secs = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
  return BigInt(secs) * 1_000_000n + BigInt(frac);
}

/** Lone UTF-16 surrogates cannot be stored or sent to PostgreSQL faithfully; NUL is refused by its text type. */
export function isStorableText(text: string): boolean {
  return !/[\0]|\p{Surrogate}/u.test(text);
}
