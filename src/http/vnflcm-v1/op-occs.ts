import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses, Uuid } from '../common.js';
import { opOccViewV1 } from './views.js';
import { CancelMode } from './schemas.js';
import type { LcmV1RouteDeps } from './instances.js';

// /vnflcm/v1/vnf_lcm_op_occs and its task resources retry, rollback, fail, cancel
// (SOL003 v2.6.1 5.4.12–5.4.17), over the same occurrences as /vnflcm/v2.

const OpParams = Type.Object({ vnfLcmOpOccId: Uuid });
const Open = Type.Object({}, { additionalProperties: true });

/**
 * python-tackerclient's `vnflcm op list --exclude-fields` sends `exclude-fields` (hyphen) where
 * SOL013 5.3 says `exclude_fields`; without this the option would be silently ignored.
 */
function normaliseQuery(q: Record<string, string>): Record<string, string> {
  if (q['exclude-fields'] === undefined || q.exclude_fields !== undefined) return q;
  const { 'exclude-fields': excluded, ...rest } = q;
  return { ...rest, exclude_fields: excluded };
}

export function opOccRoutesV1(scope: FastifyInstance, deps: Pick<LcmV1RouteDeps, 'lcm' | 'baseUrl'>): void {
  const { lcm, baseUrl } = deps;
  const tags = ['vnflcm-v1'];

  scope.get('/vnf_lcm_op_occs', { schema: { tags, querystring: ListQuerySchema, response: { 200: Type.Array(Open), ...ProblemResponses } } }, async (request, reply) => {
    const page = await lcm.listOpOccs(normaliseQuery(request.query as Record<string, string>));
    setNextLink(reply, request, page.nextMarker);
    return page.items.map((d) => opOccViewV1(baseUrl(), d));
  });

  scope.get('/vnf_lcm_op_occs/:vnfLcmOpOccId', { schema: { tags, params: OpParams, response: { 200: Open, ...ProblemResponses } } }, async (request) => {
    const { vnfLcmOpOccId } = request.params as { vnfLcmOpOccId: string };
    return opOccViewV1(baseUrl(), await lcm.getOpOcc(vnfLcmOpOccId));
  });

  // SOL003 v2.6.1 5.4.14–5.4.15: 202 Accepted without a body.
  for (const action of ['retry', 'rollback'] as const) {
    scope.post(`/vnf_lcm_op_occs/:vnfLcmOpOccId/${action}`, { schema: { tags, params: OpParams, response: { 202: Type.Null(), ...ProblemResponses } } }, async (request, reply) => {
      const { vnfLcmOpOccId } = request.params as { vnfLcmOpOccId: string };
      await lcm.taskAction(vnfLcmOpOccId, action);
      return reply.code(202).send();
    });
  }

  // 5.4.16: fail is synchronous; 200 with the occurrence.
  scope.post('/vnf_lcm_op_occs/:vnfLcmOpOccId/fail', { schema: { tags, params: OpParams, response: { 200: Open, ...ProblemResponses } } }, async (request) => {
    const { vnfLcmOpOccId } = request.params as { vnfLcmOpOccId: string };
    return opOccViewV1(baseUrl(), await lcm.taskAction(vnfLcmOpOccId, 'fail'));
  });

  // 5.4.17: cancel while STARTING, PROCESSING or ROLLING_BACK.
  scope.post('/vnf_lcm_op_occs/:vnfLcmOpOccId/cancel', { schema: { tags, params: OpParams, body: CancelMode, response: { 202: Type.Null(), ...ProblemResponses } } }, async (request, reply) => {
    const { vnfLcmOpOccId } = request.params as { vnfLcmOpOccId: string };
    const { cancelMode } = request.body as { cancelMode: 'GRACEFUL' | 'FORCEFUL' };
    await lcm.taskAction(vnfLcmOpOccId, 'cancel', { cancelMode });
    return reply.code(202).send();
  });
}
