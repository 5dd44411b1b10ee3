import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { call, invalidNames, problem, TENANT_A, TENANT_B } from './helpers.js';

// The external system registry on a centre: create / update / list / get / delete / bulk delete
// of app stores, AppLCMs and MEC hosts; every violated field listed (400); duplicates 409;
// credentials never returned and sealed at rest; tenants isolated; EdgeGallery inventory aliases.

const A = `/tenant/${TENANT_A}`;
const B = `/tenant/${TENANT_B}`;

describe('ESR (centre)', () => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await startTestApp({ role: 'centre' });
    base = t.url;
  });
  after(() => t.close());

  it('lists every violated field of an AppLCM, app store and host at once', async () => {
    assert.deepEqual(invalidNames(await call(base, 'POST', `${A}/applcm`, {})), ['applcmIp', 'applcmName', 'applcmPort']);
    assert.deepEqual(
      invalidNames(await call(base, 'POST', `${A}/applcm`, { applcmName: '-bad', applcmIp: '10.0.0.256', applcmPort: 70000, userName: 'a b', password: 'x'.repeat(129), scheme: 'ftp' })),
      ['applcmIp', 'applcmName', 'applcmPort', 'password', 'scheme', 'userName'],
    );
    assert.deepEqual(invalidNames(await call(base, 'POST', `${A}/applcm`, { applcmName: 'ok', applcmIp: '010.1.1.1', applcmPort: '0' })), ['applcmIp', 'applcmPort']);
    assert.deepEqual(
      invalidNames(await call(base, 'POST', `${A}/appstore`, { appstoreName: 'a'.repeat(129), appstoreIp: 'host.example', appstorePort: 'eighty', appstoreRepo: 'ftp://x', appstoreRepoUserName: 'u_', appstoreRepoPassword: 'p'.repeat(200), appstoreType: 'a/b', producer: 'p'.repeat(129) })),
      ['appstoreIp', 'appstoreName', 'appstorePort', 'appstoreRepo', 'appstoreRepoPassword', 'appstoreRepoUserName', 'appstoreType', 'producer'],
    );
    const hwcaps = Array.from({ length: 11 }, (_, i) => ({ hwType: `GPU${i}` }));
    assert.deepEqual(
      invalidNames(await call(base, 'POST', `${A}/host`, { mechostIp: '1.2.3', mechostName: 'x y', city: '/Beijing', address: 'a'.repeat(257), coordinates: '200,10', zipCode: '_1', affinity: 'X86,', userName: 'u!', vim: 'k 8s', applcmId: 'nope', applcmPort: 8080, hwcapabilities: hwcaps })),
      ['address', 'affinity', 'applcmId', 'applcmPort', 'city', 'coordinates', 'hwcapabilities', 'mechostIp', 'mechostName', 'userName', 'vim', 'zipCode'],
    );
    assert.deepEqual(invalidNames(await call(base, 'POST', `${A}/host`, { mechostIp: '10.0.0.1', mechostName: 'h', city: 'c', address: 'a', hwcapabilities: [{ hwVendor: 'x' }] })), ['hwcapabilities']);
    assert.deepEqual(invalidNames(await call(base, 'POST', `${A}/host`, [])), ['body']);
    const bad = problem(await call(base, 'POST', '/tenant/NOT-A-UUID/applcm', { applcmName: 'a', applcmIp: '10.0.0.1', applcmPort: 1 }), 400);
    assert.deepEqual(bad.invalidParams, [{ name: 'tenant_id', reason: 'must be a lowercase UUID' }]);
  });

  let lcmId = '';
  let hostId = '';
  it('registers an AppLCM: credentials sealed at rest and never returned; duplicates are 409', async () => {
    const r = await call(base, 'POST', `${A}/applcm`, { name: 'edge-1', ip: '10.9.0.2', port: '30204', username: 'admin', password: 's3cret-pw' });
    assert.equal(r.status, 201, r.text);
    lcmId = r.body.applcmId;
    assert.deepEqual([r.body.applcmName, r.body.applcmIp, r.body.applcmPort, r.body.userName, r.body.hasCredentials, r.body.password], ['edge-1', '10.9.0.2', 30204, 'admin', true, undefined]);
    assert.ok(!JSON.stringify((await call(base, 'GET', `${A}/applcms`)).body).includes('s3cret'));
    const raw = await t.testDb.db.query<{ t: string }>('SELECT doc::text || coalesce(secret::text, \'\') AS t FROM mec_applcms');
    assert.ok(raw.rows.every((x) => !x.t.includes('s3cret')), 'the password is not stored in clear');
    const dup = problem(await call(base, 'POST', `${A}/applcm`, { applcmName: 'EDGE-1', applcmIp: '10.9.0.2', applcmPort: 30204 }), 409);
    assert.deepEqual(dup.invalidParams.map((p: any) => p.name), ['applcmName', 'applcmIp+applcmPort']);
    // Another tenant may use the same name and address: registries are per tenant.
    assert.equal((await call(base, 'POST', `${B}/applcm`, { applcmName: 'edge-1', applcmIp: '127.0.0.1', applcmPort: 1 })).status, 201);
  });

  it('updates by the id in the body (PUT on the collection), keeps the secret unless a new one is given', async () => {
    const r = await call(base, 'PUT', `${A}/applcm`, { applcmId: lcmId, applcmName: 'edge-1b', applcmIp: '10.9.0.2', applcmPort: 30205 });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.applcmName, r.body.applcmPort, r.body.hasCredentials], ['edge-1b', 30205, true]);
    problem(await call(base, 'PUT', `${A}/applcm`, { applcmId: '00000000-0000-4000-8000-000000000000', applcmName: 'x', applcmIp: '10.9.0.3', applcmPort: 1 }), 404);
    problem(await call(base, 'PUT', `${B}/applcm`, { applcmId: lcmId, applcmName: 'x', applcmIp: '10.9.0.3', applcmPort: 1 }), 404);
    assert.equal((await call(base, 'GET', `${A}/applcms/applcm/${lcmId}`)).body.applcmName, 'edge-1b');
  });

  it('registers hosts linked to an AppLCM (by id or IP), up to 10 capabilities, IPv6 too', async () => {
    const h = await call(base, 'POST', `${A}/host`, {
      mechostIp: '10.9.0.2', mechostName: 'edge-host-1', city: 'Xi An', address: 'Building 5', zipCode: '710000', affinity: 'X86,ARM', coordinates: '108.94,34.34', applcmIp: '10.9.0.2', hwcapabilities: [{ hwType: 'GPU', hwVendor: 'nv', hwModel: 't4' }],
    });
    assert.equal(h.status, 201, h.text);
    assert.deepEqual([h.body.applcmId, h.body.configUploadStatus, h.body.vim, h.body.shared], [lcmId, 'NotUploaded', 'local', false]);
    const v6 = await call(base, 'POST', `${A}/host`, { mechostIp: 'fd00::2', mechostName: 'edge-host-6', city: 'Beijing', address: 'a', applcmId: lcmId, affinity: ['X86'] });
    assert.equal(v6.status, 201, v6.text);
    assert.equal(v6.body.affinity, 'X86');
    const missing = problem(await call(base, 'POST', `${A}/host`, { mechostIp: '10.9.0.9', mechostName: 'h9', city: 'c', address: 'a', applcmIp: '10.99.0.1' }), 422);
    assert.equal(missing.invalidParams[0].name, 'applcmIp');
    problem(await call(base, 'POST', `${B}/host`, { mechostIp: '10.9.0.9', mechostName: 'h9', city: 'c', address: 'a', applcmId: lcmId }), 422);
    problem(await call(base, 'POST', `${A}/host`, { mechostIp: '10.9.0.2', mechostName: 'other', city: 'c', address: 'a' }), 409);
    const got = await call(base, 'GET', `${A}/hosts/host/10.9.0.2`);
    assert.equal(got.body.mechostName, 'edge-host-1');
    // One candidate inventory: the host is a placement candidate beside the VIMs.
    const cand = await call(base, 'GET', `/mecano/v1/vims/${h.body.mechostId}`);
    assert.equal(cand.status, 200, cand.text);
    assert.deepEqual([cand.body.kind, cand.body.vimType, cand.body.location.latitude, cand.body.location.longitude], ['mec-host', 'mecano.applcm.v1', 34.34, 108.94]);
    assert.deepEqual(cand.body.features, ['hw:gpu', 'affinity:x86', 'affinity:arm']);
    hostId = h.body.mechostId;
    problem(await call(base, 'GET', `${B}/hosts/host/10.9.0.2`), 404);
    problem(await call(base, 'DELETE', `${A}/applcms/applcm/${lcmId}`), 409);
  });

  it('serves the EdgeGallery inventory paths with their envelopes; PUT checks the path IP', async () => {
    const inv = `/inventory/v1/tenants/${TENANT_A}`;
    const saved = await call(base, 'POST', `${inv}/appstores`, { appstoreName: 'store1', appstoreIp: '10.8.0.1', appstorePort: 8099, appstoreRepo: 'https://repo.example/x', appstoreRepoUserName: 'u1', appstoreRepoPassword: 'repo-pw-1' });
    assert.deepEqual([saved.status, saved.body], [200, { response: 'Saved' }]);
    const list = await call(base, 'GET', `${inv}/appstores`);
    assert.equal(list.body.length, 1);
    assert.equal(list.body[0].appstoreRepoPassword, undefined);
    assert.ok(!list.text.includes('repo-pw-1'));
    const upd = await call(base, 'PUT', `${inv}/mechosts/10.9.0.2`, { mechostIp: '10.9.0.2', mechostName: 'edge-host-1', city: 'Xian', address: 'Building 6', applcmId: lcmId });
    assert.deepEqual([upd.status, upd.body], [200, { response: 'Updated' }]);
    assert.equal((await call(base, 'GET', `${inv}/mechosts/10.9.0.2`)).body.city, 'Xian');
    assert.deepEqual(invalidNames(await call(base, 'PUT', `${inv}/mechosts/10.9.0.2`, { mechostIp: '10.9.0.3', mechostName: 'x', city: 'c', address: 'a' })), ['mechostIp']);
    const store = list.body[0].appstoreId;
    assert.deepEqual((await call(base, 'DELETE', `${inv}/appstores/${store}`)).body, { response: 'Deleted' });
  });

  it('deletes one, several or all records of the tenant, never another tenant’s, all or nothing', async () => {
    for (const [i, name] of ['s1', 's2', 's3'].entries()) {
      assert.equal((await call(base, 'POST', `${A}/appstore`, { appstoreName: name, appstoreIp: `10.7.0.${i + 1}`, appstorePort: 80 })).status, 201);
    }
    assert.equal((await call(base, 'POST', `${B}/appstore`, { appstoreName: 's1', appstoreIp: '10.7.0.1', appstorePort: 80 })).status, 201);
    const ids = (await call(base, 'GET', `${A}/appstores`)).body.map((s: any) => s.appstoreId);
    const bIds = (await call(base, 'GET', `${B}/appstores`)).body.map((s: any) => s.appstoreId);
    problem(await call(base, 'GET', `${B}/appstores/${ids[0]}`), 404);
    problem(await call(base, 'DELETE', `${A}/appstores/${bIds[0]}`), 404);
    problem(await call(base, 'DELETE', `${A}/appstores?ids=${ids[0]},${bIds[0]}`), 404);
    assert.equal((await call(base, 'GET', `${A}/appstores`)).body.length, 3, 'nothing deleted');
    assert.equal((await call(base, 'DELETE', `${A}/appstores/${ids[0]}`)).status, 204);
    assert.deepEqual((await call(base, 'DELETE', `${A}/appstores`, { ids: [ids[1]] })).body, { deleted: [ids[1]] });
    assert.deepEqual((await call(base, 'DELETE', `${A}/appstores`)).body, { deleted: [ids[2]] });
    assert.equal((await call(base, 'GET', `${B}/appstores`)).body.length, 1);
    problem(await call(base, 'DELETE', `${A}/hosts?ips=10.9.0.2,10.1.1.1`), 404);
    assert.deepEqual((await call(base, 'DELETE', `${A}/hosts`)).body.deleted.length, 2);
    assert.equal((await call(base, 'GET', `/mecano/v1/vims/${hostId}`)).status, 404, 'removed from the inventory with the host');
    assert.deepEqual((await call(base, 'DELETE', `${A}/applcms`)).body, { deleted: [lcmId] });
    assert.equal((await call(base, 'GET', `${B}/applcms`)).body.length, 1);
  });

  it('reports the database and each AppLCM in the health check', async () => {
    const h = await call(base, 'GET', '/mec/v1/mgmt/esr/health_check');
    assert.equal(h.status, 200);
    assert.equal(h.body.database.reachable, true);
    // Tenant B's AppLCM at 127.0.0.1:1 refuses connections: DEGRADED, not reachable.
    assert.equal(h.body.status, 'DEGRADED');
    assert.deepEqual(h.body.applcms.map((a: any) => [a.applcmName, a.reachable, a.healthy]), [['edge-1', false, false]]);
    assert.match(h.body.applcms[0].error, /ECONNREFUSED/);
  });
});
