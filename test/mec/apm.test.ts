import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { call, hex32, invalidNames, problem, providerPkgId, sampleCsar, TENANT_A, TENANT_B, upload, waitDistribution } from './helpers.js';

// APM on a centre, with an edge (role edge, in this process, on loopback) as the AppLCM:
// onboarding into the one package store, bad input for every field, per-host distribution with
// its statuses (Distributed, Error with the reason, Timeout) independent per host, download,
// delete per host and everywhere, tenant isolation, EdgeGallery's upload and paths.

describe('APM (centre + loopback edge)', () => {
  let centre: TestApp;
  let edge: TestApp;
  let silent: Server;
  let dir: string;
  let c: string;
  const A = `/tenant/${TENANT_A}/package`;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mecano-apm-'));
    edge = await startTestApp({ role: 'edge', netns: false });
    centre = await startTestApp({ role: 'centre', mecDistributionTimeoutMs: 10_000 });
    c = centre.url;
    // An "AppLCM" that accepts connections and never answers: distributions to it time out.
    silent = createServer((s) => s.on('data', () => undefined)).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const port = (u: string) => Number(new URL(u).port);
    for (const [tenant, name, ip, lcmPort] of [
      [TENANT_A, 'edge', '192.0.2.10', port(edge.url)],
      [TENANT_A, 'dead', '192.0.2.11', 1],
      [TENANT_A, 'silent', '192.0.2.12', (silent.address() as { port: number }).port],
      [TENANT_B, 'edge', '192.0.2.10', port(edge.url)],
    ] as const) {
      assert.equal((await call(c, 'POST', `/tenant/${tenant}/applcm`, { applcmName: name, applcmIp: '127.0.0.1', applcmPort: lcmPort })).status, 201);
      assert.equal((await call(c, 'POST', `/tenant/${tenant}/host`, { mechostIp: ip, mechostName: name, city: 'Lab', address: 'bench', applcmIp: '127.0.0.1', applcmPort: lcmPort })).status, 201);
    }
  });
  after(async () => {
    silent?.close();
    await centre?.close();
    await edge?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses bad package ids, app ids and host lists, listing each', async () => {
    const csar = await sampleCsar('location-service', dir);
    assert.deepEqual(invalidNames(await upload(c, TENANT_A, 'XYZ', csar)), ['appPkgId']);
    assert.deepEqual(invalidNames(await upload(c, TENANT_A, 'a'.repeat(65), csar)), ['appPkgId']);
    const r = await call(c, 'POST', `${A}/${hex32()}?appId=NOTHEX&hostList=1.2.3.4.5,192.0.2.99`, undefined, {});
    assert.equal(r.status, 415, 'no body type');
    const bad = await fetch(`${c}${A}/${hex32()}?appId=NOTHEX&hostList=1.2.3.4.5,192.0.2.99`, { method: 'POST', headers: { 'content-type': 'application/zip' }, body: csar });
    const body = (await bad.json()) as any;
    assert.equal(bad.status, 400);
    assert.deepEqual(body.invalidParams.map((p: any) => p.name), ['appId', 'hostIp[0]', 'hostIp[1]']);
    assert.match(body.invalidParams[2].reason, /not registered/);
    problem(await call(c, 'GET', `${A}/nothex`), 400);
  });

  it('refuses what is not a valid MEC package (422) and keeps nothing of it', async () => {
    const before = (await centre.testDb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vnf_packages')).rows[0].n;
    const junk = problem(await upload(c, TENANT_A, hex32(), Buffer.from('not a zip')), 422);
    assert.match(junk.detail, /not onboarded/);
    const yaml = (await readFile(path.resolve('samples/mec/location-service/APPD/Definitions/MainServiceTemplate.yaml'), 'utf8')).replace('action: PASSTHROUGH', 'action: TELEPORT').replace('ipAddress: 10.238.0.2', 'ipAddress: nowhere');
    const invalid = problem(await upload(c, TENANT_A, hex32(), await sampleCsar('location-service', dir, { 'APPD/Definitions/MainServiceTemplate.yaml': yaml })), 422);
    assert.deepEqual(invalid.invalidParams.map((p: any) => p.name), ['appTrafficRule[0].action', 'appDNSRule[0].ipAddress']);
    assert.equal((await centre.testDb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vnf_packages')).rows[0].n, before);
  });

  let pkg = '';
  it('onboards into the one package store (marketplace and /vnfpkgm see it) and distributes per host', async () => {
    pkg = providerPkgId();
    const up = await upload(c, TENANT_A, pkg, await sampleCsar('location-service', dir), ['192.0.2.10', '192.0.2.11', '192.0.2.12']);
    assert.equal(up.status, 201, up.text);
    assert.deepEqual([up.body.appId, up.body.appPkgVersion, up.body.appProvider], [pkg.slice(0, 32), '1.0', 'mecano']);
    assert.ok(up.body.mecHostInfo.every((h: any) => ['Processing', 'Distributing'].includes(h.status)), JSON.stringify(up.body.mecHostInfo));
    const rec = await call(c, 'GET', `/vnfpkgm/v1/vnf_packages/${up.body.vnfPkgId}`);
    assert.equal(rec.body.onboardingState, 'ONBOARDED');
    const mp = await call(c, 'GET', `/onapapi/marketplace/v1/csars/${up.body.vnfPkgId}`);
    assert.equal(mp.status, 200, mp.text);
    assert.equal(mp.body.name, 'location-service');
    const kind = await centre.testDb.db.query<{ kind: string }>('SELECT kind FROM vnf_packages WHERE id = $1', [up.body.vnfPkgId]);
    assert.equal(kind.rows[0].kind, 'mec');
    problem(await upload(c, TENANT_B, pkg, await sampleCsar('location-service', dir)), 409);

    assert.equal((await waitDistribution(c, TENANT_A, pkg, '192.0.2.10', ['Distributed', 'Error', 'Timeout'])).status, 'Distributed');
    const dead = await waitDistribution(c, TENANT_A, pkg, '192.0.2.11', ['Error', 'Distributed', 'Timeout']);
    assert.equal(dead.status, 'Error');
    assert.match(dead.error, /ECONNREFUSED/);
    const slow = await waitDistribution(c, TENANT_A, pkg, '192.0.2.12', ['Timeout', 'Error', 'Distributed']);
    assert.equal(slow.status, 'Timeout');
    const onEdge = await call(edge.url, 'GET', `/mec/v1/applcm/tenant/${TENANT_A}/hosts/192.0.2.10/packages/${pkg}`);
    assert.deepEqual([onEdge.status, onEdge.body.status], [200, 'Distributed']);
    assert.equal((await call(c, 'GET', `/packageresource/${pkg}`)).body.appPkgId, pkg);
    const list = await call(c, 'GET', `/apm/v1/tenants/${TENANT_A}/packages`);
    assert.deepEqual(list.body.map((p: any) => p.appPkgId), [pkg]);
  });

  it('keeps packages per tenant', async () => {
    assert.deepEqual((await call(c, 'GET', `/tenant/${TENANT_B}/package`)).body, []);
    problem(await call(c, 'GET', `/tenant/${TENANT_B}/package/${pkg}`), 404);
    problem(await call(c, 'DELETE', `/tenant/${TENANT_B}/package/${pkg}`), 404);
    problem(await call(c, 'POST', `/tenant/${TENANT_B}/package/${pkg}/host/192.0.2.10`), 404);
    problem(await call(c, 'GET', `/tenant/${TENANT_B}/package/${pkg}/download`), 404);
    problem(await call(c, 'DELETE', `/tenant/${TENANT_B}/package/${pkg}/host/192.0.2.10`), 404);
  });

  it('downloads the CSAR as onboarded', async () => {
    const r = await fetch(`${c}${A}/${pkg}/download`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/zip');
    const bytes = Buffer.from(await r.arrayBuffer());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  });

  it('accepts EdgeGallery-style multipart uploads, with generated ids at /apm/v1', async () => {
    const form = new FormData();
    form.set('appPackageName', 'consumer');
    form.set('hostList', '192.0.2.10');
    form.set('file', new Blob([await sampleCsar('location-consumer', dir)]), 'consumer.csar');
    const r = await fetch(`${c}/apm/v1/tenants/${TENANT_A}/packages/upload`, { method: 'POST', body: form });
    const body = (await r.json()) as any;
    assert.equal(r.status, 201, JSON.stringify(body));
    assert.match(body.appPackageId, /^[0-9a-f]{64}$/);
    assert.equal(body.appPackageId.slice(0, 32), body.appId);
    assert.equal((await waitDistribution(c, TENANT_A, body.appPackageId, '192.0.2.10', ['Distributed', 'Error'])).status, 'Distributed');
    assert.equal((await call(c, 'DELETE', `/apm/v1/tenants/${TENANT_A}/packages/${body.appPackageId}`)).status, 204);
  });

  it('retries a failed host without touching the others, deletes per host and everywhere', async () => {
    assert.equal((await call(c, 'POST', `${A}/${pkg}/hosts`, { hostIp: ['192.0.2.11'] })).status, 202);
    assert.equal((await waitDistribution(c, TENANT_A, pkg, '192.0.2.11', ['Error'])).status, 'Error');
    assert.equal((await call(c, 'GET', `${A}/${pkg}`)).body.mecHostInfo.find((h: any) => h.hostIp === '192.0.2.10').status, 'Distributed');
    assert.equal((await call(c, 'DELETE', `${A}/${pkg}/host/192.0.2.11`)).status, 204);
    assert.equal((await call(c, 'DELETE', `${A}/${pkg}/host/192.0.2.12`)).status, 204);
    problem(await call(c, 'DELETE', `${A}/${pkg}/host/192.0.2.12`), 404);
    problem(await call(c, 'DELETE', `/tenant/${TENANT_A}/hosts/host/192.0.2.10`), 409);
    const vnfPkgId = (await call(c, 'GET', `${A}/${pkg}`)).body.vnfPkgId;
    assert.equal((await call(c, 'DELETE', `${A}/${pkg}`)).status, 204);
    assert.equal((await call(edge.url, 'GET', `/mec/v1/applcm/tenant/${TENANT_A}/hosts/192.0.2.10/packages/${pkg}`)).status, 404);
    problem(await call(c, 'GET', `/vnfpkgm/v1/vnf_packages/${vnfPkgId}`), 404);
    assert.equal((await call(c, 'DELETE', `/tenant/${TENANT_A}/hosts/host/192.0.2.10`)).status, 204);
  });
});
