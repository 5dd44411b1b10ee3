import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { call, hex32, invalidNames, problem, TENANT_A } from './helpers.js';

// The AppLCM API of an edge on its own (role edge): kubeconfig upload (checked, sealed at rest,
// never returned), the lcmcontroller paths and envelope, and the refusals of instantiate.

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: edge
    cluster: { server: 'https://10.0.0.1:6443', certificate-authority-data: QUJD }
users:
  - name: admin
    user: { token: kube-secret-token-123 }
contexts:
  - name: edge
    context: { cluster: edge, user: admin }
current-context: edge
`;

describe('AppLCM (edge)', () => {
  let t: TestApp;
  let e: string;
  const A = `/mec/v1/applcm/tenant/${TENANT_A}/hosts/192.0.2.40`;
  before(async () => {
    t = await startTestApp({ role: 'edge', netns: false });
    e = t.url;
  });
  after(() => t.close());

  it('serves only the AppLCM in role edge', async () => {
    assert.equal((await call(e, 'GET', '/mec/v1/applcm/health')).body.status, 'UP');
    assert.equal((await call(e, 'GET', `/tenant/${TENANT_A}/hosts`)).status, 404);
    assert.equal((await call(e, 'GET', `/mec/v1/mgmt/tenant/${TENANT_A}/app_instance`)).status, 404);
  });

  it('keeps an uploaded kubeconfig sealed and never returns it', async () => {
    const up = await fetch(`${e}/mec/v1/applcm/host/192.0.2.40/k8sconfig`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: KUBECONFIG });
    assert.equal(up.status, 200);
    assert.deepEqual(await up.json(), { hostIp: '192.0.2.40', configUploadStatus: 'Uploaded', size: Buffer.byteLength(KUBECONFIG) });
    const st = await call(e, 'GET', '/mec/v1/applcm/host/192.0.2.40/k8sconfig');
    assert.equal(st.body.configUploadStatus, 'Uploaded');
    assert.ok(!st.text.includes('kube-secret-token'));
    const raw = await t.testDb.db.query<{ t: string }>('SELECT sealed::text AS t FROM mec_edge_kubeconfigs');
    assert.ok(!raw.rows[0].t.includes('kube-secret') && !raw.rows[0].t.includes('clusters'), 'sealed at rest');
    // EdgeGallery lcmcontroller v2: multipart configFile + hostIp, answered in its envelope.
    const form = new FormData();
    form.set('hostIp', '192.0.2.41');
    form.set('configFile', new Blob([KUBECONFIG]), 'config');
    const v2 = await fetch(`${e}/lcmcontroller/v2/tenants/${TENANT_A}/configuration`, { method: 'POST', body: form });
    const body = (await v2.json()) as any;
    assert.deepEqual([v2.status, body.retCode, body.data.configUploadStatus], [200, 0, 'Uploaded']);
    assert.equal((await call(e, 'DELETE', '/mec/v1/applcm/host/192.0.2.41/k8sconfig')).body.configUploadStatus, 'Deleted');
    problem(await call(e, 'DELETE', '/mec/v1/applcm/host/192.0.2.41/k8sconfig'), 404);
  });

  it('refuses what is not a kubeconfig, too large, or for a bad host', async () => {
    const post = (host: string, body: string | Buffer) => fetch(`${e}/mec/v1/applcm/host/${host}/k8sconfig`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
    assert.equal((await post('192.0.2.40', 'a: [unclosed')).status, 400);
    assert.equal((await post('192.0.2.40', '- just\n- a list\n')).status, 400);
    assert.equal((await post('192.0.2.40', 'kind: Pod\nclusters: []\n')).status, 400);
    assert.equal((await post('192.0.2.40', '')).status, 400);
    assert.equal((await post('not-an-ip', KUBECONFIG)).status, 400);
    assert.equal((await post('192.0.2.40', Buffer.alloc(5 * 1024 * 1024 + 1, 0x61))).status, 413);
  });

  it('checks instantiate requests and refuses a package that was not distributed here', async () => {
    const id = '0b7e1d5c-0000-4000-8000-0000000000aa';
    assert.deepEqual(invalidNames(await call(e, 'POST', `/mec/v1/applcm/app_instance/${id}`, { tenantId: 'x', hostIp: 'y', appPkgId: 'z', appName: '!', parameters: [] })), ['appName', 'appPkgId', 'hostIp', 'parameters', 'tenantId']);
    const r = problem(await call(e, 'POST', `/mec/v1/applcm/app_instance/${id}`, { tenantId: TENANT_A, hostIp: '192.0.2.40', appPkgId: hex32(), appName: 'app' }), 409);
    assert.match(r.detail, /distribution status is: not distributed/);
    problem(await call(e, 'GET', `/mec/v1/applcm/app_instance/${id}`), 404);
    problem(await call(e, 'POST', `/mec/v1/applcm/app_instance/${id}/terminate`), 404);
    const v2 = await call(e, 'POST', `/lcmcontroller/v2/tenants/${TENANT_A}/app_instances/${id}/instantiate`, { hostIp: '192.0.2.40', packageId: hex32(), appName: 'app' });
    assert.equal(v2.status, 409);
  });

  it('reports this machine’s KPI in both shapes and an empty host', async () => {
    const k = await call(e, 'GET', `${A}/node-kpi`);
    assert.ok(k.body.cpuusage.total >= 1 && k.body.memusage.total > k.body.memusage.used);
    const v2 = await call(e, 'GET', `/lcmcontroller/v2/tenants/${TENANT_A}/hosts/192.0.2.40/kpi`);
    assert.deepEqual([v2.body.retCode, v2.body.message, v2.body.data.cpu.cores], [0, 'success', k.body.cpu.cores]);
    assert.deepEqual((await call(e, 'GET', `${A}/node-applist`)).body, []);
    assert.deepEqual((await call(e, 'GET', `${A}/packages`)).body, []);
    problem(await call(e, 'GET', `/mec/v1/applcm/tenant/NOPE/hosts/192.0.2.40/node-applist`), 400);
  });
});
