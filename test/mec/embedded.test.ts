import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { killAppsUnder } from './deployment.js';
import { appHealth, call, hex32, PROVIDER_APP_ID, problem, sampleCsar, TENANT_A, until, upload, waitDistribution, waitGone, waitStatus } from './helpers.js';

// One process in role `all` (the embedded default): it registers itself as the platform AppLCM
// and MEC host "local", so a tenant can onboard, distribute, create and instantiate with no ESR
// set-up; the app really runs (a process in its own namespace, on the app network bridge).
// Also: the one-call create-and-instantiate, dependencies between apps, the refusal to
// instantiate before distribution, and notifications through the outbox.

const IS_ROOT = process.getuid?.() === 0;
const n = randomInt(1, 250);
const BRIDGE = `mcmaemb${n}`;
const CIDR = `10.234.${n}.0/24`;

describe('MEC in one process (role all)', { skip: !IS_ROOT && 'needs root for network namespaces' }, () => {
  let t: TestApp;
  let dir: string;
  let base: string;
  const mgmt = `/mec/v1/mgmt/tenant/${TENANT_A}`;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mecano-mec-emb-'));
    t = await startTestApp({ mecAppBridge: BRIDGE, mecAppCidr: CIDR });
    base = t.url;
  });
  after(async () => {
    await t?.close();
    // Normally nothing is left; after a failure, the apps still running and their network.
    if (t) await killAppsUnder([t.dataDir]);
    await promisify(execFile)('ip', ['link', 'del', BRIDGE]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('registers itself as the platform AppLCM and host "local", read-only for tenants', async () => {
    const hosts = await call(base, 'GET', `/tenant/${TENANT_A}/hosts`);
    assert.equal(hosts.status, 200);
    const local = hosts.body.find((h: any) => h.mechostName === 'local');
    assert.ok(local, JSON.stringify(hosts.body));
    assert.equal(local.shared, true);
    assert.equal(local.mechostIp, '127.0.0.1');
    problem(await call(base, 'DELETE', `/tenant/${TENANT_A}/hosts/host/127.0.0.1`), 403);
    const health = await call(base, 'GET', '/mec/v1/mgmt/esr/health_check');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'UP', JSON.stringify(health.body));
    assert.equal(health.body.applcms[0].reachable, true);
  });

  it('onboards, distributes, creates and instantiates in one call; the app answers; dependencies hold; delete removes all', async () => {
    const providerPkg = PROVIDER_APP_ID + hex32();
    const up = await upload(base, TENANT_A, providerPkg, await sampleCsar('location-service', dir), ['127.0.0.1']);
    assert.equal(up.status, 201, up.text);
    assert.equal(up.body.appPkgName, 'location-service');
    assert.deepEqual(up.body.appd.appServiceProduced.map((s: any) => s.serName), ['location']);
    assert.equal((await waitDistribution(base, TENANT_A, providerPkg, '127.0.0.1', ['Distributed', 'Error', 'Timeout'])).status, 'Distributed');

    // The consumer cannot be created before its provider runs on the host.
    const consumerPkg = hex32() + hex32();
    assert.equal((await upload(base, TENANT_A, consumerPkg, await sampleCsar('location-consumer', dir), ['127.0.0.1'])).status, 201);
    const early = await call(base, 'POST', `${mgmt}/app_instance`, { appPackageId: consumerPkg, appName: 'consumer0', mecHost: '127.0.0.1' });
    assert.equal(early.status, 202);
    const failed = await waitStatus(base, TENANT_A, early.body.appInstanceId, ['Create failed', 'Created']);
    assert.equal(failed.operationalStatus, 'Create failed');
    assert.match(failed.operationInfo, /dependency app location not deployed/);
    assert.equal((await call(base, 'DELETE', `${mgmt}/app_instance/${early.body.appInstanceId}`)).status, 202);
    await waitGone(base, TENANT_A, early.body.appInstanceId);

    const created = await call(base, 'POST', `${mgmt}/app_instance`, { app_package_id: providerPkg, app_name: 'provider1', mec_host: '127.0.0.1', instantiate: true, parameters: { greeting: 'hi' } });
    assert.equal(created.status, 202, created.text);
    assert.equal(created.body.operationalStatus, 'Creating');
    assert.ok(created.headers.get('location')?.endsWith(`/app_instance/${created.body.app_instance_id}`));
    const id = created.body.appInstanceId as string;
    const inst = await waitStatus(base, TENANT_A, id, ['Instantiated', 'Instantiation failed', 'Create failed']);
    assert.equal(inst.operationalStatus, 'Instantiated', inst.operationInfo);
    assert.equal(inst.mecHost, '127.0.0.1');

    const runtime = await call(base, 'GET', `${mgmt}/app_instance/${id}/runtime`);
    assert.equal(runtime.status, 200, runtime.text);
    const ip = runtime.body.vnfcs[0].addresses[0] as string;
    assert.ok(ip.startsWith(`10.234.${n}.`), ip);
    const h = await appHealth(ip);
    assert.ok('status' in h && h.status === 200, JSON.stringify(h));
    assert.equal((h as any).body.appInstanceId, id);

    const consumer = await call(base, 'POST', `${mgmt}/app_instance`, { appPackageId: consumerPkg, appName: 'consumer1', mecHost: '127.0.0.1', instantiate: true });
    const cons = await waitStatus(base, TENANT_A, consumer.body.appInstanceId, ['Instantiated', 'Instantiation failed', 'Create failed']);
    assert.equal(cons.operationalStatus, 'Instantiated', cons.operationInfo);
    assert.deepEqual(cons.dependsOn, [id]);
    const caps = await call(base, 'GET', `${mgmt}/hosts/127.0.0.1/mep-capabilities`);
    const loc = caps.body.find((c: any) => c.capabilityName === 'location');
    assert.equal(loc.status, 'ACTIVE');
    assert.deepEqual(loc.consumers, [{ applicationInstanceId: consumer.body.appInstanceId }]);

    const refused = problem(await call(base, 'DELETE', `${mgmt}/app_instance/${id}`), 409);
    assert.match(refused.detail, /depended by others/);
    assert.equal((await call(base, 'DELETE', `${mgmt}/app_instance/${consumer.body.appInstanceId}`)).status, 202);
    await waitGone(base, TENANT_A, consumer.body.appInstanceId);
    assert.equal((await call(base, 'DELETE', `${mgmt}/app_instance/${id}`)).status, 202);
    await waitGone(base, TENANT_A, id);
    await until('the app process to be gone', () => appHealth(ip, 500), (x) => 'error' in x, 10_000);
    const apps = await call(base, 'GET', `${mgmt}/hosts/127.0.0.1/node-applist`);
    assert.deepEqual(apps.body, []);

    for (const p of [providerPkg, consumerPkg]) {
      assert.equal((await call(base, 'DELETE', `/tenant/${TENANT_A}/package/${p}`)).status, 204);
      problem(await call(base, 'GET', `/packageresource/${p}`), 404);
    }
  });
});
