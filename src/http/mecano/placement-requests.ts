import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PlacementService } from '../../placement/service.js';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses } from '../common.js';

// /mecano/v1/placement/requests: the OOF requests mecano holds, with SOL013 queries, e.g.
// ?filter=(eq,requestStatus,failed)&fields=placement — `placement` (explanation, statistics,
// policies applied) and `solutions` are excluded from lists by default.

const Params = Type.Object({ requestId: Type.String({ minLength: 1, maxLength: 255 }) });
const open = Type.Object({}, { additionalProperties: true });

export function placementRequestRoutes(app: FastifyInstance, deps: { placement: PlacementService }): void {
  const { placement } = deps;

  app.get('/mecano/v1/placement/requests', {
    schema: { tags: ['mecano'], querystring: ListQuerySchema, response: { 200: Type.Array(open), ...ProblemResponses } },
  }, async (request, reply) => {
    const page = await placement.list(request.query as Record<string, string>);
    setNextLink(reply, request, page.nextMarker);
    return page.items;
  });

  app.get('/mecano/v1/placement/requests/:requestId', {
    schema: { tags: ['mecano'], params: Params, response: { 200: open, ...ProblemResponses } },
  }, async (request) => placement.get((request.params as { requestId: string }).requestId));
}
