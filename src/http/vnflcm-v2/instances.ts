import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import type { LcmService } from '../../lcm/service.js';
import type { LcmOperation } from '../../lcm/model.js';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses, Uuid, type BaseUrl } from '../common.js';
import { opOccView, vnfInstanceView } from './views.js';
import * as S from './schemas.js';

// /vnflcm/v2/vnf_instances and the task resources that start lifecycle operations (SOL003 5.4.2–5.4.11a).

const InstanceParams = Type.Object({ vnfInstanceId: Uuid });
const Open = Type.Object({}, { additionalProperties: true });

export interface LcmRouteDeps {
  lcm: LcmService;
  baseUrl: BaseUrl;
}

export function instanceRoutes(scope: FastifyInstance, deps: LcmRouteDeps): void {
  const { lcm, baseUrl } = deps;
  const tags = ['vnflcm-v2'];

  scope.post('/vnf_instances', { schema: { tags, body: S.CreateVnfRequest, response: { 201: Open, ...ProblemResponses } } }, async (request, reply) => {
    const doc = await lcm.createInstance(request.body as { vnfdId: string; vnfInstanceName?: string; vnfInstanceDescription?: string; metadata?: Record<string, unknown> });
    const view = vnfInstanceView(baseUrl(), doc);
    return reply.code(201).header('Location', view._links.self.href).send(view);
  });

  scope.get('/vnf_instances', { schema: { tags, querystring: ListQuerySchema, response: { 200: Type.Array(Open), ...ProblemResponses } } }, async (request, reply) => {
    const page = await lcm.listInstances(request.query as Record<string, string>);
    setNextLink(reply, request, page.nextMarker);
    return page.items.map((d) => vnfInstanceView(baseUrl(), d));
  });

  scope.get('/vnf_instances/:vnfInstanceId', { schema: { tags, params: InstanceParams, response: { 200: Open, ...ProblemResponses } } }, async (request) => {
    const { vnfInstanceId } = request.params as { vnfInstanceId: string };
    return vnfInstanceView(baseUrl(), await lcm.getInstance(vnfInstanceId));
  });

  scope.delete('/vnf_instances/:vnfInstanceId', { schema: { tags, params: InstanceParams, response: { 204: Type.Null(), ...ProblemResponses } } }, async (request, reply) => {
    const { vnfInstanceId } = request.params as { vnfInstanceId: string };
    await lcm.deleteInstance(vnfInstanceId);
    return reply.code(204).send();
  });

  const operation = (method: 'POST' | 'PATCH', url: string, op: LcmOperation, body: TSchema) => {
    scope.route({
      method,
      url,
      schema: { tags, params: InstanceParams, body, response: { 202: Type.Null(), ...ProblemResponses } },
      handler: async (request, reply) => {
        const { vnfInstanceId } = request.params as { vnfInstanceId: string };
        const occ = await lcm.requestOperation(vnfInstanceId, op, request.body as Record<string, unknown>);
        return reply.code(202).header('Location', opOccView(baseUrl(), occ)._links.self.href).send();
      },
    });
  };
  operation('PATCH', '/vnf_instances/:vnfInstanceId', 'MODIFY_INFO', S.VnfInfoModificationRequest);
  operation('POST', '/vnf_instances/:vnfInstanceId/instantiate', 'INSTANTIATE', S.InstantiateVnfRequest);
  operation('POST', '/vnf_instances/:vnfInstanceId/terminate', 'TERMINATE', S.TerminateVnfRequest);
  operation('POST', '/vnf_instances/:vnfInstanceId/scale', 'SCALE', S.ScaleVnfRequest);
  operation('POST', '/vnf_instances/:vnfInstanceId/heal', 'HEAL', S.HealVnfRequest);
  operation('POST', '/vnf_instances/:vnfInstanceId/change_ext_conn', 'CHANGE_EXT_CONN', S.ChangeExtVnfConnectivityRequest);
  operation('POST', '/vnf_instances/:vnfInstanceId/change_vnfpkg', 'CHANGE_VNFPKG', S.ChangeCurrentVnfPkgRequest);
}
