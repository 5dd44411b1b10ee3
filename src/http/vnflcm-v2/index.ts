import type { FastifyInstance } from 'fastify';
import type { LcmService } from '../../lcm/service.js';
import { API_VERSIONS, enforceVersionHeader, registerApiVersions } from '../versions.js';
import type { BaseUrl } from '../common.js';
import { instanceRoutes } from './instances.js';
import { opOccRoutes } from './op-occs.js';

// The /vnflcm/v2 family (SOL003 v3.3.1 as Tacker serves it): Version header required, and every
// response carries Version: 2.0.0 and Accept-Ranges: none.

export interface VnflcmV2Deps {
  lcm: LcmService;
  baseUrl: BaseUrl;
  /** Extra route sets (subscriptions) registered in the same scope. */
  extra?: ((scope: FastifyInstance) => void)[];
}

export async function vnflcmV2Plugin(scope: FastifyInstance, deps: VnflcmV2Deps): Promise<void> {
  enforceVersionHeader(scope, { served: [API_VERSIONS.vnflcmV2], required: true, responseVersion: API_VERSIONS.vnflcmV2 });
  registerApiVersions(scope, '/api_versions', '/vnflcm/v2', [API_VERSIONS.vnflcmV2]);
  instanceRoutes(scope, deps);
  opOccRoutes(scope, deps);
  for (const add of deps.extra ?? []) add(scope);
}
