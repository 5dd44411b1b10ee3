import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { assertEtsi, SOL003_V3 } from '../helpers/etsi.js';
import { onboardSample, runOp, v2 } from '../helpers/lcm.js';

// The whole VNF lifecycle over /vnflcm/v2 on the local driver: real processes in real network
// namespaces, checked from the outside at every step.

const IS_ROOT = process.getuid?.() === 0;
// ETSI's v3.3.1 files put oneOf alternatives at the wrong level (see the schemas' README).
const ADVISORY = ['oneOf', 'anyOf'];

let t: TestApp;
let dir: string;
let pkg: { pkgId: string; vnfdId: string };
let pkg2: { pkgId: string; vnfdId: string };
const tag = randomBytes(2).toString('hex');
const bridgeA = `mecanoa${tag}`;
const bridgeB = `mecanob${tag}`;
const netA = `10.228.${parseInt(tag.slice(0, 2), 16) % 200}`;
const netB = `10.227.${parseInt(tag.slice(0, 2), 16) % 200}`;

function extLink(bridge: string, net: string) {
  return [{
    id: 'ext1',
    resourceId: bridge,
    extCps: [{ cpdId: 'VDU1_CP1', cpConfig: { c1: { cpProtocolData: [{ layerProtocol: 'IP_OVER_ETHERNET', ipOverEthernet: { ipAddresses: [{ type: 'IPV4', fixedAddresses: [`${net}.10`], subnetId: `${net}.0/24` }] } }] } } }],
  }];
}

async function get(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: r.status, body: await r.json() };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).startsWith('Z');
  } catch {
    return false;
  }
}

before(async () => {
  t = await startTestApp();
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-lcm-'));
  pkg = await onboardSample(t.url, 'two-vdu', dir);
  pkg2 = await onboardSample(t.url, 'two-vdu-v2', dir);
});
after(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
  for (const b of [bridgeA, bridgeB]) {
    try {
      execFileSync('ip', ['link', 'del', b], { stdio: 'ignore' });
    } catch {
      // already removed by terminate (mecano deletes the bridges it made)
    }
  }
});

describe('VNF LCM v2 lifecycle on the local driver', { skip: !IS_ROOT && 'needs root for network namespaces' }, () => {
  let id: string;
  let vdu2Ip: string;

  it('creates an instance (201, Location, SOL003 shape, package IN_USE)', async () => {
    const r = await v2(t.url, 'POST', '/vnf_instances', { vnfdId: pkg.vnfdId, vnfInstanceName: 'lab-vnf', vnfInstanceDescription: 'two VDUs' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.headers.get('version'), '2.0.0');
    id = r.body.id;
    assert.equal(r.headers.get('location'), `${t.url}/vnflcm/v2/vnf_instances/${id}`);
    assert.equal(r.body.instantiationState, 'NOT_INSTANTIATED');
    assert.equal(r.body.vnfProvider, 'mecano');
    assert.ok(r.body._links.instantiate);
    assertEtsi(`${SOL003_V3}/VnfInstance.schema.json`, r.body, ADVISORY);
    const p = await fetch(`${t.url}/vnfpkgm/v1/vnf_packages/${pkg.pkgId}`).then((x) => x.json() as Promise<any>);
    assert.equal(p.usageState, 'IN_USE');
  });

  it('instantiates: the VNFCs run in namespaces and talk over the internal link', async () => {
    const op = await runOp(t.url, `/vnf_instances/${id}/instantiate`, { flavourId: 'simple', instantiationLevelId: 'instantiation_level_1', extVirtualLinks: extLink(bridgeA, netA) });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assert.equal(op.operation, 'INSTANTIATE');
    assert.equal(op.resourceChanges.affectedVnfcs.length, 2);
    assert.ok(op.resourceChanges.affectedVnfcs.every((v: any) => v.changeType === 'ADDED'));
    assertEtsi(`${SOL003_V3}/VnfLcmOpOcc.schema.json`, op, ADVISORY);
    const inst = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assertEtsi(`${SOL003_V3}/VnfInstance.schema.json`, inst, ADVISORY);
    assert.equal(inst.instantiationState, 'INSTANTIATED');
    const info = inst.instantiatedVnfInfo;
    assert.equal(info.flavourId, 'simple');
    assert.deepEqual(info.scaleStatus, [{ aspectId: 'VDU2_scale', vnfdId: pkg.vnfdId, scaleLevel: 0 }]);
    assert.equal(info.vnfcResourceInfo.length, 2);
    const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    for (const v of info.vnfcResourceInfo) {
      assert.ok(netns.includes(v.computeResource.resourceId), `namespace ${v.computeResource.resourceId} exists`);
      assert.ok(alive(v.metadata.pid), `VNFC process ${v.metadata.pid} runs`);
    }
    const front = await get(`http://${netA}.10:8080/health`);
    assert.equal(front.body.vduId, 'VDU1');
    const vdu2 = info.vnfcResourceInfo.find((v: any) => v.vduId === 'VDU2');
    vdu2Ip = vdu2.vnfcCpInfo[0].cpProtocolInfo[0].ipOverEthernet.ipAddresses[0].addresses[0];
    assert.match(vdu2Ip, /^10\.251\.0\./);
    const peer = await get(`http://${netA}.10:8080/peer?addr=${vdu2Ip}:8080`);
    assert.equal(peer.status, 200, JSON.stringify(peer.body));
    assert.equal(peer.body.peer.vduId, 'VDU2');
  });

  it('refuses a second instantiate (409 with the state) and a second operation while one runs', async () => {
    const again = await v2(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
    assert.equal(again.status, 409);
    assert.match(again.body.detail, /INSTANTIATED/);
  });

  it('scales out and in within the aspect limits (422 beyond)', async () => {
    const out = await runOp(t.url, `/vnf_instances/${id}/scale`, { type: 'SCALE_OUT', aspectId: 'VDU2_scale', numberOfSteps: 2 });
    assert.equal(out.operationState, 'COMPLETED', JSON.stringify(out.error));
    assert.equal(out.resourceChanges.affectedVnfcs.length, 2);
    let inst = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.equal(inst.instantiatedVnfInfo.vnfcResourceInfo.length, 4);
    assert.equal(inst.instantiatedVnfInfo.scaleStatus[0].scaleLevel, 2);
    const beyond = await v2(t.url, 'POST', `/vnf_instances/${id}/scale`, { type: 'SCALE_OUT', aspectId: 'VDU2_scale' });
    assert.equal(beyond.status, 422);
    const unknown = await v2(t.url, 'POST', `/vnf_instances/${id}/scale`, { type: 'SCALE_OUT', aspectId: 'nope' });
    assert.equal(unknown.status, 422);
    const removed = inst.instantiatedVnfInfo.vnfcResourceInfo.filter((v: any) => v.vduId === 'VDU2').sort((a: any, b: any) => b.metadata.vdu_idx - a.metadata.vdu_idx)[0];
    const inOp = await runOp(t.url, `/vnf_instances/${id}/scale`, { type: 'SCALE_IN', aspectId: 'VDU2_scale', numberOfSteps: 1 });
    assert.equal(inOp.operationState, 'COMPLETED');
    assert.deepEqual(inOp.resourceChanges.affectedVnfcs.map((v: any) => [v.id, v.changeType]), [[removed.id, 'REMOVED']]);
    assert.ok(!alive(removed.metadata.pid), 'the newest VNFC was stopped');
    inst = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.equal(inst.instantiatedVnfInfo.vnfcResourceInfo.length, 3);
  });

  it('heals a killed VNFC: it shows STOPPED, then runs again with the same identity', async () => {
    let inst = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    const victim = inst.instantiatedVnfInfo.vnfcResourceInfo.find((v: any) => v.vduId === 'VDU2');
    process.kill(victim.metadata.pid, 'SIGKILL');
    const { reconcileOnce } = await import('../../src/lcm/reconciler.js');
    const rep = await reconcileOnce(t.mecano.db, t.mecano.driver);
    assert.ok(rep.dead.includes(victim.id));
    inst = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    const vnfcInfo = inst.instantiatedVnfInfo.vnfcInfo.find((v: any) => v.vnfcResourceInfoId === victim.id);
    assert.equal(vnfcInfo.vnfcState, 'STOPPED');
    const bad = await v2(t.url, 'POST', `/vnf_instances/${id}/heal`, { vnfcInstanceId: ['no-such-vnfc'] });
    assert.equal(bad.status, 422);
    const op = await runOp(t.url, `/vnf_instances/${id}/heal`, { vnfcInstanceId: [vnfcInfo.id], cause: 'killed by test' });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assert.deepEqual(op.resourceChanges.affectedVnfcs.map((v: any) => [v.id, v.changeType]), [[victim.id, 'MODIFIED']]);
    inst = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    const healed = inst.instantiatedVnfInfo.vnfcResourceInfo.find((v: any) => v.id === victim.id);
    assert.notEqual(healed.metadata.pid, victim.metadata.pid);
    assert.ok(alive(healed.metadata.pid));
    assert.equal(inst.instantiatedVnfInfo.vnfcInfo.find((v: any) => v.vnfcResourceInfoId === victim.id).vnfcState, 'STARTED');
  });

  it('changes external connectivity: the front end moves to another bridge and address', async () => {
    const op = await runOp(t.url, `/vnf_instances/${id}/change_ext_conn`, { extVirtualLinks: extLink(bridgeB, netB) });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assert.equal(op.changedExtConnectivity[0].resourceHandle.resourceId, bridgeB);
    const front = await get(`http://${netB}.10:8080/health`);
    assert.equal(front.body.vduId, 'VDU1');
  });

  it('changes the VNF package: every VNFC restarts from the new package', async () => {
    const wrong = await v2(t.url, 'POST', `/vnf_instances/${id}/change_vnfpkg`, { vnfdId: 'no-such-vnfd' });
    assert.equal(wrong.status, 422);
    const op = await runOp(t.url, `/vnf_instances/${id}/change_vnfpkg`, { vnfdId: pkg2.vnfdId, additionalParams: { upgrade_type: 'RollingUpdate' } });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assert.equal(op.modificationsTriggeredByVnfPkgChange.vnfdId, pkg2.vnfdId);
    const inst = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.equal(inst.vnfdId, pkg2.vnfdId);
    const front = await get(`http://${netB}.10:8080/health`);
    assert.equal(front.status, 200);
    const p1 = await fetch(`${t.url}/vnfpkgm/v1/vnf_packages/${pkg.pkgId}`).then((x) => x.json() as Promise<any>);
    const p2 = await fetch(`${t.url}/vnfpkgm/v1/vnf_packages/${pkg2.pkgId}`).then((x) => x.json() as Promise<any>);
    assert.equal(p1.usageState, 'NOT_IN_USE');
    assert.equal(p2.usageState, 'IN_USE');
  });

  it('modifies the instance information (MODIFY_INFO with changedInfo)', async () => {
    const op = await runOp(t.url, `/vnf_instances/${id}`, { vnfInstanceName: 'renamed', metadata: { owner: 'lab' } }, 'PATCH');
    assert.equal(op.operationState, 'COMPLETED');
    assert.equal(op.operation, 'MODIFY_INFO');
    assert.deepEqual(op.changedInfo, { vnfInstanceName: 'renamed', metadata: { owner: 'lab' } });
    const inst = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.equal(inst.vnfInstanceName, 'renamed');
    assert.deepEqual(inst.metadata, { owner: 'lab' });
  });

  it('terminates: every process, namespace and veth is gone; then the instance is deleted', async () => {
    const before = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body.instantiatedVnfInfo.vnfcResourceInfo;
    const del409 = await v2(t.url, 'DELETE', `/vnf_instances/${id}`);
    assert.equal(del409.status, 409);
    const op = await runOp(t.url, `/vnf_instances/${id}/terminate`, { terminationType: 'GRACEFUL', gracefulTerminationTimeout: 5 });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    for (const v of before) {
      assert.ok(!netns.includes(v.computeResource.resourceId), `namespace ${v.computeResource.resourceId} removed`);
      assert.ok(!alive(v.metadata.pid), `process ${v.metadata.pid} stopped`);
    }
    const inst = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.equal(inst.instantiationState, 'NOT_INSTANTIATED');
    assert.equal((await v2(t.url, 'DELETE', `/vnf_instances/${id}`)).status, 204);
    assert.equal((await v2(t.url, 'GET', `/vnf_instances/${id}`)).status, 404);
    const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' });
    for (const v of before) assert.ok(!links.includes(v.computeResource.resourceId.replace('mcns', 'mcv')), 'veths removed');
  });

  it('lists the op occurrences of the whole flow with a filter', async () => {
    const r = await v2(t.url, 'GET', `/vnf_lcm_op_occs?filter=${encodeURIComponent(`(eq,vnfInstanceId,${id})`)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.map((o: any) => o.operation), ['INSTANTIATE', 'SCALE', 'SCALE', 'HEAL', 'CHANGE_EXT_CONN', 'CHANGE_VNFPKG', 'MODIFY_INFO', 'TERMINATE']);
    assert.ok(r.body.every((o: any) => o.operationState === 'COMPLETED' && o.operationParams === undefined));
    assertEtsi(`${SOL003_V3}/VnfLcmOpOccs.schema.json`, r.body, ADVISORY);
  });
});
