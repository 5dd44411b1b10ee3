import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ProblemError } from '../errors.js';

// HTTP Basic authentication, on when users are configured (mandatory off loopback: see config).
// Comparison in constant time; the password is never logged (pino redacts the header).

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function installBasicAuth(app: FastifyInstance, users: { user: string; password: string }[], open: (url: string) => boolean): void {
  if (users.length === 0) return;
  app.addHook('onRequest', async (request, reply) => {
    if (open(request.url)) return;
    const h = request.headers.authorization ?? '';
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(h);
    if (m) {
      const decoded = Buffer.from(m[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      const user = decoded.slice(0, i);
      const password = decoded.slice(i + 1);
      if (i > 0 && users.some((u) => same(u.user, user) && same(u.password, password))) return;
    }
    reply.header('WWW-Authenticate', 'Basic realm="mecano"');
    throw new ProblemError(401, 'UNAUTHORIZED', 'Authentication required: send HTTP Basic credentials.');
  });
}
