import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { BadRequest } from '../errors.js';

// Write-side validation of inventory and policy documents in the domain (the MEC orchestrator
// and other non-HTTP callers write them too): every failing field at once, named by its path.

const SCALAR_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

export function schemaErrors(schema: TSchema, value: unknown, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of Value.Errors(schema, value)) {
    const at = prefix + e.path.replace(/^\//, '').replace(/\//g, '.');
    const msg = e.message === 'Expected required property' ? 'is required' : e.message === 'Unexpected property' ? 'is not a known field' : e.message;
    const line = `${at || '(body)'}: ${msg}`;
    if (!out.includes(line)) out.push(line);
  }
  return out;
}

/** Free-form attributes: a flat map of short keys to strings, numbers or booleans. */
export function attributeErrors(attrs: unknown, at: string): string[] {
  if (attrs === undefined) return [];
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return [`${at}: must be an object`];
  const entries = Object.entries(attrs);
  const out: string[] = entries.length > 64 ? [`${at}: at most 64 attributes`] : [];
  for (const [k, v] of entries) {
    if (!SCALAR_KEY.test(k)) out.push(`${at}.${k}: attribute names are 1-64 letters, digits, _ . : -`);
    const ok = typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 256);
    if (!ok) out.push(`${at}.${k}: must be a string (≤ 256 characters), a finite number or a boolean`);
  }
  return out;
}

export function throwIfAny(errors: string[], what: string, code: string): void {
  if (errors.length > 0) throw new BadRequest(`Invalid ${what}: ${errors.join('; ')}.`, code, { invalidParams: errors });
}
