import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses, Uuid } from '../common.js';
import { opOccView } from './views.js';
import { CancelMode } from './schemas.js';
import type { LcmRouteDeps } from './instances.js';

// /vnflcm/v2/vnf_lcm_op_occs and its task resources retry, rollback, fail (Tacker) and cancel (SOL003 5.4.17).

const OpParams = Type.Object({ vnfLcmOpOccId: Uuid });
const Open = Type.Object({}, { additionalProperties: true });

export function opOccRoutes(scope: FastifyInstance, deps: LcmRouteDeps): void {
  const { lcm, baseUrl } = deps;
  const tags = ['vnflcm-v2'];

  scope.get('/vnf_lcm_op_occs', { schema: { tags, querystring: ListQuerySchema, response: { 200: Type.Array(Open), ...ProblemResponses } } }, async (request, reply) => {
    const page = await lcm.listOpOccs(request.query as Record<string, string>);
    setNextLink(reply, request, page.nextMarker);
    return page.items.map((d) => opOccView(baseUrl(), d));
  });

  scope.get('/vnf_lcm_op_occs/:vnfLcmOpOccId', { schema: { tags, params: OpParams, response: { 200: Open, ...ProblemResponses } } }, async (request) => {
    const { vnfLcmOpOccId } = request.params as { vnfLcmOpOccId: string };
    return opOccView(baseUrl(), await lcm.getOpOcc(vnfLcmOpOccId));
  });

  // Tacker answers retry and rollback with 202 and no body, no Location.
  for (const action of ['retry', 'rollback'] as const) {
    scope.post(`/vnf_lcm_op_occs/:vnfLcmOpOccId/${action}`, { schema: { tags, params: OpParams, response: { 202: Type.Null(), ...ProblemResponses } } }, async (request, reply) => {
      const { vnfLcmOpOccId } = request.params as { vnfLcmOpOccId: string };
      await lcm.taskAction(vnfLcmOpOccId, action);
      return reply.code(202).send();
    });
  }

  scope.post('/vnf_lcm_op_occs/:vnfLcmOpOccId/fail', { schema: { tags, params: OpParams, response: { 200: Open, ...ProblemResponses } } }, async (request) => {
    const { vnfLcmOpOccId } = request.params as { vnfLcmOpOccId: string };
    return opOccView(baseUrl(), await lcm.taskAction(vnfLcmOpOccId, 'fail'));
  });

  scope.post('/vnf_lcm_op_occs/:vnfLcmOpOccId/cancel', { schema: { tags, params: OpParams, body: CancelMode, response: { 202: Type.Null(), ...ProblemResponses } } }, async (request, reply) => {
    const { vnfLcmOpOccId } = request.params as { vnfLcmOpOccId: string };
    const { cancelMode } = request.body as { cancelMode: 'GRACEFUL' | 'FORCEFUL' };
    await lcm.taskAction(vnfLcmOpOccId, 'cancel', { cancelMode });
    return reply.code(202).send();
  });
}
