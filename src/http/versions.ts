import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { BadRequest, NotAcceptable } from '../errors.js';

// API version information (SOL013 9.1) and the `Version` header rules as Tacker serves them:
// v2 requires `Version` (missing/malformed → 400, not served → 406) and every v2 response,
// errors included, carries `Version` and `Accept-Ranges: none`. v1 accepts but does not require it.

export const API_VERSIONS = {
  vnflcmV1: '1.3.0',
  vnflcmV2: '2.0.0',
  vnfpkgmV1: '2.1.0',
} as const;

const VERSION_RE = /^[1-9]\d*\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-impl:.+)?$/;

export const ApiVersionInformation = Type.Object(
  {
    uriPrefix: Type.String(),
    apiVersions: Type.Array(Type.Object({ version: Type.String(), isDeprecated: Type.Optional(Type.Boolean()), retirementDate: Type.Optional(Type.String()) })),
  },
  { $id: 'ApiVersionInformation' },
);

/** Returns the version requested (without the impl suffix), or undefined when absent. */
export function checkVersionSyntax(request: FastifyRequest): string | undefined {
  const raw = request.headers.version;
  if (raw === undefined) return undefined;
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!VERSION_RE.test(v)) throw new BadRequest(`Version String ${v} is of invalid format. Must be of format Major.Minor.Patch.`, 'INVALID_VERSION');
  return v.split('-')[0];
}

export interface VersionPolicy {
  served: string[];
  required: boolean;
  /** Version written on every response of the scope. */
  responseVersion?: string;
}

/** Installs the Version header rules on one encapsulated scope (a plugin's instance). */
export function enforceVersionHeader(scope: FastifyInstance, policy: VersionPolicy): void {
  scope.addHook('onRequest', async (request, reply) => {
    if (policy.responseVersion) {
      reply.header('Version', policy.responseVersion);
      reply.header('Accept-Ranges', 'none');
    }
    const isVersionsDoc = request.url.split('?')[0].endsWith('/api_versions');
    const v = checkVersionSyntax(request);
    if (isVersionsDoc) return;
    if (v === undefined) {
      if (policy.required) throw new BadRequest("'Version' HTTP header missing.", 'VERSION_MISSING');
      return;
    }
    // Families that do not require the header (v1, as in Tacker) accept any well-formed value.
    if (policy.required && !policy.served.includes(v)) throw new NotAcceptable(`Version ${v} not supported.`, 'VERSION_NOT_SUPPORTED');
  });
}

function versionsDoc(uriPrefix: string, versions: string[]) {
  return { uriPrefix, apiVersions: versions.map((version) => ({ version, isDeprecated: false })) };
}

/** GET {uriPrefix}/api_versions (SOL013 9.3.3), registered inside each family's scope so that
 * the family's header rules apply; `url` is relative to the scope's prefix. */
export function registerApiVersions(scope: FastifyInstance, url: string, uriPrefix: string, versions: string[]): void {
  const schema = { response: { 200: ApiVersionInformation }, tags: ['versions'] };
  scope.get(url, { schema }, async (request) => {
    checkVersionSyntax(request);
    return versionsDoc(uriPrefix, versions);
  });
}

/** The family-level documents that list every major version: /vnflcm/api_versions, /vnfpkgm/api_versions. */
export function rootVersionRoutes(app: FastifyInstance): void {
  registerApiVersions(app, '/vnflcm/api_versions', '/vnflcm', [API_VERSIONS.vnflcmV1, API_VERSIONS.vnflcmV2]);
  registerApiVersions(app, '/vnfpkgm/api_versions', '/vnfpkgm', [API_VERSIONS.vnfpkgmV1]);
}
