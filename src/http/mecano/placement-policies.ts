import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Policies } from '../../placement/policies.js';
import { PolicyDocSchema, PolicyInputSchema } from '../../placement/policy-schema.js';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses, type BaseUrl } from '../common.js';

// /mecano/v1/placement/policies: placement policies in OOF's kinds, scoped by service name and
// resource module name; e.g. ?filter=(eq,policyType,DistancePolicy);(cont,scope/services,vCPE)
// The kind-specific `properties` are checked by the domain (400 names each failing field,
// 422 for a policy that cannot mean anything, e.g. an AffinityPolicy over one resource).

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const open = Type.Object({}, { additionalProperties: true });
const PolicyResponse = Type.Object(PolicyDocSchema.properties, { additionalProperties: true });

export function placementPolicyRoutes(app: FastifyInstance, deps: { policies: Policies; baseUrl: BaseUrl }): void {
  const { policies } = deps;
  const base = '/mecano/v1/placement/policies';

  app.get(base, {
    schema: { tags: ['mecano'], querystring: ListQuerySchema, response: { 200: Type.Array(open), ...ProblemResponses } },
  }, async (request, reply) => {
    const page = await policies.list(request.query as Record<string, string>);
    setNextLink(reply, request, page.nextMarker);
    return page.items;
  });

  app.post(base, {
    schema: { tags: ['mecano'], body: PolicyInputSchema, response: { 201: PolicyResponse, ...ProblemResponses } },
  }, async (request, reply) => {
    const p = await policies.create(request.body);
    reply.header('Location', `${deps.baseUrl()}${base}/${p.id}`);
    return reply.code(201).send(p);
  });

  app.get(`${base}/:id`, {
    schema: { tags: ['mecano'], params: Params, response: { 200: PolicyResponse, ...ProblemResponses } },
  }, async (request) => policies.get((request.params as { id: string }).id));

  app.patch(`${base}/:id`, {
    schema: { tags: ['mecano'], summary: 'JSON merge patch; `properties`, when given, replaces the whole object', params: Params, body: open, response: { 200: PolicyResponse, ...ProblemResponses } },
  }, async (request) => policies.patch((request.params as { id: string }).id, request.body as Record<string, unknown>));

  app.delete(`${base}/:id`, {
    schema: { tags: ['mecano'], params: Params, response: { 204: Type.Null(), ...ProblemResponses } },
  }, async (request, reply) => {
    await policies.delete((request.params as { id: string }).id);
    return reply.code(204).send();
  });
}
