// HTTP side of SOL013 list queries: the querystring schema of the six parameters and the paging
// `Link` header. Parsing and evaluation live in src/query and src/store/list.ts.
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';

const flag = (what: string) =>
  Type.Optional(Type.String({ description: `${what} Flag: the value, if any, is ignored.` }));

/**
 * SOL013 5.2-5.4 query parameters. Families add their own parameters, so others are allowed.
 * A parameter given twice arrives as an array and fails the schema (400).
 */
export const ListQuerySchema: TSchema = Type.Object(
  {
    filter: Type.Optional(Type.String({ description: 'SOL013 5.2 attribute-based filter, e.g. (eq,onboardingState,ONBOARDED);(in,softwareImages/name,a,b)' })),
    all_fields: flag('SOL013 5.3: include all attributes, also the default-excluded ones.'),
    fields: Type.Optional(Type.String({ description: 'SOL013 5.3: comma-separated attribute paths to include.' })),
    exclude_fields: Type.Optional(Type.String({ description: 'SOL013 5.3: comma-separated attribute paths to exclude.' })),
    exclude_default: flag('SOL013 5.3: exclude the default-excluded attributes (the default).'),
    nextpage_opaque_marker: Type.Optional(Type.String({ description: 'SOL013 5.4: paging marker taken from the Link header of the previous page.' })),
  },
  { additionalProperties: true },
);

const MARKER_PARAM = 'nextpage_opaque_marker';

function paramName(pair: string): string {
  const raw = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * Sets `Link: <this request's absolute URL with nextpage_opaque_marker=...>; rel="next"` when a
 * next page exists. The other query parameters are kept exactly as the client wrote them.
 */
export function setNextLink(reply: FastifyReply, request: FastifyRequest, nextMarker: string | undefined): void {
  if (nextMarker === undefined) return;
  let target = request.originalUrl;
  // Absolute-form request targets (RFC 9112 3.2.2) carry their own origin; keep only the path.
  if (!target.startsWith('/')) target = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/';
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const kept = q < 0 ? [] : target.slice(q + 1).split('&').filter((p) => p !== '' && paramName(p) !== MARKER_PARAM);
  kept.push(`${MARKER_PARAM}=${encodeURIComponent(nextMarker)}`);
  reply.header('Link', `<${request.protocol}://${request.host}${path}?${kept.join('&')}>; rel="next"`);
}
