import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Inventory } from '../../placement/inventory.js';
import { VimInputSchema, VimViewSchema } from '../../placement/inventory-schema.js';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses, type BaseUrl } from '../common.js';

// /mecano/v1/vims: the candidate inventory (VIMs / cloud regions) with SOL013 list queries, e.g.
// ?filter=(eq,cloudOwner,att);(gte,capacity/total/vcpu,64)&fields=name,location
// `capacity.used` (declared external use + what mecano's instances use now) is computed on read,
// so it is shown but cannot be filtered on. MEC hosts appear with kind 'mec-host' (read-only here).

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const open = Type.Object({}, { additionalProperties: true });

export function vimRoutes(app: FastifyInstance, deps: { inventory: Inventory; baseUrl: BaseUrl }): void {
  const { inventory } = deps;

  app.get('/mecano/v1/vims', {
    schema: { tags: ['mecano'], summary: 'Candidate inventory (SOL013 queries)', querystring: ListQuerySchema, response: { 200: Type.Array(open), ...ProblemResponses } },
  }, async (request, reply) => {
    const page = await inventory.list(request.query as Record<string, string>);
    setNextLink(reply, request, page.nextMarker);
    return page.items;
  });

  app.post('/mecano/v1/vims', {
    schema: { tags: ['mecano'], body: VimInputSchema, response: { 201: VimViewSchema, ...ProblemResponses } },
  }, async (request, reply) => {
    const vim = await inventory.create(request.body);
    reply.header('Location', `${deps.baseUrl()}/mecano/v1/vims/${vim.id}`);
    return reply.code(201).send(vim);
  });

  app.get('/mecano/v1/vims/:id', {
    schema: { tags: ['mecano'], params: Params, response: { 200: VimViewSchema, ...ProblemResponses } },
  }, async (request) => inventory.get((request.params as { id: string }).id));

  app.patch('/mecano/v1/vims/:id', {
    schema: { tags: ['mecano'], summary: 'JSON merge patch (RFC 7396); the result is validated as a creation', params: Params, body: open, response: { 200: VimViewSchema, ...ProblemResponses } },
  }, async (request) => inventory.patch((request.params as { id: string }).id, request.body as Record<string, unknown>));

  app.delete('/mecano/v1/vims/:id', {
    schema: { tags: ['mecano'], params: Params, response: { 204: Type.Null(), ...ProblemResponses } },
  }, async (request, reply) => {
    await inventory.delete((request.params as { id: string }).id);
    return reply.code(204).send();
  });
}
