import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Notifier } from '../../notify/index.js';
import type { LccnSubscriptionRequestInput } from '../../notify/schemas.js';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses, type BaseUrl } from '../common.js';
import { LccnSubscriptionRequestV1 } from './schemas.js';
import { lccnSubscriptionViewV1 } from './views.js';

// /vnflcm/v1/subscriptions (SOL003 v2.6.1 5.4.18, 5.4.19; seed 003). The subscriptions are the
// notifier's, stored with api 'v1': they are listed here only, and their notifications are
// rendered in v2.6.1 shapes. Duplicate and callback-test rules are the notifier's (as for v2).

const open = { additionalProperties: true } as const;
const Link = Type.Object({ href: Type.String() }, open);

// SOL003 v2.6.1 5.5.2.16 LccnSubscription. No `authentication`: credentials are never returned.
const LccnSubscriptionV1 = Type.Object(
  { id: Type.String(), filter: Type.Optional(Type.Object({}, open)), callbackUri: Type.String(), _links: Type.Object({ self: Link }, open) },
  open,
);

const Params = Type.Object({ subscriptionId: Type.String({ minLength: 1, maxLength: 255 }) });

export function lcmSubscriptionRoutesV1(scope: FastifyInstance, deps: { notifier: Notifier; baseUrl: BaseUrl }): void {
  const { notifier, baseUrl } = deps;
  const tags = ['vnflcm-v1'];
  const api = { api: 'v1' };

  scope.post('/subscriptions', {
    schema: { tags, body: LccnSubscriptionRequestV1, response: { 201: LccnSubscriptionV1, 303: Type.Null({ description: 'An identical subscription exists: see Location.' }), ...ProblemResponses } },
  }, async (request, reply) => {
    // v2.6.1 has no verbosity: a v1 subscriber gets every detail (stored as FULL).
    const { verbosity: _ignored, ...body } = request.body as LccnSubscriptionRequestInput;
    const result = await notifier.lcm.create(body, api);
    const view = lccnSubscriptionViewV1(baseUrl(), result.subscription);
    reply.header('Location', view._links.self.href);
    if (!result.created) return reply.code(303).send();
    return reply.code(201).send(view);
  });

  scope.get('/subscriptions', { schema: { tags, querystring: ListQuerySchema, response: { 200: Type.Array(Type.Object({}, open)), ...ProblemResponses } } }, async (request, reply) => {
    const page = await notifier.lcm.list(request.query as Record<string, string>, api);
    setNextLink(reply, request, page.nextMarker);
    return page.items.map((d) => lccnSubscriptionViewV1(baseUrl(), d));
  });

  scope.get('/subscriptions/:subscriptionId', { schema: { tags, params: Params, response: { 200: LccnSubscriptionV1, ...ProblemResponses } } }, async (request) => {
    const { subscriptionId } = request.params as { subscriptionId: string };
    return lccnSubscriptionViewV1(baseUrl(), await notifier.lcm.get(subscriptionId, api));
  });

  scope.delete('/subscriptions/:subscriptionId', { schema: { tags, params: Params, response: { 204: Type.Null(), ...ProblemResponses } } }, async (request, reply) => {
    const { subscriptionId } = request.params as { subscriptionId: string };
    await notifier.lcm.delete(subscriptionId, api);
    return reply.code(204).send();
  });
}
