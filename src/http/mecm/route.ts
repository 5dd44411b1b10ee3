import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';

// One handler behind several paths: the seed's MECM paths and the prefixes real EdgeGallery
// clients use (/appo/v1, /apm/v1, /inventory/v1, /lcmcontroller/v1|v2). The handler returns
// a plain result; each path may wrap a success in the envelope its EdgeGallery service used:
// APPO {"response": …}, inventory {"response": "Saved|Updated|Deleted"} for writes, and
// lcmcontroller {data, retCode: 0, message, params}. Errors are ProblemDetails everywhere.

export type Envelope = 'appo' | 'inventory' | 'lcm';

export interface PathSpec {
  url: string;
  envelope?: Envelope;
}

export interface Result {
  status: number;
  body?: unknown;
  /** The inventory envelope's word for a write (GETs pass the body through). */
  word?: 'Saved' | 'Updated' | 'Deleted';
  headers?: Record<string, string>;
  stream?: Readable;
}

export type Handler = (request: FastifyRequest) => Promise<Result>;

export interface RouteOptions {
  summary: string;
  bodyLimit?: number;
  produces?: string[];
}

function wrap(r: Result, env: Envelope | undefined): Result {
  if (!env || r.stream || r.status >= 300) return r;
  if (env === 'appo') return { ...r, status: r.status === 204 ? 200 : r.status, body: { response: r.body ?? (r.status === 202 || r.status === 204 ? 'ACCEPTED' : null) } };
  if (env === 'inventory') return r.word ? { ...r, status: 200, body: { response: r.word } } : r;
  return { ...r, status: r.status === 204 || r.status === 202 || r.status === 201 ? 200 : r.status, body: { data: r.body ?? null, retCode: 0, message: 'success', params: null } };
}

export function send(reply: FastifyReply, r: Result): FastifyReply {
  reply.code(r.status);
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v);
  if (r.stream) return reply.send(r.stream);
  return r.body === undefined ? reply.send() : reply.send(r.body);
}

export function route(app: FastifyInstance, method: HTTPMethods, paths: (string | PathSpec)[], opts: RouteOptions, handler: Handler): void {
  for (const p of paths) {
    const spec = typeof p === 'string' ? { url: p } : p;
    app.route({
      method,
      url: spec.url,
      schema: { tags: ['mecm'], summary: opts.summary },
      ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
      ...(opts.produces ? { config: { produces: opts.produces } } : {}),
      handler: async (request, reply) => send(reply, wrap(await handler(request), spec.envelope)),
    });
  }
}

export const params = (r: FastifyRequest) => r.params as Record<string, string>;
export const query = (r: FastifyRequest) => r.query as Record<string, string | undefined>;

/** Comma-separated list from a query parameter or a JSON body field (bulk delete, host lists). */
export function listOf(...sources: unknown[]): string[] | undefined {
  for (const s of sources) {
    if (Array.isArray(s)) return s.map(String);
    if (typeof s === 'string' && s.trim() !== '') return s.split(/[,;]/).map((x) => x.trim()).filter(Boolean);
  }
  return undefined;
}
