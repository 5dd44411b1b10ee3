import type { FastifyInstance } from 'fastify';
import { NotAcceptable } from '../errors.js';

// Content negotiation. Bodies: JSON, JSON merge patch, and text/plain parsed as JSON (Tacker
// accepts it and its clients sometimes send it). Accept: each route says what it produces
// (config.produces, default application/json); a request that accepts none of it gets 406.

declare module 'fastify' {
  interface FastifyContextConfig {
    produces?: string[];
  }
}

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

export function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [range, ...params] = part.trim().split(';');
      const [type, subtype] = range.trim().toLowerCase().split('/');
      let q = 1;
      for (const p of params) {
        const [k, v] = p.trim().split('=');
        if (k === 'q') q = Number(v);
      }
      return { type: type ?? '', subtype: subtype ?? '', q: Number.isFinite(q) ? q : 1 };
    })
    .filter((r) => r.type !== '');
}

/** The first of `produces` that the Accept header allows, or undefined. */
export function negotiate(acceptHeader: string | undefined, produces: string[]): string | undefined {
  if (!acceptHeader || acceptHeader.trim() === '') return produces[0];
  const ranges = parseAccept(acceptHeader).filter((r) => r.q > 0);
  for (const r of [...ranges].sort((a, b) => b.q - a.q)) {
    for (const p of produces) {
      const [t, s] = p.split('/');
      if ((r.type === '*' || r.type === t) && (r.subtype === '*' || r.subtype === s)) return p;
      // A client asking for problem+json still accepts our JSON bodies' error form.
    }
  }
  return undefined;
}

const JSON_TYPES = ['application/json', 'application/merge-patch+json', 'text/plain'];

export function installMedia(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    // Unmatched URLs answer 404/405 whatever Accept says; the docs UI serves its own media types.
    if (url === undefined || url.startsWith('/docs')) return;
    const produces = request.routeOptions.config?.produces ?? ['application/json'];
    if (produces.length === 0) return;
    const chosen = negotiate(request.headers.accept, [...produces, 'application/problem+json']);
    if (!chosen) {
      throw new NotAcceptable(`None of the media types in Accept '${request.headers.accept}' can be produced; this resource offers ${produces.join(', ')}.`);
    }
  });
}
