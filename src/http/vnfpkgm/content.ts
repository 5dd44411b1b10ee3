import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Readable } from 'node:stream';
import type { PackageOnboarding } from '../../packages/onboarding.js';
import { ProblemResponses, Uuid } from '../common.js';

// PUT /vnf_packages/{id}/package_content (SOL005 9.4.5.3.3): the CSAR streams straight into the
// blob store; the request body is never buffered, and the upload limit is enforced while streaming.

const PkgParams = Type.Object({ vnfPkgId: Uuid });

export function packageContentRoutes(scope: FastifyInstance, deps: { onboarding: PackageOnboarding; uploadLimit: number }): void {
  scope.addContentTypeParser(['application/zip', 'application/octet-stream'], (_request, payload, done) => done(null, payload));
  scope.put('/vnf_packages/:vnfPkgId/package_content', {
    schema: { tags: ['vnfpkgm'], params: PkgParams, response: { 202: Type.Null(), ...ProblemResponses } },
    bodyLimit: deps.uploadLimit,
  }, async (request, reply) => {
    const { vnfPkgId } = request.params as { vnfPkgId: string };
    await deps.onboarding.upload(vnfPkgId, request.body as Readable, deps.uploadLimit);
    return reply.code(202).send();
  });
}
