import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PackageOnboarding } from '../../packages/onboarding.js';
import type { UploadVnfPkgFromUriRequest, UriUploads } from '../../packages/upload-from-uri.js';
import { ProblemResponses, Uuid } from '../common.js';
import { checkDeclaredLength, detachedBody, guarded, multipartUpload } from './upload-body.js';

// Uploading package content (SOL005 9.4.5.3.3 PUT …/package_content, 9.4.6.3.1 POST
// …/package_content/upload_from_uri). PUT answers 202 once the content is stored and processed
// (onboardingState is then ONBOARDED or ERROR); upload_from_uri answers 202 at once, as Tacker
// does, and the states move on in the background.

const PkgParams = Type.Object({ vnfPkgId: Uuid });

// SOL005 v2.6.1 9.5.2.3 (Tacker v1 reads addressInformation, userName, password).
const UploadVnfPkgFromUriRequestSchema = Type.Object(
  {
    addressInformation: Type.String({ minLength: 1, maxLength: 4096 }),
    userName: Type.Optional(Type.String({ maxLength: 255 })),
    password: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);

export interface ContentUploadDeps {
  onboarding: PackageOnboarding;
  uriUploads: UriUploads;
  uploadLimit: number;
}

export function packageContentRoutes(scope: FastifyInstance, deps: ContentUploadDeps): void {
  const { onboarding, uploadLimit } = deps;

  scope.put('/vnf_packages/:vnfPkgId/package_content', {
    schema: { tags: ['vnfpkgm'], params: PkgParams, response: { 202: Type.Null(), ...ProblemResponses } },
  }, async (request, reply) => {
    const { vnfPkgId } = request.params as { vnfPkgId: string };
    await guarded(reply, async () => {
      // A multipart body carries boundaries and headers beside the file.
      checkDeclaredLength(request, request.isMultipart() ? uploadLimit + 64 * 1024 : uploadLimit);
      if (!request.isMultipart()) {
        await onboarding.upload(vnfPkgId, detachedBody(request), uploadLimit);
        return;
      }
      const { result } = await multipartUpload(request, (file) => onboarding.receive(vnfPkgId, file, uploadLimit));
      await onboarding.process(vnfPkgId, result.sha256, result.size);
    });
    return reply.code(202).send();
  });

  scope.post('/vnf_packages/:vnfPkgId/package_content/upload_from_uri', {
    schema: { tags: ['vnfpkgm'], params: PkgParams, body: UploadVnfPkgFromUriRequestSchema, response: { 202: Type.Null(), ...ProblemResponses } },
  }, async (request, reply) => {
    const { vnfPkgId } = request.params as { vnfPkgId: string };
    await deps.uriUploads.start(vnfPkgId, request.body as UploadVnfPkgFromUriRequest);
    return reply.code(202).send();
  });
}
