import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PlacementService } from '../../placement/service.js';
import { installBasicAuth } from '../auth-guard.js';
import { problemFromError, sendProblem } from '../problem.js';
import { ProblemResponses } from '../common.js';

// The ONAP OOF placement API (seed 002) at OSDF's real paths: POST /api/oof/v1/placement (and
// its alias /api/oof/placement/v1), plus mecano's GET /api/oof/v1/placement/{requestId}.
// Authentication: when OOF users are configured (MECANO_OOF_USERS, OSDF's osdfPlacementUsername/
// Password) these routes take them — or the service-wide users — and the service-wide guard
// leaves them alone (app.ts); otherwise the service-wide guard applies as everywhere.

export interface OofPluginOptions {
  placement: PlacementService;
  /** OOF users and the service-wide users; empty: no guard of its own. */
  users: { user: string; password: string }[];
}

const Answer = Type.Object(
  { requestId: Type.String(), transactionId: Type.String(), requestStatus: Type.String(), statusMessage: Type.String() },
  { additionalProperties: true },
);
const open = Type.Object({}, { additionalProperties: true });
const Params = Type.Object({ requestId: Type.String({ minLength: 1, maxLength: 255 }) });

export const oofPlacementPlugin: FastifyPluginAsync<OofPluginOptions> = async (app: FastifyInstance, opts) => {
  const { placement } = opts;
  installBasicAuth(app, opts.users, () => false);
  // A body that is not JSON is refused in the API's own terms, like every other bad request.
  app.setErrorHandler((err, request, reply) => {
    const p = problemFromError(err, request);
    if (p.status !== 400 || !request.url.includes('/placement') || request.method !== 'POST') return sendProblem(reply, p);
    return reply.code(400).send({ requestId: '', transactionId: '', requestStatus: 'failed', statusMessage: `The request cannot be accepted: ${p.detail}` });
  });

  const accept = {
    schema: { tags: ['oof'], summary: 'Placement (homing) request; the answer is POSTed to callbackUrl', body: open, response: { 202: Answer, 400: Answer } },
  };
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const r = await placement.accept(request.body);
    // OSDF's version headers (placementVersioningEnabled), for clients that log them.
    reply.header('X-MinorVersion', '0');
    reply.header('X-PatchVersion', '0');
    reply.header('X-LatestVersion', '1.0.0');
    return reply.code(r.status).send(r.body);
  };
  app.post('/api/oof/v1/placement', accept, handler);
  app.post('/api/oof/placement/v1', accept, handler);

  app.get('/api/oof/v1/placement/:requestId', {
    schema: { tags: ['oof'], summary: 'Status, solutions and explanation of a placement request (mecano extension)', params: Params, response: { 200: open, ...ProblemResponses } },
  }, async (request) => placement.get((request.params as { requestId: string }).requestId));

  app.get('/api/oof/v1/healthcheck', { config: { produces: ['text/plain'] }, schema: { tags: ['oof'] } }, async (_request, reply) => reply.type('text/plain').send('OK'));
};
