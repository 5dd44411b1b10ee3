import type { FastifyInstance } from 'fastify';
import type { PackageRecords } from '../../packages/package-records.js';
import type { PackageOnboarding } from '../../packages/onboarding.js';
import type { PackageContent } from '../../packages/package-content.js';
import type { UriUploads } from '../../packages/upload-from-uri.js';
import { enforceVersionHeader, registerApiVersions, API_VERSIONS } from '../versions.js';
import type { BaseUrl } from '../common.js';
import { packageRecordRoutes } from './records.js';
import { packageContentRoutes } from './content.js';
import { packageReadRoutes } from './content-read.js';
import { registerUploadParsers } from './upload-body.js';
import { tackerClientCompat } from './client-compat.js';

// The /vnfpkgm/v1 family (SOL005 as Tacker serves it). Version header optional, as in Tacker v1.

export interface VnfpkgmDeps {
  records: PackageRecords;
  onboarding: PackageOnboarding;
  content: PackageContent;
  uriUploads: UriUploads;
  uploadLimit: number;
  baseUrl: BaseUrl;
  extra?: ((scope: FastifyInstance) => void)[];
}

export async function vnfpkgmPlugin(scope: FastifyInstance, deps: VnfpkgmDeps): Promise<void> {
  enforceVersionHeader(scope, { served: [API_VERSIONS.vnfpkgmV1], required: false });
  registerApiVersions(scope, '/api_versions', '/vnfpkgm/v1', [API_VERSIONS.vnfpkgmV1]);
  await registerUploadParsers(scope);
  tackerClientCompat(scope);
  packageRecordRoutes(scope, deps);
  packageContentRoutes(scope, deps);
  packageReadRoutes(scope, deps);
  for (const add of deps.extra ?? []) add(scope);
}
