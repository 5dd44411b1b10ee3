import type { FastifyInstance } from 'fastify';
import type { LcmService } from '../../lcm/service.js';
import type { Notifier } from '../../notify/index.js';
import type { PackageRecords } from '../../packages/package-records.js';
import { API_VERSIONS, enforceVersionHeader, registerApiVersions } from '../versions.js';
import type { BaseUrl } from '../common.js';
import { instanceRoutesV1 } from './instances.js';
import { opOccRoutesV1 } from './op-occs.js';
import { lcmSubscriptionRoutesV1 } from './subscriptions.js';

// The /vnflcm/v1 family (SOL003 v2.6.1 as Tacker serves it, seed 003): the Version header is
// optional (python-tackerclient sends 1.3.0; any well-formed value is accepted, as in Tacker v1)
// and every response says Version: 1.3.0.

export interface VnflcmV1Deps {
  lcm: LcmService;
  records: PackageRecords;
  notifier: Notifier;
  baseUrl: BaseUrl;
}

export async function vnflcmV1Plugin(scope: FastifyInstance, deps: VnflcmV1Deps): Promise<void> {
  enforceVersionHeader(scope, { served: [API_VERSIONS.vnflcmV1], required: false, responseVersion: API_VERSIONS.vnflcmV1 });
  registerApiVersions(scope, '/api_versions', '/vnflcm/v1', [API_VERSIONS.vnflcmV1]);
  instanceRoutesV1(scope, deps);
  opOccRoutesV1(scope, deps);
  lcmSubscriptionRoutesV1(scope, deps);
}
