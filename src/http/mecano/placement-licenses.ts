import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { LicensePoolInputSchema, type LicensePools } from '../../placement/license-pools.js';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses, type BaseUrl } from '../common.js';

// /mecano/v1/placement/license-pools: entitlement pools / licence key groups per vendor model.
// `allocated` (licences assigned by completed OOF requests) and `used` (external + allocated)
// are computed on read.

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const open = Type.Object({}, { additionalProperties: true });

export function licensePoolRoutes(app: FastifyInstance, deps: { licenses: LicensePools; baseUrl: BaseUrl }): void {
  const { licenses } = deps;
  const base = '/mecano/v1/placement/license-pools';

  app.get(base, {
    schema: { tags: ['mecano'], querystring: ListQuerySchema, response: { 200: Type.Array(open), ...ProblemResponses } },
  }, async (request, reply) => {
    const page = await licenses.list(request.query as Record<string, string>);
    setNextLink(reply, request, page.nextMarker);
    return page.items;
  });

  app.post(base, {
    schema: { tags: ['mecano'], body: LicensePoolInputSchema, response: { 201: open, ...ProblemResponses } },
  }, async (request, reply) => {
    const p = await licenses.create(request.body);
    reply.header('Location', `${deps.baseUrl()}${base}/${p.id}`);
    return reply.code(201).send(p);
  });

  app.get(`${base}/:id`, {
    schema: { tags: ['mecano'], params: Params, response: { 200: open, ...ProblemResponses } },
  }, async (request) => licenses.get((request.params as { id: string }).id));

  app.patch(`${base}/:id`, {
    schema: { tags: ['mecano'], params: Params, body: open, response: { 200: open, ...ProblemResponses } },
  }, async (request) => licenses.patch((request.params as { id: string }).id, request.body as Record<string, unknown>));

  app.delete(`${base}/:id`, {
    schema: { tags: ['mecano'], params: Params, response: { 204: Type.Null(), ...ProblemResponses } },
  }, async (request, reply) => {
    await licenses.delete((request.params as { id: string }).id);
    return reply.code(204).send();
  });
}
