import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { Mec } from '../../mec/index.js';
import type { BaseUrl } from '../common.js';
import { apmRoutes } from './apm.js';
import { applcmRoutes } from './applcm.js';
import { esrRoutes } from './esr.js';
import { meoRoutes } from './meo.js';
import { RAW_TYPES } from './upload.js';

// The EdgeGallery MECM family (seed 000): the centre's MEO, APM and ESR when this process is a
// centre, the AppLCM when it is an edge, both in role `all`. Encapsulated: its body parsers
// (raw CSAR / YAML streams, multipart uploads) apply to these routes only.

export interface MecmDeps {
  mec: Mec;
  uploadLimit: number;
  baseUrl: BaseUrl;
  version: string;
  role: string;
  infrastructure: () => Promise<unknown>;
}

export async function mecmPlugin(scope: FastifyInstance, deps: MecmDeps): Promise<void> {
  scope.addContentTypeParser(RAW_TYPES, (_request, payload, done) => done(null, payload));
  await scope.register(multipart, { limits: { fileSize: deps.uploadLimit, files: 1, fields: 20, fieldSize: 64 * 1024 } });
  const { centre, edge } = deps.mec;
  if (centre) {
    esrRoutes(scope, centre);
    apmRoutes(scope, centre, deps.uploadLimit);
    meoRoutes(scope, centre, deps.baseUrl);
  }
  if (edge) applcmRoutes(scope, edge, { version: deps.version, role: deps.role, infrastructure: deps.infrastructure });
}
