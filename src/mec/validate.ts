import { isIP } from 'node:net';
import { BadRequest } from '../errors.js';

// Field rules of the MECM APIs (EdgeGallery's constants files, reference §2.0) as small pure
// checks, and a body checker that reports every violated field at once: 400 ProblemDetails
// with `invalidParams: [{name, reason}]` (EdgeGallery stops at the first and says 500 for some).

export type Rule = (v: unknown) => string | undefined;

export interface InvalidParam {
  name: string;
  reason: string;
}

const LETTERS_DIGITS = '\\p{L}\\p{N}';
const shape = (interior: string) => new RegExp(`^[${LETTERS_DIGITS}](?:[${LETTERS_DIGITS}${interior}]*[${LETTERS_DIGITS}])?$`, 'u');
const NAME_RE = shape('_-');
const PKG_NAME_RE = shape('_.-');
const CITY_RE = shape('/ ');
const AFFINITY_RE = shape('_,-');
const UUID_LOWER_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

const isStr = (v: unknown): v is string => typeof v === 'string';

export const rules = {
  string(max: number): Rule {
    return (v) => (!isStr(v) ? 'must be a string' : v.length > max ? `must be at most ${max} characters` : CONTROL_RE.test(v) ? 'must not contain control characters' : undefined);
  },
  pattern(re: RegExp, what: string, max: number): Rule {
    return (v) => (!isStr(v) ? 'must be a string' : v.length > max ? `must be at most ${max} characters` : re.test(v) ? undefined : what);
  },
  name(max = 128): Rule {
    return rules.pattern(NAME_RE, 'must be letters and digits, with _ or - only between them', max);
  },
  packageName(max = 255): Rule {
    return rules.pattern(PKG_NAME_RE, 'must be letters and digits, with _ . or - only between them', max);
  },
  city: (): Rule => rules.pattern(CITY_RE, 'must be letters and digits, with / or spaces only between them', 128),
  affinity: (): Rule => rules.pattern(AFFINITY_RE, 'must be letters and digits, with _ , or - only between them', 128),
  ip(): Rule {
    return (v) => (!isStr(v) ? 'must be a string' : isIpAddress(v) ? undefined : 'must be an IPv4 address (no leading zeros) or an IPv6 address');
  },
  port(): Rule {
    return (v) => {
      const n = typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : v;
      return Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535 ? undefined : 'must be a port number from 1 to 65535';
    };
  },
  uuid(): Rule {
    return (v) => (isStr(v) && UUID_RE.test(v) ? undefined : 'must be a UUID');
  },
  hex(min: number, max: number): Rule {
    const re = new RegExp(`^[0-9a-f]{${min},${max}}$`);
    return (v) => (isStr(v) && re.test(v) ? undefined : min === max ? `must be ${min} lowercase hexadecimal characters` : `must be ${min} to ${max} lowercase hexadecimal characters`);
  },
  url(max = 1024): Rule {
    return (v) => {
      if (!isStr(v)) return 'must be a string';
      if (v.length > max) return `must be at most ${max} characters`;
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'must be an http or https URL';
      } catch {
        return 'must be an absolute URL';
      }
    };
  },
  coordinates(): Rule {
    return (v) => (isStr(v) && parseCoordinates(v) ? undefined : 'must be "longitude,latitude" in degrees, e.g. "116.39,39.91"');
  },
  boolean(): Rule {
    return (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
  },
  stringMap(maxEntries: number, maxLen: number): Rule {
    return (v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object of strings';
      const entries = Object.entries(v);
      if (entries.length > maxEntries) return `must have at most ${maxEntries} entries`;
      const bad = entries.find(([k, x]) => k.length > maxLen || !isStr(x) || x.length > maxLen);
      return bad ? `entry '${bad[0].slice(0, 40)}' must be a string of at most ${maxLen} characters` : undefined;
    };
  },
};

export function isIpAddress(v: string): boolean {
  if (v.length > 45) return false;
  return IPV4_RE.test(v) || isIP(v) === 6;
}

export function isLowerUuid(v: string): boolean {
  return UUID_LOWER_RE.test(v);
}

/** "lon,lat" (EdgeGallery's coordinates text) → numbers, or undefined when malformed or out of range. */
export function parseCoordinates(v: string): { lon: number; lat: number } | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(v);
  if (!m || v.length > 128) return undefined;
  const lon = Number(m[1]);
  const lat = Number(m[2]);
  return Math.abs(lon) <= 180 && Math.abs(lat) <= 90 ? { lon, lat } : undefined;
}

export interface FieldSpec {
  rule: Rule;
  required?: boolean;
  /** Other spellings accepted on input (the seed's prototype bodies, EdgeGallery v0.9 names). */
  aliases?: string[];
}

export type BodySpec = Record<string, FieldSpec>;

/** Collects the fields of `spec` from `body` (canonical name or alias) and every violation. */
export function collect(body: unknown, spec: BodySpec, opts: { partial?: boolean } = {}): { value: Record<string, unknown>; invalid: InvalidParam[] } {
  const invalid: InvalidParam[] = [];
  const value: Record<string, unknown> = {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { value, invalid: [{ name: 'body', reason: 'must be a JSON object' }] };
  const b = body as Record<string, unknown>;
  for (const [name, f] of Object.entries(spec)) {
    const key = [name, ...(f.aliases ?? [])].find((k) => b[k] !== undefined && b[k] !== null && b[k] !== '');
    if (key === undefined) {
      if (f.required && !opts.partial) invalid.push({ name, reason: 'is required' });
      continue;
    }
    const why = f.rule(b[key]);
    if (why) invalid.push({ name: key, reason: why });
    else value[name] = b[key];
  }
  return { value, invalid };
}

export function invalidInput(invalid: InvalidParam[], what = 'request'): BadRequest {
  const list = invalid.map((p) => `${p.name} ${p.reason}`).join('; ');
  return new BadRequest(`The ${what} has ${invalid.length} invalid field${invalid.length > 1 ? 's' : ''}: ${list}.`, 'MEC_INVALID_INPUT', { invalidParams: invalid });
}

/** Throws one 400 listing every problem, or returns the collected value. */
export function validateBody(body: unknown, spec: BodySpec, what: string, extra: (v: Record<string, unknown>) => InvalidParam[] = () => [], opts: { partial?: boolean } = {}): Record<string, unknown> {
  const { value, invalid } = collect(body, spec, opts);
  invalid.push(...extra(value));
  if (invalid.length) throw invalidInput(invalid, what);
  return value;
}

/** Path parameters: the tenant is a lowercase UUID (EdgeGallery rejects upper case too). */
export function checkTenant(tenantId: string): string {
  if (!isLowerUuid(tenantId)) throw invalidInput([{ name: 'tenant_id', reason: 'must be a lowercase UUID' }], 'path');
  return tenantId;
}

export function checkPathIp(ip: string, name = 'hostIp'): string {
  if (!isIpAddress(ip)) throw invalidInput([{ name, reason: 'must be an IPv4 or IPv6 address' }], 'path');
  return ip;
}

export function checkPathUuid(id: string, name: string): string {
  if (!UUID_RE.test(id)) throw invalidInput([{ name, reason: 'must be a UUID' }], 'path');
  return id.toLowerCase();
}
