import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Notifier, PkgSubscriptionDoc } from '../../notify/index.js';
import { PkgmSubscriptionRequest, type PkgmSubscriptionRequestInput } from '../../notify/schemas.js';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses, type BaseUrl } from '../common.js';

// /vnfpkgm/v1/subscriptions and /subscriptions/{subscriptionId} (SOL005 v2.6.1 9.4.8, 9.4.9),
// over the same notification machinery as VNF LCM. Identical subscription → 303 See Other
// (SOL005 9.4.8.3.1) unless the notifier is configured for 201.

const open = { additionalProperties: true } as const;
const Link = Type.Object({ href: Type.String() }, open);

// SOL005 v2.6.1 9.5.2.4 PkgmSubscription (no `authentication`: credentials are never returned).
export const PkgmSubscriptionSchema = Type.Object(
  { id: Type.String(), filter: Type.Optional(Type.Object({}, open)), callbackUri: Type.String(), _links: Type.Object({ self: Link }, open) },
  open,
);

const Params = Type.Object({ subscriptionId: Type.String({ minLength: 1, maxLength: 255 }) });

export function pkgmSubscriptionView(base: string, doc: Partial<PkgSubscriptionDoc>) {
  return { ...doc, _links: { self: { href: `${base}/vnfpkgm/v1/subscriptions/${doc.id}` } } };
}

export function packageSubscriptionRoutes(scope: FastifyInstance, deps: { notifier: Notifier; baseUrl: BaseUrl }): void {
  const { notifier, baseUrl } = deps;

  scope.post('/subscriptions', {
    schema: {
      tags: ['vnfpkgm'],
      body: PkgmSubscriptionRequest,
      response: { 201: PkgmSubscriptionSchema, 303: Type.Null({ description: 'An identical subscription exists: see Location.' }), ...ProblemResponses },
    },
  }, async (request, reply) => {
    const result = await notifier.packages.create(request.body as PkgmSubscriptionRequestInput);
    const view = pkgmSubscriptionView(baseUrl(), result.subscription);
    reply.header('Location', view._links.self.href);
    if (!result.created) return reply.code(303).send();
    return reply.code(201).send(view);
  });

  scope.get('/subscriptions', {
    schema: { tags: ['vnfpkgm'], querystring: ListQuerySchema, response: { 200: Type.Array(Type.Object({}, open)), ...ProblemResponses } },
  }, async (request, reply) => {
    const page = await notifier.packages.list(request.query as Record<string, string>);
    setNextLink(reply, request, page.nextMarker);
    return page.items.map((d) => pkgmSubscriptionView(baseUrl(), d));
  });

  scope.get('/subscriptions/:subscriptionId', {
    schema: { tags: ['vnfpkgm'], params: Params, response: { 200: PkgmSubscriptionSchema, ...ProblemResponses } },
  }, async (request) => {
    const { subscriptionId } = request.params as { subscriptionId: string };
    return pkgmSubscriptionView(baseUrl(), await notifier.packages.get(subscriptionId));
  });

  scope.delete('/subscriptions/:subscriptionId', {
    schema: { tags: ['vnfpkgm'], params: Params, response: { 204: Type.Null(), ...ProblemResponses } },
  }, async (request, reply) => {
    const { subscriptionId } = request.params as { subscriptionId: string };
    await notifier.packages.delete(subscriptionId);
    return reply.code(204).send();
  });
}
