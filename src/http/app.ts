import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Db } from '../store/db.js';
import type { Logger } from 'pino';
import type { PackageRecords } from '../packages/package-records.js';
import type { PackageOnboarding } from '../packages/onboarding.js';
import type { PackageContent } from '../packages/package-content.js';
import type { UriUploads } from '../packages/upload-from-uri.js';
import type { Marketplace } from '../packages/marketplace.js';
import { registerMarketplace } from './marketplace/index.js';
import type { LcmService } from '../lcm/service.js';
import type { Notifier } from '../notify/index.js';
import { vnflcmV2Plugin } from './vnflcm-v2/index.js';
import { mecmPlugin } from './mecm/index.js';
import type { Mec } from '../mec/index.js';
import { vnflcmV1Plugin } from './vnflcm-v1/index.js';
import { lcmSubscriptionRoutes } from './vnflcm-v2/subscriptions.js';
import { packageSubscriptionRoutes } from './vnfpkgm/subscriptions.js';
import { notificationRoutes } from './mecano/notifications.js';
import type { PlacementService } from '../placement/service.js';
import { oofPlacementPlugin } from './placement/index.js';
import { vimRoutes } from './mecano/vims.js';
import { placementPolicyRoutes } from './mecano/placement-policies.js';
import { licensePoolRoutes } from './mecano/placement-licenses.js';
import { placementRequestRoutes } from './mecano/placement-requests.js';
import { installProblemHandlers } from './problem.js';
import { installMedia } from './media.js';
import { installHttpMetrics } from './metrics.js';
import { installBasicAuth } from './auth-guard.js';
import { rootVersionRoutes } from './versions.js';
import { healthRoutes } from './health.js';
import { vnfpkgmPlugin } from './vnfpkgm/index.js';
import type { BaseUrl } from './common.js';

// buildApp wires the HTTP layer over already-built services. It never listens: main.ts and
// the tests call listen(), so tests run exactly the production configuration.

export interface AppDeps {
  config: Config;
  db: Db;
  version: string;
  metrics: Registry;
  baseUrl: BaseUrl;
  records: PackageRecords;
  onboarding: PackageOnboarding;
  packageContent: PackageContent;
  uriUploads: UriUploads;
  marketplace: Marketplace;
  lcm: LcmService;
  notifier: Notifier;
  /** MEC orchestration (EdgeGallery MECM), its parts as the process's role selects. */
  mec?: Mec;
  /** The homing engine (OOF API, inventory, policies) and the OOF API's own users (MECANO_OOF_USERS). */
  placement?: { service: PlacementService; oofUsers: { user: string; password: string }[] };
  logger: Logger;
  healthExtras?: () => Promise<Record<string, unknown>>;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: true } },
    forceCloseConnections: false,
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  installProblemHandlers(app);
  installMedia(app);
  // With OOF users configured, the OOF routes check credentials themselves (OOF or service-wide users).
  const oofOwnAuth = (deps.placement?.oofUsers.length ?? 0) > 0;
  installBasicAuth(app, config.authUsers, (url) => url.startsWith('/mecano/v1/health') || (oofOwnAuth && url.startsWith('/api/oof/')));
  installHttpMetrics(app, deps.metrics);

  await app.register(swagger, {
    openapi: {
      info: { title: 'mecano', version: deps.version, description: 'VNF LCM (SOL003 v1/v2), VNF packages (SOL005), ONAP marketplace and OOF placement, EdgeGallery MECM' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  rootVersionRoutes(app);
  healthRoutes(app, { db: deps.db, version: deps.version, extras: deps.healthExtras });
  const { baseUrl, notifier } = deps;
  await app.register(vnfpkgmPlugin, {
    prefix: '/vnfpkgm/v1',
    records: deps.records,
    onboarding: deps.onboarding,
    content: deps.packageContent,
    uriUploads: deps.uriUploads,
    uploadLimit: config.uploadLimit,
    baseUrl,
    extra: [(s) => packageSubscriptionRoutes(s, { notifier, baseUrl })],
  });
  await app.register(vnflcmV1Plugin, { prefix: '/vnflcm/v1', lcm: deps.lcm, records: deps.records, notifier, baseUrl });
  await app.register(vnflcmV2Plugin, { prefix: '/vnflcm/v2', lcm: deps.lcm, baseUrl, extra: [(s) => lcmSubscriptionRoutes(s, { notifier, baseUrl })] });
  await registerMarketplace(app, { marketplace: deps.marketplace, uploadLimit: config.uploadLimit, baseUrl });
  if (deps.mec) {
    const infrastructure = async () => (await deps.healthExtras?.())?.infrastructure;
    await app.register(mecmPlugin, { mec: deps.mec, uploadLimit: config.uploadLimit, baseUrl, version: deps.version, role: config.role, infrastructure });
  }
  notificationRoutes(app, { notifier });
  if (deps.placement) {
    const { service, oofUsers } = deps.placement;
    await app.register(oofPlacementPlugin, { placement: service, users: oofOwnAuth ? [...oofUsers, ...config.authUsers] : [] });
    vimRoutes(app, { inventory: service.inventory, baseUrl });
    placementPolicyRoutes(app, { policies: service.policies, baseUrl });
    licensePoolRoutes(app, { licenses: service.licenses, baseUrl });
    placementRequestRoutes(app, { placement: service });
  }
  return app;
}
