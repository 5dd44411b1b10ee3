import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { call, invalidNames, problem, providerPkgId, sampleCsar, TENANT_A, TENANT_B, until, upload, waitGone, waitStatus } from './helpers.js';

// MEO on a centre with a loopback edge as the AppLCM of several registered hosts: create input
// checks, host selection by the placement engine (location, hardware capabilities, rejection
// explained), instantiate refused unless the package is Distributed on the host, subscriptions
// delivered through the outbox, tenant isolation, and the APPO paths with their envelope.

interface Hook {
  body: any;
}

describe('MEO (centre + loopback edge)', () => {
  let centre: TestApp;
  let edge: TestApp;
  let receiver: Server;
  let hookUrl = '';
  const hooks: Hook[] = [];
  let dir: string;
  let c: string;
  let pkg = '';
  const mgmt = `/mec/v1/mgmt/tenant/${TENANT_A}`;
  const HOSTS = [
    { ip: '192.0.2.21', name: 'beijing', coordinates: '116.40,39.90', hw: ['GPU'] },
    { ip: '192.0.2.22', name: 'shanghai', coordinates: '121.47,31.23', hw: [] },
    { ip: '192.0.2.23', name: 'shenzhen', coordinates: '114.06,22.54', hw: ['GPU'] },
  ];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mecano-meo-'));
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (b) => (text += b));
      req.on('end', () => {
        if (req.method === 'POST') hooks.push({ body: JSON.parse(text) });
        res.writeHead(204).end();
      });
    }).listen(0, '127.0.0.1');
    await new Promise((r) => receiver.once('listening', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/mec-events`;
    edge = await startTestApp({ role: 'edge', netns: false });
    centre = await startTestApp({ role: 'centre' });
    c = centre.url;
    const lcm = await call(c, 'POST', `/tenant/${TENANT_A}/applcm`, { applcmName: 'edge', applcmIp: '127.0.0.1', applcmPort: Number(new URL(edge.url).port) });
    for (const h of HOSTS) {
      const r = await call(c, 'POST', `/tenant/${TENANT_A}/host`, { mechostIp: h.ip, mechostName: h.name, city: h.name, address: 'dc', coordinates: h.coordinates, applcmId: lcm.body.applcmId, hwcapabilities: h.hw.map((hwType) => ({ hwType })) });
      assert.equal(r.status, 201, r.text);
    }
    pkg = providerPkgId();
    assert.equal((await upload(c, TENANT_A, pkg, await sampleCsar('location-service', dir))).status, 201);
  });
  after(async () => {
    await centre?.close();
    await edge?.close();
    receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists every violated field of a create request; unknown package or host is 422', async () => {
    assert.deepEqual(invalidNames(await call(c, 'POST', `${mgmt}/app_instance`, {})), ['appName', 'appPackageId']);
    const names = invalidNames(
      await call(c, 'POST', `${mgmt}/app_instance`, {
        appPackageId: 'XY', appName: 'bad name', appId: '123', appInstanceDescription: 'd'.repeat(257), mecHost: '300.1.1.1', hwCapabilities: ['GPU', 'bad type'], affinity: '-x', location: { latitude: 100, longitude: 0 }, parameters: { k: 1 }, instantiate: 'yes',
      }),
    );
    assert.deepEqual(names, ['affinity', 'appId', 'appInstanceDescription', 'appName', 'appPackageId', 'hwCapabilities', 'instantiate', 'location', 'mecHost', 'parameters']);
    assert.equal(problem(await call(c, 'POST', `${mgmt}/app_instance`, { appPackageId: 'a'.repeat(64), appName: 'x' }), 422).invalidParams[0].name, 'appPackageId');
    assert.equal(problem(await call(c, 'POST', `${mgmt}/app_instance`, { appPackageId: pkg, appName: 'x', mecHost: '192.0.2.99' }), 422).invalidParams[0].name, 'mecHost');
    problem(await call(c, 'GET', `${mgmt}/app_instance/not-a-uuid`), 400);
    problem(await call(c, 'GET', `${mgmt}/app_instance/6f1c2a34-0000-4000-8000-000000000001`), 404);
  });

  it('chooses the host by placement: nearest to the location, with the capabilities asked for', async () => {
    const near = await call(c, 'POST', `${mgmt}/app_instance`, { appPackageId: pkg, appName: 'near', location: { latitude: 31.2, longitude: 121.4 } });
    assert.equal(near.status, 202, near.text);
    const a = await waitStatus(c, TENANT_A, near.body.appInstanceId, ['Created', 'Create failed']);
    assert.equal(a.operationalStatus, 'Created', a.operationInfo);
    assert.equal(a.mecHost, '192.0.2.22');
    assert.equal(a.hostSelection.method, 'placement');
    assert.equal(a.hostSelection.chosen.hostIp, '192.0.2.22');
    assert.deepEqual(a.hostSelection.requirements, { vcpu: 1, memoryMb: 128, storageGb: 0 });

    const gpu = await call(c, 'POST', `${mgmt}/app_instance`, { appPackageId: pkg, appName: 'gpu', hwCapabilities: ['GPU'], location: { latitude: 31.2, longitude: 121.4 } });
    const b = await waitStatus(c, TENANT_A, gpu.body.appInstanceId, ['Created', 'Create failed']);
    assert.equal(b.mecHost, '192.0.2.21', `Beijing is the nearest host with a GPU: ${JSON.stringify(b)}`);
    assert.deepEqual(b.hostSelection.rejected.map((r: any) => [r.hostIp, r.kind]), [['192.0.2.22', 'feature']]);

    const none = await call(c, 'POST', `${mgmt}/app_instance`, { appPackageId: pkg, appName: 'fpga', hwCapabilities: ['FPGA'] });
    const f = await waitStatus(c, TENANT_A, none.body.appInstanceId, ['Created', 'Create failed']);
    assert.equal(f.operationalStatus, 'Create failed');
    assert.match(f.operationInfo, /No MEC host fits/);
    const far = await call(c, 'POST', `${mgmt}/app_instance`, { appPackageId: pkg, appName: 'far', location: { latitude: 34.3, longitude: 108.9, radiusKm: 100 } });
    assert.equal((await waitStatus(c, TENANT_A, far.body.appInstanceId, ['Created', 'Create failed'])).operationalStatus, 'Create failed');
    const named = await call(c, 'POST', `${mgmt}/app_instance`, { appPackageId: pkg, appName: 'named', mecHost: '192.0.2.22', hwCapabilities: ['GPU'] });
    const g = await waitStatus(c, TENANT_A, named.body.appInstanceId, ['Created', 'Create failed']);
    assert.match(g.operationInfo, /Hardware capability match failed/);
    for (const id of [near, gpu, none, far, named].map((r) => r.body.appInstanceId)) {
      assert.equal((await call(c, 'DELETE', `${mgmt}/app_instance/${id}`)).status, 202);
      await waitGone(c, TENANT_A, id);
    }
  });

  it('refuses to instantiate unless the package is Distributed on the host (409 naming the status)', async () => {
    const r = await call(c, 'POST', `${mgmt}/app_instance`, { appPackageId: pkg, appName: 'undistributed', mecHost: '192.0.2.23' });
    const id = r.body.appInstanceId;
    await waitStatus(c, TENANT_A, id, ['Created']);
    const refused = problem(await call(c, 'POST', `${mgmt}/app_instance/${id}`, {}), 409);
    assert.match(refused.detail, /not distributed on host 192\.0\.2\.23/);
    assert.equal(refused.distributionStatus, null);
    const oneCall = await call(c, 'POST', `${mgmt}/app_instance`, { appPackageId: pkg, appName: 'oncall', mecHost: '192.0.2.23', instantiate: true });
    const f = await waitStatus(c, TENANT_A, oneCall.body.appInstanceId, ['Instantiation failed', 'Instantiated']);
    assert.match(f.operationInfo, /must be Distributed/);
    for (const x of [id, oneCall.body.appInstanceId]) {
      assert.equal((await call(c, 'DELETE', `${mgmt}/app_instance/${x}`)).status, 202);
      await waitGone(c, TENANT_A, x);
    }
  });

  it('notifies subscribers of status changes through the outbox (no polling)', async () => {
    problem(await call(c, 'POST', `${mgmt}/subscriptions`, { callbackUri: 'not a url' }), 400);
    const sub = await call(c, 'POST', `${mgmt}/subscriptions`, { callbackUri: hookUrl });
    assert.equal(sub.status, 201, sub.text);
    assert.equal((await call(c, 'POST', `/mec/v1/mgmt/tenant/${TENANT_B}/subscriptions`, { callbackUri: `${hookUrl}?b` })).status, 201);
    const r = await call(c, 'POST', `${mgmt}/app_instance`, { appPackageId: pkg, appName: 'watched', mecHost: '192.0.2.21' });
    const id = r.body.appInstanceId;
    await waitStatus(c, TENANT_A, id, ['Created']);
    await call(c, 'DELETE', `${mgmt}/app_instance/${id}`);
    await waitGone(c, TENANT_A, id);
    const seen = await until('three notifications', async () => hooks.filter((h) => h.body.appInstanceId === id), (x) => x.length >= 3, 30_000);
    assert.deepEqual(seen.map((h) => [h.body.previousStatus, h.body.operationalStatus]), [[null, 'Creating'], ['Creating', 'Created'], ['Created', 'Deleted']]);
    assert.equal(seen[0].body.subscriptionId, sub.body.subscriptionId);
    assert.equal(seen[0].body.notificationType, 'AppInstanceStatusNotification');
    assert.equal(seen[1].body.mecHost, '192.0.2.21');
    assert.equal(hooks.filter((h) => h.body.tenantId === TENANT_B).length, 0, "tenant B's subscriber hears nothing of tenant A");
    assert.equal((await call(c, 'DELETE', `${mgmt}/subscriptions/${sub.body.subscriptionId}`)).status, 204);
  });

  it('keeps tenants apart on every instance and host path', async () => {
    const r = await call(c, 'POST', `/appo/v1/tenants/${TENANT_A}/app_instances`, { appPackageId: pkg, appName: 'isolated', mecHost: '192.0.2.21' });
    assert.equal(r.status, 202);
    const id = r.body.response.app_instance_id;
    await waitStatus(c, TENANT_A, id, ['Created']);
    const info = await call(c, 'GET', `/appo/v1/tenants/${TENANT_A}/app_instance_infos/${id}`);
    assert.equal(info.body.response.operationalStatus, 'Created');
    const B = `/mec/v1/mgmt/tenant/${TENANT_B}`;
    problem(await call(c, 'GET', `${B}/app_instance/${id}`), 404);
    problem(await call(c, 'POST', `${B}/app_instance/${id}`, {}), 404);
    problem(await call(c, 'DELETE', `${B}/app_instance/${id}`), 404);
    assert.deepEqual((await call(c, 'GET', `${B}/app_instance`)).body, []);
    problem(await call(c, 'POST', `${B}/app_instance`, { appPackageId: pkg, appName: 'steal' }), 422);
    problem(await call(c, 'GET', `${B}/hosts/192.0.2.21`), 404);
    problem(await call(c, 'GET', `${B}/hosts/192.0.2.21/node-kpi`), 404);
    problem(await call(c, 'GET', `${B}/hosts/192.0.2.21/node-applist`), 404);
    problem(await call(c, 'GET', `${B}/hosts/192.0.2.21/mep-capabilities`), 404);
    assert.deepEqual((await call(c, 'GET', `/tenant/${TENANT_B}/hosts`)).body, []);
    assert.equal((await call(c, 'GET', `${mgmt}/app_instance`)).body.length, 1);
    assert.equal((await call(c, 'DELETE', `/appo/v1/tenants/${TENANT_A}/app_instances/${id}`)).body.response, 'ACCEPTED');
    await waitGone(c, TENANT_A, id);
  });

  it('relays host queries to the AppLCM: the registry record, KPI, capabilities', async () => {
    const h = await call(c, 'GET', `${mgmt}/hosts/192.0.2.21`);
    assert.equal(h.body.mechostName, 'beijing');
    const kpi = await call(c, 'GET', `${mgmt}/hosts/192.0.2.21/node-kpi`);
    assert.ok(kpi.body.cpu.cores >= 1 && kpi.body.memory.totalBytes > 0, kpi.text);
    const caps = await call(c, 'GET', `${mgmt}/hosts/192.0.2.21/mep-capabilities`);
    assert.deepEqual(caps.body.map((x: any) => x.capabilityName), ['AppLCM', 'NodeKPI']);
    assert.deepEqual((await call(c, 'GET', `${mgmt}/hosts/192.0.2.21/node-applist`)).body, []);
  });
});
