import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Notifier, LcmSubscriptionDoc } from '../../notify/index.js';
import { LccnSubscriptionRequest, type LccnSubscriptionRequestInput } from '../../notify/schemas.js';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses, type BaseUrl } from '../common.js';

// /vnflcm/v2/subscriptions and /subscriptions/{subscriptionId} (SOL003 v3.3.1 5.4.18, 5.4.19;
// seed 001). An identical subscription answers 303 See Other to the existing one (SOL003
// 5.4.18.3.1) unless the notifier is configured for 201 (Tacker's behaviour).

const open = { additionalProperties: true } as const;
const Link = Type.Object({ href: Type.String() }, open);

// SOL003 v3.3.1 5.5.2.16 LccnSubscription. No `authentication`: credentials are never returned.
export const LccnSubscriptionSchema = Type.Object(
  {
    id: Type.String(),
    filter: Type.Optional(Type.Object({}, open)),
    callbackUri: Type.String(),
    verbosity: Type.Union([Type.Literal('FULL'), Type.Literal('SHORT')]),
    _links: Type.Object({ self: Link }, open),
  },
  open,
);

const Params = Type.Object({ subscriptionId: Type.String({ minLength: 1, maxLength: 255 }) });

export function lccnSubscriptionView(base: string, doc: Partial<LcmSubscriptionDoc>) {
  return { ...doc, _links: { self: { href: `${base}/vnflcm/v2/subscriptions/${doc.id}` } } };
}

export function lcmSubscriptionRoutes(scope: FastifyInstance, deps: { notifier: Notifier; baseUrl: BaseUrl }): void {
  const { notifier, baseUrl } = deps;

  scope.post('/subscriptions', {
    schema: {
      tags: ['vnflcm-v2'],
      body: LccnSubscriptionRequest,
      response: { 201: LccnSubscriptionSchema, 303: Type.Null({ description: 'An identical subscription exists: see Location.' }), ...ProblemResponses },
    },
  }, async (request, reply) => {
    const result = await notifier.lcm.create(request.body as LccnSubscriptionRequestInput, { api: 'v2' });
    const view = lccnSubscriptionView(baseUrl(), result.subscription);
    reply.header('Location', view._links.self.href);
    if (!result.created) return reply.code(303).send();
    return reply.code(201).send(view);
  });

  scope.get('/subscriptions', {
    schema: { tags: ['vnflcm-v2'], querystring: ListQuerySchema, response: { 200: Type.Array(Type.Object({}, open)), ...ProblemResponses } },
  }, async (request, reply) => {
    const page = await notifier.lcm.list(request.query as Record<string, string>, { api: 'v2' });
    setNextLink(reply, request, page.nextMarker);
    return page.items.map((d) => lccnSubscriptionView(baseUrl(), d));
  });

  scope.get('/subscriptions/:subscriptionId', {
    schema: { tags: ['vnflcm-v2'], params: Params, response: { 200: LccnSubscriptionSchema, ...ProblemResponses } },
  }, async (request) => {
    const { subscriptionId } = request.params as { subscriptionId: string };
    return lccnSubscriptionView(baseUrl(), await notifier.lcm.get(subscriptionId, { api: 'v2' }));
  });

  scope.delete('/subscriptions/:subscriptionId', {
    schema: { tags: ['vnflcm-v2'], params: Params, response: { 204: Type.Null(), ...ProblemResponses } },
  }, async (request, reply) => {
    const { subscriptionId } = request.params as { subscriptionId: string };
    await notifier.lcm.delete(subscriptionId, { api: 'v2' });
    return reply.code(204).send();
  });
}
