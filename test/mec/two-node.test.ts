import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { appHealth, call, hex32, PROVIDER_APP_ID, problem, sampleCsar, TENANT_A, TENANT_B, until, upload, waitDistribution, waitGone, waitStatus } from './helpers.js';
import { Deployment, stop, type EdgeNode } from './deployment.js';

// A centre and an edge as two mecano processes (the compiled CLI), the edge in its own network
// namespace, connected by a veth pair: ESR registration, onboarding, distribution, create and
// instantiate (the app runs on the edge and answers over the link), node-applist / KPI /
// capabilities, terminate and delete, removal from the host; then the failure paths: the edge
// down during a distribution (Error with the reason, then retried), and kill -9 of the centre
// in the middle of an instantiation (resumed on restart).

const IS_ROOT = process.getuid?.() === 0;

describe('MEC centre and edge over a veth link', { skip: !IS_ROOT && 'needs root for network namespaces' }, () => {
  const d = new Deployment();
  let edge: EdgeNode;
  let centre: string;
  const mgmt = `/mec/v1/mgmt/tenant/${TENANT_A}`;
  const dir = () => String(d.centreEnv.MECANO_DATA_DIR);

  before(async () => {
    await d.init();
    edge = await d.addEdge();
    await edge.start();
    centre = (await d.startCentre({ MECANO_LEASE_MS: '1500' })).url;
  });
  after(() => d.destroy());

  it('registers the edge AppLCM and host; the health check reaches it with its credentials', async () => {
    const lcm = await call(centre, 'POST', `/tenant/${TENANT_A}/applcm`, { applcmName: 'edge1', applcmIp: edge.ip, applcmPort: Number(new URL(edge.proc!.url).port), userName: edge.user, password: edge.password });
    assert.equal(lcm.status, 201, lcm.text);
    assert.equal(lcm.body.password, undefined);
    assert.equal(lcm.body.hasCredentials, true);
    const host = await call(centre, 'POST', `/tenant/${TENANT_A}/host`, {
      mechostIp: edge.ip, mechostName: 'edge1', city: 'Beijing', address: 'lab rack 1', coordinates: '116.39,39.91', applcmIp: edge.ip, hwcapabilities: [{ hwType: 'GPU', hwVendor: 'acme', hwModel: 'x1' }],
    });
    assert.equal(host.status, 201, host.text);
    assert.equal(host.body.applcmId, lcm.body.applcmId);
    const health = await call(centre, 'GET', '/mec/v1/mgmt/esr/health_check');
    assert.equal(health.body.status, 'UP', JSON.stringify(health.body));
    assert.deepEqual(health.body.applcms.map((a: any) => [a.applcmName, a.reachable, a.authenticated, a.healthy]), [['edge1', true, true, true]]);
    // The edge refuses anyone without its credentials; the health check says so.
    assert.equal((await fetch(`${edge.proc!.url}/mec/v1/applcm/health`)).status, 401);
    const wrong = await call(centre, 'POST', `/tenant/${TENANT_B}/applcm`, { applcmName: 'impostor', applcmIp: edge.ip, applcmPort: Number(new URL(edge.proc!.url).port), userName: edge.user, password: 'wrong' });
    const h2 = await call(centre, 'GET', '/mec/v1/mgmt/esr/health_check');
    assert.equal(h2.body.status, 'DEGRADED');
    assert.deepEqual(h2.body.applcms.map((a: any) => [a.applcmName, a.reachable, a.authenticated]), [['edge1', true, true], ['impostor', true, false]]);
    assert.equal((await call(centre, 'DELETE', `/tenant/${TENANT_B}/applcms/applcm/${wrong.body.applcmId}`)).status, 204);
  });

  let providerPkg = '';
  let providerId = '';
  let providerIp = '';

  it('distributes a package to the edge and instantiates an app there that answers over the link', async () => {
    providerPkg = PROVIDER_APP_ID + hex32();
    assert.equal((await upload(centre, TENANT_A, providerPkg, await sampleCsar('location-service', dir()), [edge.ip])).status, 201);
    const dist = await waitDistribution(centre, TENANT_A, providerPkg, edge.ip, ['Distributed', 'Error', 'Timeout']);
    assert.equal(dist.status, 'Distributed', dist.error);
    const onEdge = await fetch(`${edge.proc!.url}/mec/v1/applcm/tenant/${TENANT_A}/hosts/${edge.ip}/packages/${providerPkg}`, { headers: { authorization: basic(edge) } });
    assert.equal(onEdge.status, 200);

    const created = await call(centre, 'POST', `${mgmt}/app_instance`, { appPackageId: providerPkg, appName: 'provider', mecHost: edge.ip, appInstanceDescription: 'location provider' });
    assert.equal(created.status, 202, created.text);
    providerId = created.body.appInstanceId;
    assert.equal((await waitStatus(centre, TENANT_A, providerId, ['Created', 'Create failed'])).operationalStatus, 'Created');
    const inst = await call(centre, 'POST', `${mgmt}/app_instance/${providerId}`, {});
    assert.equal(inst.status, 202, inst.text);
    const done = await waitStatus(centre, TENANT_A, providerId, ['Instantiated', 'Instantiation failed']);
    assert.equal(done.operationalStatus, 'Instantiated', done.operationInfo);
    problem(await call(centre, 'POST', `${mgmt}/app_instance/${providerId}`, {}), 409);

    const rt = await call(centre, 'GET', `/appo/v1/tenants/${TENANT_A}/app_instances/${providerId}`);
    assert.equal(rt.status, 200, rt.text);
    providerIp = rt.body.response.vnfcs[0].addresses[0];
    assert.ok(providerIp.startsWith(edge.appCidr.split('.').slice(0, 3).join('.')), providerIp);
    const h = await appHealth(providerIp);
    assert.ok('status' in h && h.status === 200, JSON.stringify(h));
    assert.equal((h as any).body.appInstanceId, providerId);
  });

  it('reports what runs on the edge: node-applist, real KPI, MEP capabilities', async () => {
    const apps = await call(centre, 'GET', `${mgmt}/hosts/${edge.ip}/node-applist`);
    assert.equal(apps.status, 200, apps.text);
    assert.deepEqual(apps.body.map((a: any) => [a.appInstanceId, a.status, a.vnfcs[0].state]), [[providerId, 'Instantiated', 'running']]);
    const kpi = await call(centre, 'GET', `${mgmt}/hosts/${edge.ip}/node-kpi`);
    assert.equal(kpi.status, 200, kpi.text);
    assert.equal(kpi.body.cpu.cores, os.cpus().length);
    const memTotal = Number(/MemTotal:\s+(\d+)/.exec(await readFile('/proc/meminfo', 'utf8'))![1]) * 1024;
    assert.equal(kpi.body.memory.totalBytes, memTotal);
    assert.ok(kpi.body.cpu.usedPercent >= 0 && kpi.body.cpu.usedPercent <= 100);
    assert.ok(kpi.body.memusage.used > 0 && kpi.body.memusage.used < memTotal);
    const appoKpi = await call(centre, 'GET', `/appo/v1/tenants/${TENANT_A}/hosts/${edge.ip}/kpi`);
    assert.equal(appoKpi.body.retCode, 0);
    assert.equal(appoKpi.body.data.cpuusage.total, os.cpus().length);
    const caps = await call(centre, 'GET', `${mgmt}/hosts/${edge.ip}/mep-capabilities`);
    const loc = caps.body.find((c: any) => c.capabilityName === 'location');
    assert.deepEqual([loc.status, loc.producer.appInstanceId], ['ACTIVE', providerId]);
    assert.ok(caps.body.some((c: any) => c.capabilityName === 'AppLCM'));
  });

  it('terminates and deletes the app on the edge, then removes the package from the host', async () => {
    assert.equal((await call(centre, 'DELETE', `${mgmt}/app_instance/${providerId}`)).status, 202);
    await waitGone(centre, TENANT_A, providerId);
    await until('the app to stop answering', () => appHealth(providerIp, 500), (x) => 'error' in x, 15_000);
    assert.deepEqual((await call(centre, 'GET', `${mgmt}/hosts/${edge.ip}/node-applist`)).body, []);
    assert.equal((await call(centre, 'DELETE', `/tenant/${TENANT_A}/package/${providerPkg}/host/${edge.ip}`)).status, 204);
    assert.deepEqual((await call(centre, 'GET', `/tenant/${TENANT_A}/package/${providerPkg}`)).body.mecHostInfo, []);
    const onEdge = await fetch(`${edge.proc!.url}/mec/v1/applcm/tenant/${TENANT_A}/hosts/${edge.ip}/packages`, { headers: { authorization: basic(edge) } });
    assert.deepEqual(await onEdge.json(), []);
  });

  it('marks a distribution Error with the reason while the edge is down, and retries it', async () => {
    await stop(edge.proc!);
    const health = await call(centre, 'GET', '/mec/v1/mgmt/esr/health_check');
    assert.equal(health.body.status, 'DEGRADED');
    assert.equal(health.body.applcms[0].reachable, false);
    assert.equal((await call(centre, 'POST', `/tenant/${TENANT_A}/package/${providerPkg}/host/${edge.ip}`)).status, 202);
    const failed = await waitDistribution(centre, TENANT_A, providerPkg, edge.ip, ['Error', 'Timeout', 'Distributed']);
    assert.equal(failed.status, 'Error');
    assert.match(failed.error, /unavailable: ECONNREFUSED/);
    await edge.start();
    assert.equal((await call(centre, 'POST', `/tenant/${TENANT_A}/package/${providerPkg}/host/${edge.ip}`)).status, 202);
    assert.equal((await waitDistribution(centre, TENANT_A, providerPkg, edge.ip, ['Distributed', 'Error', 'Timeout'])).status, 'Distributed');
  });

  it('resumes an instantiation after kill -9 of the centre', async () => {
    // The edge is down, so the instantiation stays in progress (the centre retries the AppLCM)
    // until the centre is killed; both come back and the same occurrence finishes.
    await stop(edge.proc!);
    const created = await call(centre, 'POST', `${mgmt}/app_instance`, { appPackageId: providerPkg, appName: 'resumed', mecHost: edge.ip, instantiate: true });
    const id = created.body.appInstanceId as string;
    const mid = await waitStatus(centre, TENANT_A, id, ['Instantiating']);
    assert.equal(mid.lastOperation.operation, 'INSTANTIATE');
    await stop(d.centre!, 'SIGKILL');
    await edge.start();
    centre = (await d.startCentre()).url;
    const done = await waitStatus(centre, TENANT_A, id, ['Instantiated', 'Instantiation failed']);
    assert.equal(done.operationalStatus, 'Instantiated', done.operationInfo);
    assert.equal(done.lastOperation.vnfLcmOpOccId, mid.lastOperation.vnfLcmOpOccId, 'the interrupted occurrence itself completed');
    const rt = await call(centre, 'GET', `${mgmt}/app_instance/${id}/runtime`);
    const h = await appHealth(rt.body.vnfcs[0].addresses[0]);
    assert.ok('status' in h && h.status === 200, JSON.stringify(h));
    assert.equal((await call(centre, 'DELETE', `${mgmt}/app_instance/${id}`)).status, 202);
    await waitGone(centre, TENANT_A, id);
    assert.equal((await call(centre, 'DELETE', `/tenant/${TENANT_A}/package/${providerPkg}`)).status, 204);
  });
});

function basic(e: EdgeNode): string {
  return `Basic ${Buffer.from(`${e.user}:${e.password}`).toString('base64')}`;
}
