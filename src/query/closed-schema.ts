import type { TSchema } from '@sinclair/typebox';

/**
 * A copy of a resource schema where every object with declared properties is closed, so that
 * SOL013 filters and selectors reject attribute names the resource does not have. Maps
 * (KeyValuePairs: records, or objects without properties) stay open. Response schemas keep
 * their open form, since ETSI objects are extensible.
 */
export function closedSchema<T extends TSchema>(schema: T): T {
  const walk = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(walk);
    if (!s || typeof s !== 'object') return s;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s as Record<string, unknown>)) out[k] = walk(v);
    for (const sym of Object.getOwnPropertySymbols(s)) out[sym as unknown as string] = (s as Record<symbol, unknown>)[sym];
    if (out.type === 'object' && out.properties && Object.keys(out.properties as object).length > 0) out.additionalProperties = false;
    return out;
  };
  return walk(schema) as T;
}
