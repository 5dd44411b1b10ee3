import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PackageRecords } from '../../packages/package-records.js';
import { KeyValuePairs, OperationalState, VnfPkgInfoSchema } from '../../packages/vnf-pkg-info.js';
import { ListQuerySchema, setNextLink } from '../sol013.js';
import { ProblemResponses, Uuid, type BaseUrl } from '../common.js';
import { vnfPkgInfo } from './views.js';
import { BadRequest } from '../../errors.js';

// /vnfpkgm/v1/vnf_packages and /vnf_packages/{vnfPkgId} (SOL005 9.4.2, 9.4.3).

const CreateVnfPkgInfoRequest = Type.Object({ userDefinedData: Type.Optional(KeyValuePairs) }, { additionalProperties: false });
const VnfPkgInfoModifications = Type.Object(
  { operationalState: Type.Optional(OperationalState), userDefinedData: Type.Optional(KeyValuePairs) },
  { additionalProperties: false },
);
const PkgParams = Type.Object({ vnfPkgId: Uuid });
// VnfPkgInfo as stored, extensions included (validationReport, issue item 7): the shared schema
// is a Composite, which would drop every attribute it does not list.
const VnfPkgInfoResponse = Type.Object(VnfPkgInfoSchema.properties, { additionalProperties: true });

export function packageRecordRoutes(scope: FastifyInstance, deps: { records: PackageRecords; baseUrl: BaseUrl }): void {
  const { records, baseUrl } = deps;

  scope.post('/vnf_packages', {
    schema: { tags: ['vnfpkgm'], body: CreateVnfPkgInfoRequest, response: { 201: VnfPkgInfoResponse, ...ProblemResponses } },
  }, async (request, reply) => {
    const body = request.body as { userDefinedData?: Record<string, unknown> };
    const doc = await records.create(body.userDefinedData);
    const view = vnfPkgInfo(baseUrl(), doc);
    return reply.code(201).header('Location', view._links.self.href).send(view);
  });

  scope.get('/vnf_packages', {
    schema: { tags: ['vnfpkgm'], querystring: ListQuerySchema, response: { 200: Type.Array(Type.Object({}, { additionalProperties: true })), ...ProblemResponses } },
  }, async (request, reply) => {
    const page = await records.list(request.query as Record<string, string>);
    setNextLink(reply, request, page.nextMarker);
    return page.items.map((d) => vnfPkgInfo(baseUrl(), d));
  });

  scope.get('/vnf_packages/:vnfPkgId', {
    schema: { tags: ['vnfpkgm'], params: PkgParams, response: { 200: VnfPkgInfoResponse, ...ProblemResponses } },
  }, async (request) => {
    const { vnfPkgId } = request.params as { vnfPkgId: string };
    return vnfPkgInfo(baseUrl(), await records.get(vnfPkgId));
  });

  // Tacker (and SOL003 v3 10.4.3) serve the onboarded package of a VNFD by its vnfdId.
  scope.get('/onboarded_vnf_packages/:vnfdId', {
    schema: { tags: ['vnfpkgm'], params: Type.Object({ vnfdId: Type.String({ minLength: 1, maxLength: 255 }) }), response: { 200: VnfPkgInfoResponse, ...ProblemResponses } },
  }, async (request) => {
    const { vnfdId } = request.params as { vnfdId: string };
    return vnfPkgInfo(baseUrl(), await records.getOnboarded(vnfdId));
  });

  // SOL005 mandates application/merge-patch+json; Tacker's clients send application/json.
  scope.patch('/vnf_packages/:vnfPkgId', {
    schema: { tags: ['vnfpkgm'], params: PkgParams, body: VnfPkgInfoModifications, response: { 200: VnfPkgInfoModifications, ...ProblemResponses } },
  }, async (request) => {
    const { vnfPkgId } = request.params as { vnfPkgId: string };
    const body = request.body as { operationalState?: 'ENABLED' | 'DISABLED'; userDefinedData?: Record<string, unknown> };
    if (body.operationalState === undefined && body.userDefinedData === undefined) {
      throw new BadRequest('VnfPkgInfoModifications must contain operationalState or userDefinedData.', 'EMPTY_MODIFICATIONS');
    }
    return records.modify(vnfPkgId, body);
  });

  scope.delete('/vnf_packages/:vnfPkgId', {
    schema: { tags: ['vnfpkgm'], params: PkgParams, response: { 204: Type.Null(), ...ProblemResponses } },
  }, async (request, reply) => {
    const { vnfPkgId } = request.params as { vnfPkgId: string };
    await records.delete(vnfPkgId);
    return reply.code(204).send();
  });
}
