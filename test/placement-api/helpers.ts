import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { loadConfig, type ConfigInput } from '../../src/config.js';
import { startMecano, type Mecano } from '../../src/main.js';
import type { PlacementOptions } from '../../src/placement/options.js';
import { openTestDb, type TestDb } from '../helpers/db.js';
import { http } from '../helpers/app.js';

// The real service over a test database that outlives one start (restart tests), with the
// placement options a test needs; plus the inventory and request builders the tests share.

export interface PlacementApp {
  url: string;
  mecano: Mecano;
  testDb: TestDb;
  /** Stops the service, keeps the database. */
  stop(): Promise<void>;
  /** Starts the service again on the same database. */
  restart(overrides?: ConfigInput): Promise<void>;
  close(): Promise<void>;
}

const QUIET: ConfigInput = { logLevel: process.env.MECANO_TEST_LOG ?? 'silent' };

export async function startPlacementApp(overrides: ConfigInput = {}, placement: Partial<PlacementOptions> = {}): Promise<PlacementApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mecano-placement-'));
  const testDb = await openTestDb();
  const start = (o: ConfigInput) => startMecano(loadConfig({ port: 0, dataDir, netns: false, ...QUIET, ...o }, {}), { db: testDb.db, placement: { threads: 1, ...placement } });
  let mecano = await start(overrides);
  let running = true;
  const app: PlacementApp = {
    url: mecano.url,
    get mecano() {
      return mecano;
    },
    testDb,
    async stop() {
      if (running) await mecano.close();
      running = false;
    },
    async restart(o = {}) {
      await app.stop();
      mecano = await start({ ...overrides, ...o });
      app.url = mecano.url;
      running = true;
    },
    async close() {
      await app.stop();
      await testDb.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return app;
}

export const SITES = {
  dallas: { name: 'dallas', cloudOwner: 'att', cloudRegionId: 'DFW1', zone: 'az-1', location: { latitude: 32.7767, longitude: -96.797, clli: 'DLLSTX01' }, capacity: { total: { vcpu: 64, memoryMb: 262144, storageGb: 4000 } }, features: ['sriov'], cost: { perVcpu: 1 }, attributes: { tier: 'core' } },
  austin: { name: 'austin', cloudOwner: 'amazon', cloudRegionId: 'TXAUS219', zone: 'az-2', location: { latitude: 30.2672, longitude: -97.7431, clli: 'AUSTTX02' }, capacity: { total: { vcpu: 32, memoryMb: 131072, storageGb: 2000 } }, features: ['sriov', 'gpu'], cost: { perVcpu: 2 }, attributes: { tier: 'core' } },
  newyork: { name: 'newyork', cloudOwner: 'vmware', cloudRegionId: 'NYMDT67', zone: 'az-3', location: { latitude: 40.7128, longitude: -74.006, clli: 'NYCMNY01' }, capacity: { total: { vcpu: 128, memoryMb: 524288, storageGb: 8000 } }, features: [], cost: { perVcpu: 1 }, attributes: { tier: 'edge' } },
} as const;

export async function addSites(url: string, names: (keyof typeof SITES)[] = ['dallas', 'austin', 'newyork']): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const n of names) {
    const r = await http(url, 'POST', '/mecano/v1/vims', { body: SITES[n] });
    assert.equal(r.status, 201, r.text);
    ids[n] = r.body.id;
  }
  return ids;
}

let counter = 0;

/** The seed's example request, with a fresh requestId and the given callback URL. */
export function seedRequest(callbackUrl: string, patch: { requestInfo?: Record<string, unknown>; demands?: Record<string, unknown>[]; license?: boolean; requestParameters?: Record<string, unknown> } = {}): any {
  counter += 1;
  const model = (n: string) => ({ modelInvariantId: `${n}-modelInvariantId`, modelVersionId: `${n}-versionId`, modelName: `${n}-model`, modelType: 'resource', modelVersion: '1.0', modelCustomizationName: `${n}-customeModelName` });
  const body: any = {
    requestInfo: { transactionId: `tx-${counter}`, requestId: `req-${process.pid}-${Date.now()}-${counter}`, callbackUrl, sourceId: 'SO', requestType: 'create', numSolutions: 1, optimizers: ['placement'], timeout: 600, ...patch.requestInfo },
    placementInfo: {
      requestParameters: patch.requestParameters ?? { customerLatitude: 32.89748, customerLongitude: -97.040443, customerName: 'xyz' },
      subscriberInfo: { globalSubscriberId: 'xxx-xx-xxx', subscriberName: 'subscriber_x' },
      placementDemands: patch.demands ?? [
        { resourceModuleName: 'vGMuxInfra', serviceResourceId: 'vGMuxInfra-xx', tenantId: 'vGMuxInfra-tenant', resourceModelInfo: model('vGMuxInfra') },
        { resourceModuleName: 'vG', serviceResourceId: '71d563e8-e714-4393-8f99-cc480144a05e', tenantId: 'vG-tenant', resourceModelInfo: model('vG') },
      ],
    },
    serviceInfo: { serviceInstanceId: `svc-${counter}`, serviceName: 'vCPE', modelInfo: { ...model('vCPE'), modelType: 'service' } },
  };
  if (patch.license) {
    body.licenseInfo = { licenseDemands: [{ resourceModuleName: 'vGMuxInfra', serviceResourceId: 'vGMuxInfra-xx', resourceModelInfo: model('vGMuxInfra') }] };
  }
  return body;
}

export const placementPost = (url: string, body: unknown, headers?: Record<string, string>) => http(url, 'POST', '/api/oof/v1/placement', { body, headers });

/** Polls GET /api/oof/v1/placement/{id} until `done` says so. */
export async function waitRequest(url: string, requestId: string, done: (b: any) => boolean = (b) => ['completed', 'failed'].includes(b.requestStatus), timeoutMs = 30_000, headers?: Record<string, string>): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await http(url, 'GET', `/api/oof/v1/placement/${encodeURIComponent(requestId)}`, { headers });
    assert.equal(r.status, 200, r.text);
    if (done(r.body)) return r.body;
    if (Date.now() > until) throw new Error(`request ${requestId} still ${r.body.requestStatus}: ${JSON.stringify(r.body.callback)}`);
    await sleep(50);
  }
}

export async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
