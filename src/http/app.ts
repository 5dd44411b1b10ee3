import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Db } from '../store/db.js';
import type { PackageRecords } from '../packages/package-records.js';
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
  healthExtras?: () => Promise<Record<string, unknown>>;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers["x-auth-token"]'],
    },
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
  installBasicAuth(app, config.authUsers, (url) => url.startsWith('/mecano/v1/health'));
  installHttpMetrics(app, deps.metrics);

  await app.register(swagger, {
    openapi: {
      info: { title: 'mecano', version: deps.version, description: 'VNF LCM (SOL003 v1/v2), VNF packages (SOL005), ONAP marketplace and OOF placement, EdgeGallery MECM' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  rootVersionRoutes(app);
  healthRoutes(app, { db: deps.db, version: deps.version, extras: deps.healthExtras });
  await app.register(vnfpkgmPlugin, { prefix: '/vnfpkgm/v1', records: deps.records, baseUrl: deps.baseUrl });
  return app;
}
