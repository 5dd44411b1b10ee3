import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import { NotAcceptable } from '../../errors.js';
import type { Body, PackageContent, PackageRef } from '../../packages/package-content.js';
import { negotiate } from '../media.js';
import { Uuid } from '../common.js';
import { ProblemDetailsSchema } from '../../packages/vnf-pkg-info.js';
import { rangePicker, sendRanged } from './range.js';

// Reading an onboarded package over /vnfpkgm/v1, by package id (SOL005 9.4.4, 9.4.5, 10.4.4a,
// 10.4.7) and, as Tacker serves them, by vnfdId under /onboarded_vnf_packages/{vnfdId}:
// package_content (application/zip, Range), vnfd (text/plain or application/zip per Accept),
// manifest (text/plain; a ZIP with the certificate on include_signatures), artifacts/{path}
// (any file of the package, Range). 404 unknown package or file, 409 not ONBOARDED.

const Problems = { 404: ProblemDetailsSchema, 406: ProblemDetailsSchema, 409: ProblemDetailsSchema, 416: ProblemDetailsSchema };
const Flag = Type.Optional(Type.String({ description: 'Flag: the value, if any, is ignored.' }));

interface Base {
  prefix: string;
  params: Record<string, TSchema>;
  ref: (request: FastifyRequest) => PackageRef;
}

const BASES: Base[] = [
  { prefix: '/vnf_packages/:vnfPkgId', params: { vnfPkgId: Uuid }, ref: (r) => ({ id: (r.params as { vnfPkgId: string }).vnfPkgId }) },
  {
    prefix: '/onboarded_vnf_packages/:vnfdId',
    params: { vnfdId: Type.String({ minLength: 1, maxLength: 255 }) },
    ref: (r) => ({ vnfdId: (r.params as { vnfdId: string }).vnfdId }),
  },
];

const accepts = (request: FastifyRequest, type: string) => negotiate(request.headers.accept, [type]) !== undefined;

function sendBody(request: FastifyRequest, reply: FastifyReply, b: Body) {
  if (!accepts(request, b.contentType)) {
    throw new NotAcceptable(`The representation is ${b.contentType}, which Accept '${request.headers.accept}' does not allow.`);
  }
  reply.type(b.contentType);
  if (b.size !== undefined) reply.header('Content-Length', String(b.size));
  return reply.send(b.body);
}

export function packageReadRoutes(scope: FastifyInstance, deps: { content: PackageContent }): void {
  const { content } = deps;
  for (const base of BASES) {
    const tags = ['vnfpkgm'];
    const params = Type.Object(base.params);

    scope.get(`${base.prefix}/package_content`, {
      schema: { tags, params, response: Problems },
      config: { produces: ['application/zip'] },
    }, async (request, reply) => {
      const pkg = await content.onboarded(base.ref(request));
      const range = rangePicker(request, reply)(pkg.size);
      return sendRanged(reply, await content.content(pkg, range), { contentType: 'application/zip', size: pkg.size, range });
    });

    scope.get(`${base.prefix}/vnfd`, {
      schema: { tags, params, response: Problems },
      config: { produces: ['text/plain', 'application/zip'] },
    }, async (request, reply) => {
      const pkg = await content.onboarded(base.ref(request));
      // SOL005 9.4.4.3.2: a ZIP whenever Accept allows one (also when it allows text/plain too).
      const format = accepts(request, 'application/zip') ? 'zip' : 'text';
      return sendBody(request, reply, await content.vnfd(pkg, format));
    });

    scope.get(`${base.prefix}/manifest`, {
      schema: { tags, params, querystring: Type.Object({ include_signatures: Flag }), response: Problems },
      config: { produces: ['text/plain', 'application/zip'] },
    }, async (request, reply) => {
      const pkg = await content.onboarded(base.ref(request));
      const includeSignatures = (request.query as { include_signatures?: string }).include_signatures !== undefined;
      return sendBody(request, reply, await content.manifest(pkg, includeSignatures));
    });

    // The artifact's media type is only known from its name: negotiation happens per request.
    scope.get(`${base.prefix}/artifacts/*`, {
      schema: { tags, params: Type.Object({ ...base.params, '*': Type.String({ minLength: 1, maxLength: 1024 }) }), querystring: Type.Object({ include_signatures: Flag }), response: Problems },
      config: { produces: [] },
    }, async (request, reply) => {
      const pkg = await content.onboarded(base.ref(request));
      const artifactPath = (request.params as Record<string, string>)['*'];
      if ((request.query as { include_signatures?: string }).include_signatures !== undefined) {
        return sendBody(request, reply, await content.artifactWithSignatures(pkg, artifactPath));
      }
      const a = await content.artifact(pkg, artifactPath, rangePicker(request, reply));
      if (!accepts(request, a.contentType)) {
        if (!Buffer.isBuffer(a.body)) a.body.destroy();
        throw new NotAcceptable(`${artifactPath} is ${a.contentType}, which Accept '${request.headers.accept}' does not allow.`);
      }
      return sendRanged(reply, a.body, { contentType: a.contentType, size: a.size, range: a.range });
    });
  }
}
