import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { assertEtsi, SOL003_V3 } from '../helpers/etsi.js';
import { onboardSample, runOp, v2, waitOp } from '../helpers/lcm.js';

// Failure paths of the engine: a VNFC that cannot start (FAILED_TEMP with its exit code and
// output), retry, rollback, fail, cancel, and the synchronous 4xx checks.

let t: TestApp;
let dir: string;
let failing: { pkgId: string; vnfdId: string };
let good: { pkgId: string; vnfdId: string };

before(async () => {
  t = await startTestApp({ netns: process.getuid?.() === 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-fail-'));
  failing = await onboardSample(t.url, 'failing', dir);
  good = await onboardSample(t.url, 'single-vdu', dir);
});
after(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

async function newInstance(vnfdId: string): Promise<string> {
  const r = await v2(t.url, 'POST', '/vnf_instances', { vnfdId });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

function namespacesOf(op: any): string[] {
  return (op.resourceChanges?.affectedVnfcs ?? []).map((v: any) => v.computeResource.resourceId);
}

describe('a VNFC that fails to start', () => {
  let id: string;
  let opId: string;

  it('ends FAILED_TEMP with the exit code and the last lines it printed', async () => {
    id = await newInstance(failing.vnfdId);
    const op = await runOp(t.url, `/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
    opId = op.id;
    assert.equal(op.operationState, 'FAILED_TEMP');
    assert.match(op.error.detail, /exit code 3/);
    assert.match(op.error.detail, /cannot start: simulated failure/);
    assertEtsi(`${SOL003_V3}/VnfLcmOpOcc.schema.json`, op, ['oneOf', 'anyOf']);
    const inst = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.equal(inst.instantiationState, 'NOT_INSTANTIATED', 'the instance is untouched by a failure');
  });

  it('blocks other operations while FAILED_TEMP (409 naming the occurrence)', async () => {
    const r = await v2(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
    assert.equal(r.status, 409);
    assert.match(r.body.detail, new RegExp(opId));
    assert.equal((await v2(t.url, 'DELETE', `/vnf_instances/${id}`)).status, 409);
  });

  it('retry runs it again (202, no body) and fails the same way', async () => {
    const r = await v2(t.url, 'POST', `/vnf_lcm_op_occs/${opId}/retry`);
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    const op = await waitOp(t.url, `${t.url}/vnflcm/v2/vnf_lcm_op_occs/${opId}`);
    assert.equal(op.operationState, 'FAILED_TEMP');
  });

  it('rollback removes what was made (ROLLED_BACK); then the instance can be deleted', async () => {
    const r = await v2(t.url, 'POST', `/vnf_lcm_op_occs/${opId}/rollback`);
    assert.equal(r.status, 202);
    const op = await waitOp(t.url, `${t.url}/vnflcm/v2/vnf_lcm_op_occs/${opId}`);
    assert.equal(op.operationState, 'ROLLED_BACK', JSON.stringify(op.error));
    const row = await t.mecano.db.query<{ resources: any }>('SELECT resources FROM vnf_instances WHERE id = $1', [id]);
    assert.deepEqual(Object.keys(row.rows[0].resources.vnfcs), []);
    assert.deepEqual(Object.keys(row.rows[0].resources.links), []);
    const again = await v2(t.url, 'POST', `/vnf_lcm_op_occs/${opId}/retry`);
    assert.equal(again.status, 409, 'a ROLLED_BACK occurrence cannot be retried');
    assert.equal((await v2(t.url, 'DELETE', `/vnf_instances/${id}`)).status, 204);
  });

  it('fail moves FAILED_TEMP to FAILED synchronously (200 with the occurrence)', async () => {
    const id2 = await newInstance(failing.vnfdId);
    const op = await runOp(t.url, `/vnf_instances/${id2}/instantiate`, { flavourId: 'simple' });
    const r = await v2(t.url, 'POST', `/vnf_lcm_op_occs/${op.id}/fail`);
    assert.equal(r.status, 200);
    assert.equal(r.body.operationState, 'FAILED');
    assertEtsi(`${SOL003_V3}/VnfLcmOpOcc.schema.json`, r.body, ['oneOf', 'anyOf']);
    assert.equal((await v2(t.url, 'POST', `/vnf_lcm_op_occs/${op.id}/fail`)).status, 409);
    assert.equal((await v2(t.url, 'DELETE', `/vnf_instances/${id2}`)).status, 204, 'an instance whose instantiate FAILED can be deleted');
    if (process.getuid?.() === 0) {
      const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
      for (const ns of namespacesOf(op)) assert.ok(!netns.includes(ns));
    }
  });
});

describe('rollback and cancel rules', () => {
  it('rollback of TERMINATE is refused with 409', async () => {
    const id = await newInstance(good.vnfdId);
    assert.equal((await runOp(t.url, `/vnf_instances/${id}/instantiate`, { flavourId: 'simple' })).operationState, 'COMPLETED');
    // A terminate cannot fail here, so build the FAILED_TEMP case from the state machine directly.
    const { canRollback } = await import('../../src/lcm/state-machine.js');
    assert.equal(canRollback('TERMINATE', {}).ok, false);
    assert.equal(canRollback('SCALE', { type: 'SCALE_IN' }).ok, false);
    assert.equal(canRollback('SCALE', { type: 'SCALE_OUT' }).ok, true);
    assert.equal((await runOp(t.url, `/vnf_instances/${id}/terminate`, { terminationType: 'FORCEFUL' })).operationState, 'COMPLETED');
  });

  it('cancel of a running operation leaves it FAILED_TEMP; cancel of a finished one is 409', async () => {
    await t.mecano.runner.stop();
    try {
      const id = await newInstance(good.vnfdId);
      const r = await v2(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
      const loc = r.headers.get('location')!;
      const opId = loc.split('/').pop()!;
      const bad = await v2(t.url, 'POST', `/vnf_lcm_op_occs/${opId}/cancel`, { cancelMode: 'SOMETIMES' });
      assert.equal(bad.status, 400);
      const c = await v2(t.url, 'POST', `/vnf_lcm_op_occs/${opId}/cancel`, { cancelMode: 'GRACEFUL' });
      assert.equal(c.status, 202);
      const pending = (await v2(t.url, 'GET', `/vnf_lcm_op_occs/${opId}`)).body;
      assert.equal(pending.isCancelPending, true);
      assert.equal(pending.cancelMode, 'GRACEFUL');
      await t.mecano.runner.runOnce();
      const op = (await v2(t.url, 'GET', `/vnf_lcm_op_occs/${opId}`)).body;
      assert.equal(op.operationState, 'FAILED_TEMP');
      assert.equal(op.isCancelPending, false);
      assert.match(op.error.detail, /cancelled/);
      const again = await v2(t.url, 'POST', `/vnf_lcm_op_occs/${opId}/cancel`, { cancelMode: 'FORCEFUL' });
      assert.equal(again.status, 409);
    } finally {
      t.mecano.runner.start();
    }
  });
});

describe('synchronous checks', () => {
  const missing = '5d2b8c3e-1f2a-4b7c-9d8e-0f1a2b3c4d5e';
  it('Version header: missing → 400, not served → 406, and Version on every v2 response', async () => {
    const none = await http(t.url, 'GET', '/vnflcm/v2/vnf_instances');
    assert.equal(none.status, 400);
    assert.equal(none.headers.get('version'), '2.0.0');
    assert.equal(none.headers.get('accept-ranges'), 'none');
    const old = await http(t.url, 'GET', '/vnflcm/v2/vnf_instances', { headers: { Version: '1.3.0' } });
    assert.equal(old.status, 406);
    const versions = await http(t.url, 'GET', '/vnflcm/v2/api_versions');
    assert.equal(versions.status, 200);
    assert.deepEqual(versions.body, { uriPrefix: '/vnflcm/v2', apiVersions: [{ version: '2.0.0', isDeprecated: false }] });
  });
  it('unknown instance / occurrence → 404', async () => {
    assert.equal((await v2(t.url, 'GET', `/vnf_instances/${missing}`)).status, 404);
    assert.equal((await v2(t.url, 'POST', `/vnf_instances/${missing}/instantiate`, { flavourId: 'simple' })).status, 404);
    assert.equal((await v2(t.url, 'GET', `/vnf_lcm_op_occs/${missing}`)).status, 404);
    assert.equal((await v2(t.url, 'POST', `/vnf_lcm_op_occs/${missing}/retry`)).status, 404);
  });
  it('a vnfdId that is not onboarded, or a disabled package → 422', async () => {
    assert.equal((await v2(t.url, 'POST', '/vnf_instances', { vnfdId: 'nope' })).status, 422);
    const p = await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${good.pkgId}`, { body: { operationalState: 'DISABLED' } });
    assert.equal(p.status, 200);
    const r = await v2(t.url, 'POST', '/vnf_instances', { vnfdId: good.vnfdId });
    assert.equal(r.status, 422);
    assert.match(r.body.detail, /not ENABLED/);
    await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${good.pkgId}`, { body: { operationalState: 'ENABLED' } });
  });
  it('unknown flavour or instantiation level → 422; malformed vimConnectionInfo → 400; unsupported VIM type → 422', async () => {
    const id = await newInstance(good.vnfdId);
    assert.equal((await v2(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'huge' })).status, 422);
    assert.equal((await v2(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple', instantiationLevelId: 'nope' })).status, 422);
    const malformed = await v2(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple', vimConnectionInfo: { v: { vimId: 'x' } } });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.detail, /vimType/);
    assert.equal((await v2(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple', vimConnectionInfo: { v: { vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3' } } })).status, 422);
    assert.equal((await v2(t.url, 'POST', `/vnf_instances/${id}/scale`, { type: 'SCALE_OUT', aspectId: 'a' })).status, 409, 'scale needs INSTANTIATED');
    const noBody = await http(t.url, 'POST', `/vnflcm/v2/vnf_instances/${id}/instantiate`, { headers: { Version: '2.0.0', 'content-type': 'application/json' }, raw: '' });
    assert.equal(noBody.status, 400);
  });
});
