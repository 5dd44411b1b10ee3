import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { assertEtsi, SOL003_V1 } from '../helpers/etsi.js';
import { onboardSample, v2 } from '../helpers/lcm.js';
import { alive, runOpV1, startReceiver, v1, type Receiver } from './helpers.js';

// The whole VNF lifecycle over /vnflcm/v1 (SOL003 v2.6.1 shapes) on the local driver, with every
// response checked against ETSI's v2.6.1 schemas, and the same instance read through /vnflcm/v2.

const IS_ROOT = process.getuid?.() === 0;
const DEFAULT_VIM = '00000000-0000-4000-8000-00000000000a';

let t: TestApp;
let dir: string;
let pkg: { pkgId: string; vnfdId: string };
let receiver: Receiver;
const tag = randomBytes(2).toString('hex');
const bridgeA = `mecanoc${tag}`;
const bridgeB = `mecanod${tag}`;
const netA = `10.235.${parseInt(tag.slice(0, 2), 16) % 200}`;
const netB = `10.226.${parseInt(tag.slice(0, 2), 16) % 200}`;

/** v2.6.1 ExtVirtualLinkData: cpConfig is an ARRAY of VnfExtCpConfig. */
function extLinkV1(bridge: string, net: string) {
  return [{
    id: 'ext1',
    resourceId: bridge,
    extCps: [{ cpdId: 'VDU1_CP1', cpConfig: [{ cpProtocolData: [{ layerProtocol: 'IP_OVER_ETHERNET', ipOverEthernet: { ipAddresses: [{ type: 'IPV4', fixedAddresses: [`${net}.10`], subnetId: `${net}.0/24` }] } }] }] }],
  }];
}

async function get(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: r.status, body: await r.json() };
}

const instanceSchema = `${SOL003_V1}/vnfInstance.schema.json`;
const opOccSchema = `${SOL003_V1}/VnfLcmOpOcc.schema.json`;

before(async () => {
  t = await startTestApp();
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-v1-'));
  pkg = await onboardSample(t.url, 'two-vdu', dir);
  receiver = await startReceiver();
  const sub = await v1(t.url, 'POST', '/subscriptions', { callbackUri: receiver.url, filter: { notificationTypes: ['VnfLcmOperationOccurrenceNotification'] } });
  assert.equal(sub.status, 201, sub.text);
});
after(async () => {
  await t.close();
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
  for (const b of [bridgeA, bridgeB]) {
    try {
      execFileSync('ip', ['link', 'del', b], { stdio: 'ignore' });
    } catch {
      // already removed by terminate
    }
  }
});

describe('VNF LCM v1 lifecycle on the local driver', { skip: !IS_ROOT && 'needs root for network namespaces' }, () => {
  let id: string;

  it('creates an instance without a Version header (201, Location, v2.6.1 shape with vnfPkgId)', async () => {
    const r = await v1(t.url, 'POST', '/vnf_instances', { vnfdId: pkg.vnfdId, vnfInstanceName: 'v1-vnf', vnfInstanceDescription: 'two VDUs', metadata: { owner: 'v1' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get('version'), '1.3.0');
    id = r.body.id;
    assert.equal(r.headers.get('location'), `${t.url}/vnflcm/v1/vnf_instances/${id}`);
    assert.equal(r.body.vnfPkgId, pkg.pkgId);
    assert.deepEqual(Object.keys(r.body._links).sort(), ['instantiate', 'self']);
    assert.equal(r.body._links.instantiate.href, `${t.url}/vnflcm/v1/vnf_instances/${id}/instantiate`);
    assertEtsi(instanceSchema, r.body);
  });

  it('is the same instance through /vnflcm/v2 (v3.3.1 shape: no vnfPkgId, v2 links)', async () => {
    const r = await v2(t.url, 'GET', `/vnf_instances/${id}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.vnfInstanceName, 'v1-vnf');
    assert.equal(r.body.vnfPkgId, undefined);
    assert.equal(r.body._links.self.href, `${t.url}/vnflcm/v2/vnf_instances/${id}`);
  });

  it('instantiates with a list-form vimConnectionInfo and cpConfig; credentials never come back', async () => {
    const op = await runOpV1(t.url, `/vnf_instances/${id}/instantiate`, {
      flavourId: 'simple',
      instantiationLevelId: 'instantiation_level_1',
      vimConnectionInfo: [{ id: 'vim1', vimId: DEFAULT_VIM, vimType: 'mecano.local.v1', accessInfo: { username: 'admin', password: 'secret', region: 'RegionOne', tenant: 'lab' } }],
      extVirtualLinks: extLinkV1(bridgeA, netA),
    });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assertEtsi(opOccSchema, op);
    assert.deepEqual(op.operationParams.vimConnectionInfo, [{ id: 'vim1', vimId: DEFAULT_VIM, vimType: 'mecano.local.v1', accessInfo: { username: 'admin', region: 'RegionOne', tenant: 'lab' } }]);
    assert.ok(Array.isArray(op.operationParams.extVirtualLinks[0].extCps[0].cpConfig), 'cpConfig shown as the v1 list');
    assert.equal(op.resourceChanges.affectedVnfcs.length, 2);
    assert.ok(op.resourceChanges.affectedVirtualLinks.every((l: any) => l.virtualLinkDescId === l.vnfVirtualLinkDescId));
    assert.deepEqual(Object.keys(op._links).sort(), ['self', 'vnfInstance']);

    const inst = (await v1(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assertEtsi(instanceSchema, inst);
    assert.deepEqual(inst.vimConnectionInfo, [{ id: 'vim1', vimId: DEFAULT_VIM, vimType: 'mecano.local.v1', accessInfo: { username: 'admin', region: 'RegionOne', tenant: 'lab' } }]);
    assert.ok(!JSON.stringify(inst).includes('secret'));
    assert.deepEqual(Object.keys(inst._links).sort(), ['changeExtConn', 'heal', 'scale', 'self', 'terminate']);
    const info = inst.instantiatedVnfInfo;
    assert.equal(info.maxScaleLevels, undefined, 'maxScaleLevels is a v3.3.1 attribute');
    assert.deepEqual(info.scaleStatus, [{ aspectId: 'VDU2_scale', scaleLevel: 0 }]);
    assert.equal(info.vnfcResourceInfo.length, 2);
    for (const v of info.vnfcResourceInfo) assert.ok(alive(v.metadata.pid), `VNFC process ${v.metadata.pid} runs`);
    assert.deepEqual(info.vnfcInfo.map((v: any) => Object.keys(v).sort()), [['id', 'vduId', 'vnfcState'], ['id', 'vduId', 'vnfcState']]);
    const front = await get(`http://${netA}.10:8080/health`);
    assert.equal(front.body.vduId, 'VDU1');

    const viaV2 = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.deepEqual(Object.keys(viaV2.vimConnectionInfo), ['vim1'], 'the v1 list entry id is the v2 map key');
    assert.equal(viaV2.vimConnectionInfo.vim1.accessInfo.password, undefined);
  });

  it('lists with v1 default exclusions and selectors; fields=vimConnectionInfo gives the list form', async () => {
    const all = await v1(t.url, 'GET', '/vnf_instances');
    assert.equal(all.status, 200);
    assertEtsi(`${SOL003_V1}/vnfInstances.schema.json`, all.body);
    const item = all.body.find((i: any) => i.id === id);
    for (const k of ['vnfConfigurableProperties', 'vimConnectionInfo', 'instantiatedVnfInfo', 'metadata', 'extensions']) assert.equal(item[k], undefined, `${k} excluded by default`);
    assert.equal(item.vnfPkgId, pkg.pkgId);
    const sel = await v1(t.url, 'GET', `/vnf_instances?fields=vimConnectionInfo&filter=${encodeURIComponent(`(eq,id,${id})`)}`);
    assert.equal(sel.status, 200, sel.text);
    assert.deepEqual(sel.body[0].vimConnectionInfo.map((v: any) => v.id), ['vim1']);
    const byPkg = await v1(t.url, 'GET', `/vnf_instances?filter=${encodeURIComponent(`(eq,vnfPkgId,${pkg.pkgId})`)}`);
    assert.deepEqual(byPkg.body.map((i: any) => i.id), [id]);
  });

  it('scales out; an aspect the flavour lacks is a 422 and records nothing', async () => {
    const before = (await v1(t.url, 'GET', '/vnf_lcm_op_occs')).body.length;
    const bad = await v1(t.url, 'POST', `/vnf_instances/${id}/scale`, { type: 'SCALE_OUT', aspectId: 'VDU9_scale' });
    assert.equal(bad.status, 422);
    assert.equal(bad.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assertEtsi(`${SOL003_V1}/ProblemDetails.schema.json`, bad.body);
    assert.match(bad.body.detail, /VDU9_scale/);
    assert.equal((await v1(t.url, 'GET', '/vnf_lcm_op_occs')).body.length, before);
    const op = await runOpV1(t.url, `/vnf_instances/${id}/scale`, { type: 'SCALE_OUT', aspectId: 'VDU2_scale', numberOfSteps: 1 });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assertEtsi(opOccSchema, op);
    const inst = (await v1(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.equal(inst.instantiatedVnfInfo.vnfcResourceInfo.length, 3);
    assert.deepEqual(inst.instantiatedVnfInfo.scaleStatus, [{ aspectId: 'VDU2_scale', scaleLevel: 1 }]);
  });

  it('heals by vnfcResourceInfo id (Tacker v1) and refuses an unknown vnfcInstanceId with 422', async () => {
    const inst = (await v1(t.url, 'GET', `/vnf_instances/${id}`)).body;
    const victim = inst.instantiatedVnfInfo.vnfcResourceInfo.find((v: any) => v.vduId === 'VDU2');
    const bad = await v1(t.url, 'POST', `/vnf_instances/${id}/heal`, { vnfcInstanceId: ['no-such-vnfc'], cause: 'test' });
    assert.equal(bad.status, 422);
    assert.match(bad.body.detail, /no-such-vnfc/);
    const op = await runOpV1(t.url, `/vnf_instances/${id}/heal`, { vnfcInstanceId: [victim.id], cause: 'restart' });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assert.deepEqual(op.resourceChanges.affectedVnfcs.map((v: any) => [v.id, v.changeType]), [[victim.id, 'MODIFIED']]);
    const after = (await v1(t.url, 'GET', `/vnf_instances/${id}`)).body;
    const healed = after.instantiatedVnfInfo.vnfcResourceInfo.find((v: any) => v.id === victim.id);
    assert.notEqual(healed.metadata.pid, victim.metadata.pid);
    assert.ok(alive(healed.metadata.pid));
  });

  it('modifies by POST (the seed form): name and a vimConnectionInfo entry, changedInfo in v1 shape', async () => {
    const op = await runOpV1(t.url, `/vnf_instances/${id}`, { vnfInstanceName: 'renamed', vimConnectionInfo: [{ id: 'vim1', vimType: 'mecano.local.v1', extra: { zone: 'a' } }] });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assert.equal(op.operation, 'MODIFY_INFO');
    assertEtsi(opOccSchema, op);
    assert.deepEqual(op.changedInfo, { vnfInstanceName: 'renamed', vimConnectionInfo: [{ id: 'vim1', vimType: 'mecano.local.v1', extra: { zone: 'a' } }] });
    const viaV2 = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.equal(viaV2.vnfInstanceName, 'renamed');
    assert.deepEqual(viaV2.vimConnectionInfo.vim1.extra, { zone: 'a' });
    assert.equal(viaV2.vimConnectionInfo.vim1.vimId, DEFAULT_VIM, 'merged, not replaced');
  });

  it('changes external connectivity with a v1 cpConfig list', async () => {
    const op = await runOpV1(t.url, `/vnf_instances/${id}/change_ext_conn`, { extVirtualLinks: extLinkV1(bridgeB, netB) });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assertEtsi(opOccSchema, op);
    assert.equal(op.changedExtConnectivity[0].resourceHandle.resourceId, bridgeB);
    assert.equal(op.changedExtConnectivity[0].currentVnfExtCpData, undefined);
    const front = await get(`http://${netB}.10:8080/health`);
    assert.equal(front.body.vduId, 'VDU1');
  });

  it('terminates (processes gone) and deletes; the instance is gone for v2 as well', async () => {
    const vnfcs = (await v1(t.url, 'GET', `/vnf_instances/${id}`)).body.instantiatedVnfInfo.vnfcResourceInfo;
    assert.equal((await v1(t.url, 'DELETE', `/vnf_instances/${id}`)).status, 409);
    const op = await runOpV1(t.url, `/vnf_instances/${id}/terminate`, { terminationType: 'FORCEFUL' });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    for (const v of vnfcs) assert.ok(!alive(v.metadata.pid), `process ${v.metadata.pid} stopped`);
    const inst = (await v1(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.equal(inst.instantiationState, 'NOT_INSTANTIATED');
    assert.deepEqual(Object.keys(inst._links).sort(), ['instantiate', 'self']);
    assert.equal((await v1(t.url, 'DELETE', `/vnf_instances/${id}`)).status, 204);
    assert.equal((await v2(t.url, 'GET', `/vnf_instances/${id}`)).status, 404);
    assert.equal((await v1(t.url, 'GET', `/vnf_instances/${id}`)).status, 404);
  });

  it('lists the occurrences of the flow (v1 shapes, default exclusions) and v2 sees the same ones', async () => {
    const q = `/vnf_lcm_op_occs?filter=${encodeURIComponent(`(eq,vnfInstanceId,${id})`)}`;
    const r = await v1(t.url, 'GET', q);
    assert.equal(r.status, 200);
    // NOTE: the v2.6.1 schema requires operationParams, which the GS (5.4.12.3.2) excludes from
    // lists by default: the default list is checked for the exclusion, all_fields for the schema.
    assert.deepEqual(r.body.map((o: any) => o.operation), ['INSTANTIATE', 'SCALE', 'HEAL', 'MODIFY_INFO', 'CHANGE_EXT_CONN', 'TERMINATE']);
    assert.ok(r.body.every((o: any) => o.operationParams === undefined && o.resourceChanges === undefined));
    const viaV2 = await v2(t.url, 'GET', q);
    assert.deepEqual(viaV2.body.map((o: any) => o.id), r.body.map((o: any) => o.id));
    const all = await v1(t.url, 'GET', `${q}&all_fields`);
    assert.ok(all.body.every((o: any) => o.operationParams !== undefined));
    assertEtsi(`${SOL003_V1}/VnfLcmOpOccs.schema.json`, all.body);
  });

  it('the v1 subscriber got every occurrence notification in v2.6.1 shape', async () => {
    const until = Date.now() + 20_000;
    const results = () => receiver.received.filter((n) => n.body.vnfInstanceId === id && n.body.operationState === 'COMPLETED');
    while (results().length < 6 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(results().map((n) => n.body.operation), ['INSTANTIATE', 'SCALE', 'HEAL', 'MODIFY_INFO', 'CHANGE_EXT_CONN', 'TERMINATE']);
    for (const n of receiver.received.filter((x) => x.body.vnfInstanceId === id)) assertEtsi(`${SOL003_V1}/VnfLcmOperationOccurrenceNotification.schema.json`, n.body);
    const [inst, , , modify, cec] = results().map((n) => n.body);
    assert.ok(inst.affectedVnfcs.length === 2 && inst.affectedVirtualLinks.every((l: any) => l.virtualLinkDescId));
    assert.deepEqual(modify.changedInfo.vimConnectionInfo, [{ id: 'vim1', vimType: 'mecano.local.v1', extra: { zone: 'a' } }]);
    assert.equal(cec.changedExtConnectivity[0].resourceHandle.resourceId, bridgeB);
  });
});

describe('one instance, two APIs', () => {
  it('an instance created through v2 shows through v1 with its vnfPkgId; a v1 rename shows through v2', async () => {
    const created = await v2(t.url, 'POST', '/vnf_instances', { vnfdId: pkg.vnfdId, vnfInstanceName: 'from-v2' });
    assert.equal(created.status, 201);
    const id = created.body.id;
    const r = await v1(t.url, 'GET', `/vnf_instances/${id}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.vnfPkgId, pkg.pkgId);
    assert.equal(r.body.vnfInstanceName, 'from-v2');
    assertEtsi(instanceSchema, r.body);
    const op = await runOpV1(t.url, `/vnf_instances/${id}`, { vnfInstanceName: 'via-v1' }, 'PATCH');
    assert.equal(op.operationState, 'COMPLETED');
    assert.equal((await v2(t.url, 'GET', `/vnf_instances/${id}`)).body.vnfInstanceName, 'via-v1');
    assert.equal((await v2(t.url, 'DELETE', `/vnf_instances/${id}`)).status, 204);
  });

  it('api_versions, and the Version header: optional, any well-formed value, malformed → 400', async () => {
    const versions = await http(t.url, 'GET', '/vnflcm/v1/api_versions');
    assert.equal(versions.status, 200);
    assertEtsi(`${SOL003_V1}/ApiVersionInformation.schema.json`, versions.body);
    assert.deepEqual(versions.body, { uriPrefix: '/vnflcm/v1', apiVersions: [{ version: '1.3.0', isDeprecated: false }] });
    for (const v of ['1.3.0', '2.0.0']) assert.equal((await v1(t.url, 'GET', '/vnf_instances', undefined, { Version: v })).status, 200);
    const bad = await v1(t.url, 'GET', '/vnf_instances', undefined, { Version: 'one' });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('version'), '1.3.0');
  });
});
