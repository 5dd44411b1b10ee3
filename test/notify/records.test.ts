import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertEtsi, SOL005 } from '../helpers/etsi.js';
import { ProblemError } from '../../src/errors.js';
import type { VnfPkgDoc } from '../../src/notify/index.js';
import { request as http, sampleInstance, startHarness, startReceiver, V2, waitFor, type Harness } from './helpers.js';

// /mecano/v1/notifications (list, read, redeliver), deletion stopping deliveries, one-off
// callbacks (durable, SSRF-guarded at connect time) and package notifications.

let h: Harness;
before(async () => {
  h = await startHarness();
  h.notifier.start();
});
after(async () => {
  await h.close();
});

const list = async (filter: string, extra = '') => (await http(h.url, 'GET', `/mecano/v1/notifications?filter=${encodeURIComponent(filter)}${extra}`)).body as any[];

async function subscribe(path: string, body: Record<string, unknown>): Promise<string> {
  const r = await http(h.url, 'POST', path, { body, headers: path.startsWith('/vnflcm') ? V2 : {} });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}

describe('/mecano/v1/notifications', () => {
  it('lists with SOL013 filters, shows attempts and status, reads one, redelivers', async () => {
    const rx = await startReceiver();
    const inst = sampleInstance(11);
    const sub = await subscribe('/vnflcm/v2/subscriptions', { callbackUri: `${rx.url}/rec`, filter: { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [inst.id] } } });
    await h.testDb.db.tx(async (tx) => {
      await h.notifier.publishLcm(tx, { type: 'VnfIdentifierCreationNotification', instance: inst });
      await h.notifier.publishLcm(tx, { type: 'VnfIdentifierDeletionNotification', instance: inst });
    });
    h.notifier.nudge();
    await waitFor(() => rx.posts().length === 2);
    await waitFor(async () => (await list(`(eq,subscriptionId,${sub});(eq,state,delivered)`)).length === 2, 30_000, 'both recorded as delivered');
    const rows = await list(`(eq,subscriptionId,${sub});(eq,notificationType,VnfIdentifierDeletionNotification)`);
    assert.equal(rows.length, 1);
    const n = rows[0];
    assert.equal(n.notification, undefined, 'the body is excluded by default');
    assert.equal(n.attempts, 1);
    assert.equal(n.lastStatus, 204);
    assert.equal(n.callbackUri, `${rx.url}/rec`);
    assert.match(n.createdAt, /Z$/);
    assert.match(n.deliveredAt, /Z$/);
    const withBody = await list(`(eq,id,${n.id})`, '&fields=notification');
    assert.equal(withBody[0].notification.id, n.id);
    const one = await http(h.url, 'GET', `/mecano/v1/notifications/${n.id}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.notification, rx.posts()[1].body);
    assert.equal((await http(h.url, 'GET', '/mecano/v1/notifications/7d0f6a57-6c7e-4c1a-9f0e-0a1b2c3d4e5f')).status, 404);
    assert.equal((await http(h.url, 'GET', `/mecano/v1/notifications?filter=(eq,state,lost)`)).status, 400, 'state is an enum');
    assert.equal((await http(h.url, 'GET', `/mecano/v1/notifications?filter=(eq,nosuch,1)`)).status, 400);
    const re = await http(h.url, 'POST', `/mecano/v1/notifications/${n.id}/redeliver`);
    assert.equal(re.status, 202, JSON.stringify(re.body));
    assert.equal(re.body.state, 'pending');
    await waitFor(() => rx.posts().length === 3, 30_000, 'the redelivery');
    assert.equal(rx.posts()[2].body.id, n.id, 'the same notification is sent again');
    await waitFor(async () => (await http(h.url, 'GET', `/mecano/v1/notifications/${n.id}`)).body.attempts === 2);
    assert.equal((await http(h.url, 'POST', '/mecano/v1/notifications/7d0f6a57-6c7e-4c1a-9f0e-0a1b2c3d4e5f/redeliver')).status, 404);
    assert.equal((await http(h.url, 'DELETE', `/vnflcm/v2/subscriptions/${sub}`, { headers: V2 })).status, 204);
    const gone = await http(h.url, 'POST', `/mecano/v1/notifications/${n.id}/redeliver`);
    assert.equal(gone.status, 409, 'no redelivery once the subscription is deleted');
    await rx.close();
  });

  it('deleting a subscription stops its pending deliveries', async () => {
    const rx = await startReceiver();
    const inst = sampleInstance(12);
    const sub = await subscribe('/vnflcm/v2/subscriptions', { callbackUri: `${rx.url}/stop`, filter: { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [inst.id] } } });
    await rx.down();
    await h.testDb.db.tx(async (tx) => {
      for (let i = 0; i < 5; i++) await h.notifier.publishLcm(tx, { type: 'VnfIdentifierCreationNotification', instance: inst });
    });
    h.notifier.nudge();
    await waitFor(async () => (await list(`(eq,subscriptionId,${sub});(gt,attempts,0)`)).length > 0, 30_000, 'a failed attempt');
    assert.equal((await http(h.url, 'DELETE', `/vnflcm/v2/subscriptions/${sub}`, { headers: V2 })).status, 204);
    await rx.up();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(rx.posts().length, 0);
    assert.deepEqual(await list(`(eq,subscriptionId,${sub})`), []);
    await rx.close();
  });
  it('a deletion stops a lane that is delivering right now before its next POST', async () => {
    const rx = await startReceiver();
    rx.delayMs = 20;
    const inst = sampleInstance(13);
    const sub = await subscribe('/vnflcm/v2/subscriptions', { callbackUri: `${rx.url}/busy`, filter: { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [inst.id] } } });
    await h.testDb.db.tx(async (tx) => {
      for (let i = 0; i < 50; i++) await h.notifier.publishLcm(tx, { type: 'VnfIdentifierCreationNotification', instance: inst });
    });
    h.notifier.nudge();
    await waitFor(() => rx.posts().length >= 5, 30_000, 'the lane to be under way');
    assert.equal((await http(h.url, 'DELETE', `/vnflcm/v2/subscriptions/${sub}`, { headers: V2 })).status, 204);
    const atDelete = rx.posts().length;
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(rx.posts().length <= atDelete + 1, `${rx.posts().length - atDelete} POSTs after the deletion (only the one in flight may finish)`);
    assert.ok(rx.posts().length < 50);
    await rx.close();
  });
});

describe('one-off callbacks (enqueueCallback)', () => {
  it('are delivered with their headers and recorded with their correlation id', async () => {
    const rx = await startReceiver((r) => (r.method === 'POST' ? 200 : 204));
    const id = await h.testDb.db.tx((tx) =>
      h.notifier.enqueueCallback(tx, { url: `${rx.url}/placement`, headers: { Authorization: 'Bearer abc' }, body: { transactionId: 't-1', requestStatus: 'completed' }, kind: 'PlacementCallback', correlationId: 'req-1' }),
    );
    h.notifier.nudge();
    await waitFor(() => rx.posts().length === 1);
    assert.deepEqual(rx.posts()[0].body, { transactionId: 't-1', requestStatus: 'completed' });
    assert.equal(rx.posts()[0].headers.authorization, 'Bearer abc');
    await waitFor(async () => (await http(h.url, 'GET', `/mecano/v1/notifications/${id}`)).body.state === 'delivered');
    const rec = (await http(h.url, 'GET', `/mecano/v1/notifications/${id}`)).body;
    assert.equal(rec.notificationType, 'PlacementCallback');
    assert.equal(rec.correlationId, 'req-1');
    assert.equal(rec.subscriptionId, undefined);
    assert.doesNotMatch(JSON.stringify(rec), /Bearer abc/, 'callback headers are not shown');
    await rx.close();
  });

  it('refuse bad and denied URLs in the caller transaction', async () => {
    const code = async (url: string) =>
      h.testDb.db.tx((tx) => h.notifier.enqueueCallback(tx, { url, body: {}, kind: 'X' })).then(
        () => 'ok',
        (e: ProblemError) => `${e.status}`,
      );
    assert.equal(await code('nope'), '400');
    assert.equal(await code('http://169.254.169.254/'), '422');
  });

  it('a host name that resolves to a refused address is refused at connect time', async () => {
    const h2 = await startHarness({ allowLoopbackCallbacks: false, retryHorizonMs: 300 });
    const rx = await startReceiver();
    try {
      const id = await h2.testDb.db.tx((tx) => h2.notifier.enqueueCallback(tx, { url: `http://localhost:${rx.port}/x`, body: {}, kind: 'X' }));
      await h2.notifier.deliverOnce();
      const rec = (await http(h2.url, 'GET', `/mecano/v1/notifications/${id}`)).body;
      assert.match(rec.lastError, /refuses/);
      assert.equal(rx.posts().length, 0);
    } finally {
      await rx.close();
      await h2.close();
    }
  });
});

describe('VNF package notifications', () => {
  it('onboarding and change notifications as SOL005 shapes them, filtered', async () => {
    const rx = await startReceiver();
    const pkg: VnfPkgDoc = {
      id: '6f4f6a50-1c2b-4d3e-8f9a-0b1c2d3e4f50',
      vnfdId: 'vnfd-pkg-1',
      vnfProvider: 'Company',
      vnfProductName: 'Sample VNF',
      vnfSoftwareVersion: '1.0',
      vnfdVersion: '1.0',
      onboardingState: 'ONBOARDED',
      operationalState: 'ENABLED',
      usageState: 'NOT_IN_USE',
    };
    const all = await subscribe('/vnfpkgm/v1/subscriptions', { callbackUri: `${rx.url}/all`, filter: { vnfdId: ['vnfd-pkg-1'] } });
    await subscribe('/vnfpkgm/v1/subscriptions', { callbackUri: `${rx.url}/disabled`, filter: { vnfPkgId: [pkg.id], operationalState: ['DISABLED'] } });
    await h.testDb.db.tx(async (tx) => {
      await h.notifier.publishPackage(tx, { type: 'VnfPackageOnboardingNotification', pkg });
      await h.notifier.publishPackage(tx, { type: 'VnfPackageChangeNotification', pkg: { ...pkg, operationalState: 'DISABLED' }, changeType: 'OP_STATE_CHANGE', operationalState: 'DISABLED' });
      await h.notifier.publishPackage(tx, { type: 'VnfPackageChangeNotification', pkg: { ...pkg, operationalState: 'DISABLED' }, changeType: 'PKG_DELETE' });
      // Never onboarded: no vnfdId, so no notification (SOL005 makes vnfdId mandatory).
      await h.notifier.publishPackage(tx, { type: 'VnfPackageOnboardingNotification', pkg: { ...pkg, id: '6f4f6a50-1c2b-4d3e-8f9a-0b1c2d3e4f51', vnfdId: undefined } });
    });
    h.notifier.nudge();
    await waitFor(() => rx.posts().length === 5, 30_000, 'five package notifications');
    const at = (p: string) => rx.posts().filter((x) => x.path === p).map((x) => x.body);
    assert.deepEqual(at('/all').map((b) => [b.notificationType, b.changeType, b.operationalState]), [
      ['VnfPackageOnboardingNotification', undefined, undefined],
      ['VnfPackageChangeNotification', 'OP_STATE_CHANGE', 'DISABLED'],
      ['VnfPackageChangeNotification', 'PKG_DELETE', undefined],
    ]);
    assert.equal(at('/disabled').length, 2);
    for (const b of rx.posts().map((x) => x.body)) {
      assertEtsi(`${SOL005}/${b.notificationType}.schema.json`, b);
      assert.equal(b._links.vnfPackage.href, `${h.url}/vnfpkgm/v1/vnf_packages/${pkg.id}`);
    }
    assert.equal(at('/all')[0].subscriptionId, all);
    assert.equal(rx.posts()[0].headers.version, '2.1.0');
    await rx.close();
  });
});
