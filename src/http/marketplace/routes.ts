import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { BadRequest } from '../../errors.js';
import type { Marketplace, MarketplaceParams } from '../../packages/marketplace.js';
import { ProblemDetailsSchema } from '../../packages/vnf-pkg-info.js';
import type { BaseUrl } from '../common.js';
import { setNextLink } from '../sol013.js';
import { negotiate } from '../media.js';
import { rangePicker, sendRanged } from '../vnfpkgm/range.js';
import { checkDeclaredLength, guarded, multipartUpload } from '../vnfpkgm/upload-body.js';
import { PackageMetaDataSchema, packageMetaData } from './views.js';

// Marketplace API (seed 004) under one prefix: /csars upload, list, read, download, re-upload
// (VNF SDK's POST /csars/{csarId}/reupload), delete. Errors are ProblemDetails with the right
// status (ONAP answers 417 for everything, 200 for unknown ids).

const Problems = { 400: ProblemDetailsSchema, 404: ProblemDetailsSchema, 409: ProblemDetailsSchema, 413: ProblemDetailsSchema, 415: ProblemDetailsSchema, 416: ProblemDetailsSchema, 422: ProblemDetailsSchema };
const CsarParams = Type.Object({ csarId: Type.String({ format: 'uuid' }) });
const UploadResponse = Type.Object({ csarId: Type.String() });
const Attr = Type.Optional(Type.String({ minLength: 1, maxLength: 300 }));

// Unknown parameters are refused: a misspelt filter silently matching everything is ONAP's bug.
const ListQuery = Type.Object(
  {
    name: Attr,
    version: Attr,
    type: Attr,
    provider: Attr,
    deletionPending: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
    nextpage_opaque_marker: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export interface MarketplaceRouteDeps {
  marketplace: Marketplace;
  uploadLimit: number;
  baseUrl: BaseUrl;
  /** Where this copy of the API is mounted (downloadUri points back at it). */
  prefix: string;
}

/** The `params` part: JSON {details, shortDesc, remarks} as VNF SDK clients send it. */
function uploadParams(fields: Record<string, string>): MarketplaceParams | undefined {
  const raw = fields.params;
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new BadRequest("The multipart field 'params' must be JSON such as {\"shortDesc\": \"...\", \"details\": \"...\"}.", 'INVALID_PARAMS');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadRequest("The multipart field 'params' must be a JSON object.", 'INVALID_PARAMS');
  return v as MarketplaceParams;
}

function requireMultipart(request: FastifyRequest): void {
  if (!request.isMultipart()) throw new BadRequest("Upload the CSAR as multipart/form-data with the file in the part named 'file'.", 'MULTIPART_REQUIRED');
}

export function marketplaceRoutes(scope: FastifyInstance, deps: MarketplaceRouteDeps): void {
  const { marketplace, uploadLimit } = deps;
  const tags = ['marketplace'];
  const filesUri = (id: string) => `${deps.baseUrl()}${deps.prefix}/csars/${id}/files`;

  scope.post('/csars', { schema: { tags, response: { 200: UploadResponse, ...Problems } } }, async (request, reply) => {
    requireMultipart(request);
    const csarId = await guarded(reply, async () => {
      checkDeclaredLength(request, uploadLimit + 64 * 1024);
      const { result, fields } = await multipartUpload(request, (file) => marketplace.upload(file, uploadLimit));
      let params: MarketplaceParams | undefined;
      try {
        params = uploadParams(fields);
      } catch (e) {
        // `params` may follow the file: the upload is all or nothing, so the package goes again.
        await marketplace.delete(result);
        throw e;
      }
      if (params) await marketplace.describe(result, params);
      return result;
    });
    reply.header('Location', `${deps.baseUrl()}${deps.prefix}/csars/${csarId}`);
    return { csarId };
  });

  scope.post('/csars/:csarId/reupload', { schema: { tags, params: CsarParams, response: { 200: UploadResponse, ...Problems } } }, async (request, reply) => {
    requireMultipart(request);
    const { csarId } = request.params as { csarId: string };
    await guarded(reply, async () => {
      checkDeclaredLength(request, uploadLimit + 64 * 1024);
      const { fields } = await multipartUpload(request, (file) => marketplace.reupload(csarId, file, uploadLimit));
      const params = uploadParams(fields);
      if (params) await marketplace.describe(csarId, params);
    });
    return { csarId };
  });

  scope.get('/csars', { schema: { tags, querystring: ListQuery, response: { 200: Type.Array(PackageMetaDataSchema), ...Problems } } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const page = await marketplace.list({
      name: q.name,
      version: q.version,
      type: q.type,
      provider: q.provider,
      deletionPending: q.deletionPending === undefined ? undefined : q.deletionPending === 'true',
      marker: q.nextpage_opaque_marker,
    });
    setNextLink(reply, request, page.nextMarker);
    return page.items.map((p) => packageMetaData(p, filesUri(p.csarId)));
  });

  scope.get('/csars/:csarId', { schema: { tags, params: CsarParams, response: { 200: PackageMetaDataSchema, ...Problems } } }, async (request) => {
    const { csarId } = request.params as { csarId: string };
    return packageMetaData(await marketplace.get(csarId), filesUri(csarId));
  });

  scope.get('/csars/:csarId/files', {
    schema: { tags, params: CsarParams, response: Problems },
    config: { produces: ['application/octet-stream', 'application/zip'] },
  }, async (request, reply) => {
    const { csarId } = request.params as { csarId: string };
    const contentType = negotiate(request.headers.accept, ['application/octet-stream', 'application/zip']) ?? 'application/octet-stream';
    const d = await marketplace.download(csarId, rangePicker(request, reply));
    return sendRanged(reply, d.stream, { contentType, size: d.size, range: d.range, fileName: `${d.name}.csar` });
  });

  scope.delete('/csars/:csarId', { schema: { tags, params: CsarParams, response: { 204: Type.Null(), ...Problems } } }, async (request, reply) => {
    const { csarId } = request.params as { csarId: string };
    await marketplace.delete(csarId);
    return reply.code(204).send();
  });
}
