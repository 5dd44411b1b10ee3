import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Notifier } from '../../notify/index.js';
import { NotificationRecordSchema } from '../../notify/schemas.js';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses } from '../common.js';

// /mecano/v1/notifications: the outbox as operators need to see it (mecano's own API, no peer
// defines one). SOL013 filters work on every record attribute, e.g.
// ?filter=(eq,state,failed);(eq,subscriptionId,<id>);(eq,notificationType,VnfLcmOperationOccurrenceNotification)
// The notification body is excluded by default (fields=notification or all_fields to get it).

const open = { additionalProperties: true } as const;
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) });

export function notificationRoutes(app: FastifyInstance, deps: { notifier: Notifier }): void {
  const { notifier } = deps;

  app.get('/mecano/v1/notifications', {
    schema: { tags: ['mecano'], querystring: ListQuerySchema, response: { 200: Type.Array(Type.Object({}, open)), ...ProblemResponses } },
  }, async (request, reply) => {
    const page = await notifier.notifications.list(request.query as Record<string, string>);
    setNextLink(reply, request, page.nextMarker);
    return page.items;
  });

  app.get('/mecano/v1/notifications/:id', {
    schema: { tags: ['mecano'], params: Params, response: { 200: NotificationRecordSchema, ...ProblemResponses } },
  }, async (request) => {
    const { id } = request.params as { id: string };
    return notifier.notifications.get(id);
  });

  app.post('/mecano/v1/notifications/:id/redeliver', {
    schema: { tags: ['mecano'], params: Params, response: { 202: NotificationRecordSchema, ...ProblemResponses } },
  }, async (request, reply) => {
    const { id } = request.params as { id: string };
    return reply.code(202).send(await notifier.notifications.redeliver(id));
  });
}
