import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { assertEtsi, SOL003_V1 } from '../helpers/etsi.js';
import { onboardSample, v2 } from '../helpers/lcm.js';
import { runOpV1, startReceiver, v1, waitOpV1, type Receiver } from './helpers.js';

// /vnflcm/v1 failure paths and bad input: FAILED_TEMP with retry / rollback / fail / cancel, the
// synchronous 400/404/409/422 checks (nothing recorded on error), v1 modify's vnfdId/vnfPkgId
// rules, and v1 subscriptions.

let t: TestApp;
let dir: string;
let failing: { pkgId: string; vnfdId: string };
let good: { pkgId: string; vnfdId: string };
let other: { pkgId: string; vnfdId: string };
let receiver: Receiver;
const missing = '5d2b8c3e-1f2a-4b7c-9d8e-0f1a2b3c4d5e';
const opOccSchema = `${SOL003_V1}/VnfLcmOpOcc.schema.json`;

before(async () => {
  t = await startTestApp({ netns: process.getuid?.() === 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-v1-fail-'));
  failing = await onboardSample(t.url, 'failing', dir);
  good = await onboardSample(t.url, 'single-vdu', dir);
  other = await onboardSample(t.url, 'two-vdu', dir);
  receiver = await startReceiver();
});
after(async () => {
  await t.close();
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
});

async function newInstance(vnfdId: string): Promise<string> {
  const r = await v1(t.url, 'POST', '/vnf_instances', { vnfdId });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

async function opCount(): Promise<number> {
  return (await v1(t.url, 'GET', '/vnf_lcm_op_occs')).body.length;
}

function assertProblem(r: { status: number; headers: Headers; body: any }, status: number, detail?: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(String(r.headers.get('content-type')), /^application\/problem\+json/);
  assertEtsi(`${SOL003_V1}/ProblemDetails.schema.json`, r.body);
  if (detail) assert.match(r.body.detail, detail);
}

describe('a v1 instantiation that fails', () => {
  let id: string;
  let opId: string;

  it('ends FAILED_TEMP; the v1 occurrence offers retry, rollback and fail links', async () => {
    id = await newInstance(failing.vnfdId);
    const op = await runOpV1(t.url, `/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
    opId = op.id;
    assert.equal(op.operationState, 'FAILED_TEMP');
    assert.match(op.error.detail, /exit code 3/);
    assertEtsi(opOccSchema, op);
    assert.deepEqual(Object.keys(op._links).sort(), ['fail', 'retry', 'rollback', 'self', 'vnfInstance']);
    assert.equal(op._links.retry.href, `${t.url}/vnflcm/v1/vnf_lcm_op_occs/${opId}/retry`);
  });

  it('blocks other operations (409) and retry runs it again (202, no body)', async () => {
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple' }), 409, new RegExp(opId));
    assertProblem(await v1(t.url, 'DELETE', `/vnf_instances/${id}`), 409);
    const r = await v1(t.url, 'POST', `/vnf_lcm_op_occs/${opId}/retry`);
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    assert.equal((await waitOpV1(t.url, opId)).operationState, 'FAILED_TEMP');
  });

  it('rollback ends ROLLED_BACK; then retry is a 409 and the instance can be deleted', async () => {
    assert.equal((await v1(t.url, 'POST', `/vnf_lcm_op_occs/${opId}/rollback`)).status, 202);
    const op = await waitOpV1(t.url, opId);
    assert.equal(op.operationState, 'ROLLED_BACK');
    assert.deepEqual(Object.keys(op._links).sort(), ['self', 'vnfInstance']);
    assertProblem(await v1(t.url, 'POST', `/vnf_lcm_op_occs/${opId}/retry`), 409, /ROLLED_BACK/);
    assert.equal((await v1(t.url, 'DELETE', `/vnf_instances/${id}`)).status, 204);
  });

  it('fail answers 200 with the FAILED occurrence in v2.6.1 shape', async () => {
    const id2 = await newInstance(failing.vnfdId);
    const op = await runOpV1(t.url, `/vnf_instances/${id2}/instantiate`, { flavourId: 'simple' });
    const r = await v1(t.url, 'POST', `/vnf_lcm_op_occs/${op.id}/fail`);
    assert.equal(r.status, 200);
    assert.equal(r.body.operationState, 'FAILED');
    assertEtsi(opOccSchema, r.body);
    assertProblem(await v1(t.url, 'POST', `/vnf_lcm_op_occs/${op.id}/fail`), 409);
    assert.equal((await v1(t.url, 'DELETE', `/vnf_instances/${id2}`)).status, 204);
  });

  it('cancel of a running operation: 202, cancel link while it runs, FAILED_TEMP after', async () => {
    await t.mecano.runner.stop();
    try {
      const id3 = await newInstance(good.vnfdId);
      const r = await v1(t.url, 'POST', `/vnf_instances/${id3}/instantiate`, { flavourId: 'simple' });
      const op3 = r.headers.get('location')!.split('/').pop()!;
      const starting = (await v1(t.url, 'GET', `/vnf_lcm_op_occs/${op3}`)).body;
      assert.equal(starting._links.cancel.href, `${t.url}/vnflcm/v1/vnf_lcm_op_occs/${op3}/cancel`);
      assertProblem(await v1(t.url, 'POST', `/vnf_lcm_op_occs/${op3}/cancel`, { cancelMode: 'LATER' }), 400);
      assert.equal((await v1(t.url, 'POST', `/vnf_lcm_op_occs/${op3}/cancel`, { cancelMode: 'FORCEFUL' })).status, 202);
      assert.equal((await v1(t.url, 'GET', `/vnf_lcm_op_occs/${op3}`)).body.isCancelPending, true);
      await t.mecano.runner.runOnce();
      const done = (await v1(t.url, 'GET', `/vnf_lcm_op_occs/${op3}`)).body;
      assert.equal(done.operationState, 'FAILED_TEMP');
      assertProblem(await v1(t.url, 'POST', `/vnf_lcm_op_occs/${op3}/cancel`, { cancelMode: 'FORCEFUL' }), 409);
      assert.equal((await v1(t.url, 'POST', `/vnf_lcm_op_occs/${op3}/fail`)).status, 200);
    } finally {
      t.mecano.runner.start();
    }
  });
});

describe('synchronous checks: nothing is recorded on error', () => {
  it('404 for unknown instances and occurrences, 400 for a malformed id', async () => {
    assertProblem(await v1(t.url, 'GET', `/vnf_instances/${missing}`), 404, /not found/);
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${missing}/heal`, {}), 404);
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${missing}`, { vnfInstanceName: 'x' }), 404);
    assertProblem(await v1(t.url, 'GET', `/vnf_lcm_op_occs/${missing}`), 404);
    assertProblem(await v1(t.url, 'POST', `/vnf_lcm_op_occs/${missing}/rollback`), 404);
    assertProblem(await v1(t.url, 'GET', '/vnf_instances/not-a-uuid'), 400);
  });

  it('create: 400 without vnfdId, 422 for a vnfdId that is not onboarded', async () => {
    assertProblem(await v1(t.url, 'POST', '/vnf_instances', { vnfInstanceName: 'x' }), 400, /vnfdId/);
    assertProblem(await v1(t.url, 'POST', '/vnf_instances', { vnfdId: 'nope' }), 422);
  });

  it('instantiate: v3.3.1 map form, missing entry id, duplicate ids → 400; unknown flavour, VIM type → 422', async () => {
    const id = await newInstance(good.vnfdId);
    const n = await opCount();
    const vim = { vimId: '00000000-0000-4000-8000-00000000000a', vimType: 'mecano.local.v1' };
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple', vimConnectionInfo: { vim1: vim } }), 400, /vimConnectionInfo/);
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple', vimConnectionInfo: [vim] }), 400, /id/);
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple', vimConnectionInfo: [{ id: 'a', ...vim }, { id: 'a', ...vim }] }), 400, /more than one/);
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'huge' }), 422, /huge/);
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple', vimConnectionInfo: [{ id: 'os', vimType: 'openstack' }] }), 422, /openstack/);
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple', extVirtualLinks: [{ id: 'e', resourceId: 'br', extCps: [{ cpdId: 'VDU1_CP1', cpConfig: { c: {} } }] }] }), 400, /cpConfig/);
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${id}/scale`, { type: 'SCALE_OUT', aspectId: 'a' }), 409, /NOT_INSTANTIATED/);
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${id}/terminate`, { terminationType: 'SOMETIMES' }), 400);
    assert.equal(await opCount(), n, 'no occurrence recorded');
    assert.equal((await v1(t.url, 'GET', `/vnf_instances/${id}`)).body.instantiationState, 'NOT_INSTANTIATED');
    assert.equal((await v1(t.url, 'DELETE', `/vnf_instances/${id}`)).status, 204);
  });

  it('modify: vnfPkgId changes the package; inconsistent vnfdId/vnfPkgId, unknown or malformed vnfPkgId are refused', async () => {
    const id = await newInstance(good.vnfdId);
    const n = await opCount();
    assertProblem(await v1(t.url, 'PATCH', `/vnf_instances/${id}`, { vnfdId: good.vnfdId, vnfPkgId: other.pkgId }), 422, /inconsistent/);
    assertProblem(await v1(t.url, 'PATCH', `/vnf_instances/${id}`, { vnfPkgId: missing }), 422, /no such VNF package/);
    assertProblem(await v1(t.url, 'POST', `/vnf_instances/${id}`, { vnfPkgId: 'not-a-uuid' }), 400, /vnfPkgId/);
    assertProblem(await v1(t.url, 'PATCH', `/vnf_instances/${id}`, { vimConnectionInfo: [{ id: 'v', vimType: 'mecano.local.v1' }] }), 400, /NOT_INSTANTIATED/);
    assert.equal(await opCount(), n, 'no occurrence recorded');
    const unchanged = (await v1(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.equal(unchanged.vnfPkgId, good.pkgId);

    const op = await runOpV1(t.url, `/vnf_instances/${id}`, { vnfPkgId: other.pkgId, vnfdId: other.vnfdId }, 'PATCH');
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assertEtsi(opOccSchema, op);
    assert.equal(op.changedInfo.vnfPkgId, other.pkgId);
    assert.equal(op.changedInfo.vnfdId, other.vnfdId);
    assert.equal(op.changedInfo.vnfSoftwareVersion, '1.0');
    assert.equal(op.changedInfo.vnfSotwareVersion, '1.0', 'the seed spelling beside the GS one');
    const inst = (await v1(t.url, 'GET', `/vnf_instances/${id}`)).body;
    assert.equal(inst.vnfPkgId, other.pkgId);
    assert.equal(inst.vnfdId, other.vnfdId);
    assert.equal((await v2(t.url, 'GET', `/vnf_instances/${id}`)).body.vnfdId, other.vnfdId);
    assert.equal((await v1(t.url, 'DELETE', `/vnf_instances/${id}`)).status, 204);
  });
});

describe('v1 subscriptions', () => {
  let subId: string;

  it('creates one (201, v2.6.1 shape: no verbosity, no authentication) and refuses v3-only operation types', async () => {
    const bad = await v1(t.url, 'POST', '/subscriptions', { callbackUri: receiver.url, filter: { operationTypes: ['CHANGE_VNFPKG'] } });
    assertProblem(bad, 400, /operationTypes/);
    const r = await v1(t.url, 'POST', '/subscriptions', {
      callbackUri: receiver.url,
      filter: { vnfInstanceSubscriptionFilter: { vnfdIds: [good.vnfdId] }, notificationTypes: ['VnfLcmOperationOccurrenceNotification', 'VnfIdentifierCreationNotification'], operationTypes: ['INSTANTIATE'] },
      authentication: { authType: ['BASIC'], paramsBasic: { userName: 'u', password: 'p' } },
    });
    assert.equal(r.status, 201, r.text);
    subId = r.body.id;
    assert.equal(r.headers.get('location'), `${t.url}/vnflcm/v1/subscriptions/${subId}`);
    assertEtsi(`${SOL003_V1}/LccnSubscription.schema.json`, r.body);
    assert.equal(r.body.verbosity, undefined);
    assert.equal(r.body.authentication, undefined);
    assert.equal(r.body._links.self.href, r.headers.get('location'));
  });

  it('lists, shows and deletes it; v1 and v2 subscriptions are separate resources', async () => {
    const list = await v1(t.url, 'GET', '/subscriptions');
    assert.equal(list.status, 200);
    assertEtsi(`${SOL003_V1}/subscriptions.schema.json`, list.body);
    assert.deepEqual(list.body.map((s: any) => s.id), [subId]);
    assert.deepEqual((await v2(t.url, 'GET', '/subscriptions')).body, []);
    assert.equal((await v2(t.url, 'GET', `/subscriptions/${subId}`)).status, 404);
    const one = await v1(t.url, 'GET', `/subscriptions/${subId}`);
    assert.equal(one.status, 200);
    assertEtsi(`${SOL003_V1}/LccnSubscription.schema.json`, one.body);
    assert.equal((await v1(t.url, 'DELETE', `/subscriptions/${subId}`)).status, 204);
    assertProblem(await v1(t.url, 'GET', `/subscriptions/${subId}`), 404);
    assertProblem(await v1(t.url, 'DELETE', `/subscriptions/${subId}`), 404);
  });

  it('delivers v2.6.1 notifications (Version: 1.3.0, /vnflcm/v1 links) for instances however created', async () => {
    const sub = await v1(t.url, 'POST', '/subscriptions', { callbackUri: receiver.url, filter: { vnfInstanceSubscriptionFilter: { vnfdIds: [failing.vnfdId] } } });
    assert.equal(sub.status, 201, sub.text);
    const seen = receiver.received.length;
    const created = await v2(t.url, 'POST', '/vnf_instances', { vnfdId: failing.vnfdId });
    const id = created.body.id;
    const op = await runOpV1(t.url, `/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
    assert.equal(op.operationState, 'FAILED_TEMP');
    const until = Date.now() + 20_000;
    const mine = () => receiver.received.slice(seen).filter((n) => n.body?.vnfInstanceId === id);
    while (mine().length < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const notes = mine();
    assert.deepEqual(
      notes.map((n) => [n.body.notificationType, n.body.operationState, n.body.notificationStatus]),
      [
        ['VnfIdentifierCreationNotification', undefined, undefined],
        ['VnfLcmOperationOccurrenceNotification', 'STARTING', 'START'],
        ['VnfLcmOperationOccurrenceNotification', 'PROCESSING', 'RESULT'],
        ['VnfLcmOperationOccurrenceNotification', 'FAILED_TEMP', 'RESULT'],
      ],
    );
    assertEtsi(`${SOL003_V1}/VnfIdentifierCreationNotification.schema.json`, notes[0].body);
    for (const n of notes.slice(1)) {
      assertEtsi(`${SOL003_V1}/VnfLcmOperationOccurrenceNotification.schema.json`, n.body);
      assert.equal(n.body.verbosity, undefined);
      assert.equal(n.body._links.vnfLcmOpOcc.href, `${t.url}/vnflcm/v1/vnf_lcm_op_occs/${op.id}`);
    }
    for (const n of notes) {
      assert.equal(n.headers.version, '1.3.0');
      assert.equal(n.body.subscriptionId, sub.body.id);
      assert.equal(n.body._links.subscription.href, `${t.url}/vnflcm/v1/subscriptions/${sub.body.id}`);
      assert.equal(n.body._links.vnfInstance.href, `${t.url}/vnflcm/v1/vnf_instances/${id}`);
    }
    assert.match(notes[3].body.error.detail, /exit code 3/);
    assert.equal((await v1(t.url, 'POST', `/vnf_lcm_op_occs/${op.id}/fail`)).status, 200);
    assert.equal((await v1(t.url, 'DELETE', `/vnf_instances/${id}`)).status, 204);
    assert.equal((await v1(t.url, 'DELETE', `/subscriptions/${sub.body.id}`)).status, 204);
  });

  it('a callback that does not answer the test GET with 204 is refused (422)', async () => {
    const r = await http(t.url, 'POST', '/vnflcm/v1/subscriptions', { body: { callbackUri: `${t.url}/vnflcm/v1/api_versions` } });
    assertProblem(r, 422, /204/);
  });
});
