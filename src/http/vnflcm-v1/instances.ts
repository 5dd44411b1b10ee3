import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import type { LcmService } from '../../lcm/service.js';
import type { LcmOperation } from '../../lcm/model.js';
import type { PackageRecords } from '../../packages/package-records.js';
import { NotFound } from '../../errors.js';
import { healRequestToV3, linkRequestToV3, modifyRequestToV3, type PackageRef } from '../../lcm/v1-mapping.js';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses, Uuid, type BaseUrl } from '../common.js';
import { opOccViewV1, vnfInstanceViewV1 } from './views.js';
import * as S from './schemas.js';

// /vnflcm/v1/vnf_instances and its task resources (SOL003 v2.6.1 5.4.2–5.4.9; seed 003). Each
// request is mapped to the engine's parameters (src/lcm/v1-mapping.ts) and handed to the same
// LcmService as /vnflcm/v2, so an instance is one thing whichever API touches it.

const InstanceParams = Type.Object({ vnfInstanceId: Uuid });
const Open = Type.Object({}, { additionalProperties: true });
type Body = Record<string, unknown>;

export interface LcmV1RouteDeps {
  lcm: LcmService;
  records: PackageRecords;
  baseUrl: BaseUrl;
}

/** Turns a v1 body into engine parameters; may read the instance (heal) or a package (modify). */
type ToEngine = (instanceId: string, body: Body) => Promise<Body>;

export function instanceRoutesV1(scope: FastifyInstance, deps: LcmV1RouteDeps): void {
  const { lcm, baseUrl } = deps;
  const tags = ['vnflcm-v1'];

  scope.post('/vnf_instances', { schema: { tags, body: S.CreateVnfRequest, response: { 201: Open, ...ProblemResponses } } }, async (request, reply) => {
    const doc = await lcm.createInstance(request.body as { vnfdId: string; vnfInstanceName?: string; vnfInstanceDescription?: string; metadata?: Body });
    const view = vnfInstanceViewV1(baseUrl(), doc);
    return reply.code(201).header('Location', view._links.self.href).send(view);
  });

  scope.get('/vnf_instances', { schema: { tags, querystring: ListQuerySchema, response: { 200: Type.Array(Open), ...ProblemResponses } } }, async (request, reply) => {
    const page = await lcm.listInstances(request.query as Record<string, string>);
    setNextLink(reply, request, page.nextMarker);
    return page.items.map((d) => vnfInstanceViewV1(baseUrl(), d));
  });

  scope.get('/vnf_instances/:vnfInstanceId', { schema: { tags, params: InstanceParams, response: { 200: Open, ...ProblemResponses } } }, async (request) => {
    const { vnfInstanceId } = request.params as { vnfInstanceId: string };
    return vnfInstanceViewV1(baseUrl(), await lcm.getInstance(vnfInstanceId));
  });

  scope.delete('/vnf_instances/:vnfInstanceId', { schema: { tags, params: InstanceParams, response: { 204: Type.Null(), ...ProblemResponses } } }, async (request, reply) => {
    const { vnfInstanceId } = request.params as { vnfInstanceId: string };
    await lcm.deleteInstance(vnfInstanceId);
    return reply.code(204).send();
  });

  const operation = (method: 'POST' | 'PATCH', url: string, op: LcmOperation, body: TSchema, toEngine: ToEngine) => {
    scope.route({
      method,
      url,
      schema: { tags, params: InstanceParams, body, response: { 202: Type.Null(), ...ProblemResponses } },
      handler: async (request, reply) => {
        const { vnfInstanceId } = request.params as { vnfInstanceId: string };
        const params = await toEngine(vnfInstanceId, request.body as Body);
        const occ = await lcm.requestOperation(vnfInstanceId, op, params);
        return reply.code(202).header('Location', `${baseUrl()}/vnflcm/v1/vnf_lcm_op_occs/${occ.id}`).send();
      },
    });
  };
  const asIs: ToEngine = async (_id, body) => body;
  const links: ToEngine = async (_id, body) => linkRequestToV3(body);
  const heal: ToEngine = async (id, body) => healRequestToV3(await lcm.getInstance(id), body);
  const modify: ToEngine = async (id, body) => {
    await lcm.getInstance(id); // 404 before any check of the body's references
    return modifyRequestToV3(body, (pkgId) => packageRef(deps.records, pkgId));
  };
  // SOL003 defines modify as PATCH; the seed (Tacker's api-ref) shows it as POST on the same URI.
  operation('PATCH', '/vnf_instances/:vnfInstanceId', 'MODIFY_INFO', S.VnfInfoModificationRequest, modify);
  operation('POST', '/vnf_instances/:vnfInstanceId', 'MODIFY_INFO', S.VnfInfoModificationRequest, modify);
  operation('POST', '/vnf_instances/:vnfInstanceId/instantiate', 'INSTANTIATE', S.InstantiateVnfRequest, links);
  operation('POST', '/vnf_instances/:vnfInstanceId/terminate', 'TERMINATE', S.TerminateVnfRequest, asIs);
  operation('POST', '/vnf_instances/:vnfInstanceId/scale', 'SCALE', S.ScaleVnfRequest, asIs);
  operation('POST', '/vnf_instances/:vnfInstanceId/heal', 'HEAL', S.HealVnfRequest, heal);
  operation('POST', '/vnf_instances/:vnfInstanceId/change_ext_conn', 'CHANGE_EXT_CONN', S.ChangeExtVnfConnectivityRequest, links);
}

async function packageRef(records: PackageRecords, pkgId: string): Promise<PackageRef | undefined> {
  try {
    const p = await records.get(pkgId);
    return { id: p.id, onboardingState: p.onboardingState, ...(typeof p.vnfdId === 'string' ? { vnfdId: p.vnfdId } : {}) };
  } catch (e) {
    if (e instanceof NotFound) return undefined;
    throw e;
  }
}
