import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertEtsi, SOL003_V1 } from '../helpers/etsi.js';
import type { LcmEvent } from '../../src/notify/index.js';
import { request as http, sampleInstance, startHarness, startReceiver, startTokenServer, V2, waitFor, type Harness, type Receiver } from './helpers.js';

// Delivery over real loopback HTTP: publish inside a transaction, receive in order with the
// SOL003 shapes (FULL/SHORT), authentication, retries, timeouts, 410 Gone, the retry horizon.

// No v3.3.1 notification schemas exist (etsi-schemas README); the v2.6.1 ones check the fields
// both versions share (extra v3 attributes are allowed by them).
const SCHEMA: Record<string, string> = {
  VnfLcmOperationOccurrenceNotification: `${SOL003_V1}/VnfLcmOperationOccurrenceNotification.schema.json`,
  VnfIdentifierCreationNotification: `${SOL003_V1}/VnfIdentifierCreationNotification.schema.json`,
  VnfIdentifierDeletionNotification: `${SOL003_V1}/vnfIdentifierDeletionNotification.schema.json`,
};

let h: Harness;
before(async () => {
  h = await startHarness();
  h.notifier.start();
});
after(async () => {
  await h.close();
});

async function subscribe(body: Record<string, unknown>): Promise<string> {
  const r = await http(h.url, 'POST', '/vnflcm/v2/subscriptions', { body, headers: V2 });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}

async function publish(...events: LcmEvent[]): Promise<void> {
  await h.testDb.db.tx(async (tx) => {
    for (const ev of events) await h.notifier.publishLcm(tx, ev);
  });
  h.notifier.nudge();
}

function op(instanceId: string, id: string, operation: string, operationState: string, extra: Record<string, unknown> = {}) {
  return { id, operation, operationState, vnfInstanceId: instanceId, isAutomaticInvocation: false, ...extra };
}

const record = async (id: string) => (await http(h.url, 'GET', `/mecano/v1/notifications/${id}`)).body;

async function counter(name: string): Promise<number> {
  const m = await h.registry.getSingleMetric(name)?.get();
  return (m?.values ?? []).reduce((s, v) => s + v.value, 0);
}

describe('notification delivery', () => {
  it('delivers every matching notification in order, FULL and SHORT as SOL003 shapes them', async () => {
    const rx = await startReceiver();
    const inst = sampleInstance(1);
    const only = { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [inst.id] } };
    const full = await subscribe({ callbackUri: `${rx.url}/full`, filter: only });
    const short = await subscribe({
      callbackUri: `${rx.url}/short`,
      verbosity: 'SHORT',
      filter: { ...only, notificationTypes: ['VnfLcmOperationOccurrenceNotification'], operationTypes: ['INSTANTIATE'], operationStates: ['STARTING', 'COMPLETED'] },
    });
    const vnfc = { id: 'vnfc-1', vduId: 'VDU1', changeType: 'ADDED', computeResource: { vimConnectionId: 'vim-1', resourceId: 'res-1' } };
    const error = { title: 'Internal Server Error', status: 500, detail: 'driver failed' };
    await publish({ type: 'VnfIdentifierCreationNotification', instance: inst });
    await publish({ type: 'VnfLcmOperationOccurrenceNotification', instance: inst, opOcc: op(inst.id, 'op-1', 'INSTANTIATE', 'STARTING') });
    await publish({ type: 'VnfLcmOperationOccurrenceNotification', instance: inst, opOcc: op(inst.id, 'op-1', 'INSTANTIATE', 'PROCESSING') });
    await publish({ type: 'VnfLcmOperationOccurrenceNotification', instance: inst, opOcc: op(inst.id, 'op-1', 'INSTANTIATE', 'COMPLETED', { resourceChanges: { affectedVnfcs: [vnfc] } }) });
    await publish(
      { type: 'VnfLcmOperationOccurrenceNotification', instance: inst, opOcc: op(inst.id, 'op-2', 'SCALE', 'STARTING') },
      { type: 'VnfLcmOperationOccurrenceNotification', instance: inst, opOcc: op(inst.id, 'op-2', 'SCALE', 'FAILED_TEMP', { error }) },
    );
    // A transaction that rolls back leaves no notification behind.
    await assert.rejects(
      h.testDb.db.tx(async (tx) => {
        await h.notifier.publishLcm(tx, { type: 'VnfIdentifierDeletionNotification', instance: inst });
        throw new Error('state change failed');
      }),
    );
    await publish({ type: 'VnfIdentifierDeletionNotification', instance: { ...inst, vnfInstanceName: 'renamed' } });
    await waitFor(() => rx.posts().length >= 9, 60_000, 'nine notifications');
    const got = (path: string) => rx.posts().filter((p) => p.path === path).map((p) => p.body);
    const f = got('/full');
    assert.deepEqual(
      f.map((b) => [b.notificationType, b.operationState, b.notificationStatus]),
      [
        ['VnfIdentifierCreationNotification', undefined, undefined],
        ['VnfLcmOperationOccurrenceNotification', 'STARTING', 'START'],
        ['VnfLcmOperationOccurrenceNotification', 'PROCESSING', 'RESULT'],
        ['VnfLcmOperationOccurrenceNotification', 'COMPLETED', 'RESULT'],
        ['VnfLcmOperationOccurrenceNotification', 'STARTING', 'START'],
        ['VnfLcmOperationOccurrenceNotification', 'FAILED_TEMP', 'RESULT'],
        ['VnfIdentifierDeletionNotification', undefined, undefined],
      ],
    );
    for (const b of f) {
      assertEtsi(SCHEMA[b.notificationType], b);
      assert.equal(b.subscriptionId, full);
      assert.equal(b._links.subscription.href, `${h.url}/vnflcm/v2/subscriptions/${full}`);
      assert.equal(b._links.vnfInstance.href, `${h.url}/vnflcm/v2/vnf_instances/${inst.id}`);
      assert.match(b.timeStamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    assert.deepEqual(f[3].affectedVnfcs, [vnfc]);
    assert.equal(f[3].verbosity, 'FULL');
    assert.equal(f[3].vnfLcmOpOccId, 'op-1');
    assert.equal(f[3]._links.vnfLcmOpOcc.href, `${h.url}/vnflcm/v2/vnf_lcm_op_occs/op-1`);
    assert.deepEqual(f[5].error, error);
    assert.equal(f[2].error, undefined);
    const s = got('/short');
    assert.deepEqual(s.map((b) => b.operationState), ['STARTING', 'COMPLETED']);
    for (const b of s) assertEtsi(SCHEMA[b.notificationType], b);
    assert.equal(s[1].verbosity, 'SHORT');
    assert.equal(s[1].affectedVnfcs, undefined, 'SHORT carries no change details');
    assert.equal(s[1].subscriptionId, short);
    const post = rx.posts()[0];
    assert.equal(post.headers['content-type'], 'application/json');
    assert.equal(post.headers.version, '2.0.0');
    assert.equal(new Set(rx.posts().map((p) => p.body.id)).size, 9, 'every notification has its own id');
    await rx.close();
  });

  it('subscriptions made through /vnflcm/v1 receive SOL003 v2.6.1 shapes with v1 links', async () => {
    const rx = await startReceiver();
    const inst = sampleInstance(8);
    const { subscription } = await h.notifier.lcm.create({ callbackUri: `${rx.url}/v1`, filter: { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [inst.id] } } }, { api: 'v1' });
    assert.equal(rx.received.at(-1)?.headers.version, '1.3.0', 'the callback test speaks v1');
    const link = { id: 'vl-1', vnfVirtualLinkDescId: 'internalVL1', changeType: 'ADDED', networkResource: { resourceId: 'net-1' } };
    const error = { status: 500, detail: 'driver failed' };
    await publish(
      { type: 'VnfIdentifierCreationNotification', instance: inst },
      { type: 'VnfLcmOperationOccurrenceNotification', instance: inst, opOcc: op(inst.id, 'op-8', 'INSTANTIATE', 'COMPLETED', { resourceChanges: { affectedVirtualLinks: [link], affectedExtLinkPorts: [{ id: 'p' }] } }) },
      { type: 'VnfLcmOperationOccurrenceNotification', instance: inst, opOcc: op(inst.id, 'op-9', 'HEAL', 'FAILED_TEMP', { error }) },
    );
    await waitFor(() => rx.posts().length === 3);
    const [created, done, failed] = rx.posts().map((p) => p.body);
    assertEtsi(SCHEMA.VnfIdentifierCreationNotification, created);
    assert.equal(created._links.vnfInstance.href, `${h.url}/vnflcm/v1/vnf_instances/${inst.id}`);
    assertEtsi(SCHEMA.VnfLcmOperationOccurrenceNotification, done);
    assert.equal(done.verbosity, undefined, 'v2.6.1 has no verbosity');
    assert.equal(done.affectedExtLinkPorts, undefined, 'a v3.3.1 addition');
    assert.equal(done.affectedVirtualLinks[0].virtualLinkDescId, 'internalVL1');
    assert.equal(done._links.subscription.href, `${h.url}/vnflcm/v1/subscriptions/${subscription.id}`);
    assert.equal(done._links.vnfLcmOpOcc.href, `${h.url}/vnflcm/v1/vnf_lcm_op_occs/op-8`);
    assertEtsi(SCHEMA.VnfLcmOperationOccurrenceNotification, failed);
    assert.deepEqual(failed.error, error);
    assert.equal(rx.posts()[1].headers.version, '1.3.0');
    await rx.close();
  });

  it('BASIC: every POST carries the subscription credentials', async () => {
    const rx = await startReceiver();
    const inst = sampleInstance(2);
    await subscribe({
      callbackUri: `${rx.url}/basic`,
      filter: { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [inst.id] } },
      authentication: { authType: ['BASIC'], paramsBasic: { userName: 'nfvo', password: 'pa:ss' } },
    });
    await publish({ type: 'VnfIdentifierCreationNotification', instance: inst });
    await waitFor(() => rx.posts().length === 1);
    assert.equal(rx.posts()[0].headers.authorization, `Basic ${Buffer.from('nfvo:pa:ss').toString('base64')}`);
    await rx.close();
  });

  it('OAUTH2_CLIENT_CREDENTIALS: token fetched once, cached, refreshed when the subscriber answers 401', async () => {
    const tok = await startTokenServer('mecano-client', 'client secret');
    const rx = await startReceiver((r) => (tok.valid(r.headers.authorization) ? 204 : 401));
    const inst = sampleInstance(3);
    const auth = (clientPassword: string) => ({
      authType: ['OAUTH2_CLIENT_CREDENTIALS'],
      paramsOauth2ClientCredentials: { clientId: 'mecano-client', clientPassword, tokenEndpoint: tok.url },
    });
    const bad = await http(h.url, 'POST', '/vnflcm/v2/subscriptions', { body: { callbackUri: `${rx.url}/oauth`, authentication: auth('wrong') }, headers: V2 });
    assert.equal(bad.status, 422);
    assert.match(bad.body.detail, /token endpoint answered 401/);
    await subscribe({ callbackUri: `${rx.url}/oauth`, filter: { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [inst.id] } }, authentication: auth('client secret') });
    assert.equal(tok.issued.length, 1, 'the test GET used a token');
    await publish({ type: 'VnfIdentifierCreationNotification', instance: inst });
    await waitFor(() => rx.posts().length === 1);
    assert.equal(tok.issued.length, 1, 'the cached token was reused');
    tok.revokeAll();
    await publish({ type: 'VnfIdentifierDeletionNotification', instance: inst });
    await waitFor(() => rx.posts().filter((p) => p.answered === 204).length === 2);
    assert.deepEqual(rx.posts().map((p) => p.answered), [204, 401, 204]);
    assert.equal(tok.issued.length, 2, 'one new token after the 401');
    const last = rx.posts().at(-1)!;
    await waitFor(async () => (await record(last.body.id)).state === 'delivered');
    assert.equal((await record(last.body.id)).attempts, 1, '401 → new token → success within one attempt');
    await rx.close();
    await tok.close();
  });

  it('a subscriber answering 500 is retried with backoff; later notifications wait their turn', async () => {
    let failures = 2;
    const rx = await startReceiver((r) => (r.method === 'POST' && failures-- > 0 ? 500 : 204));
    const inst = sampleInstance(4);
    await subscribe({ callbackUri: `${rx.url}/flaky`, filter: { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [inst.id] } } });
    const retried = await counter('mecano_notifications_retried_total');
    const states = ['STARTING', 'PROCESSING', 'COMPLETED'];
    await publish(...states.map((s): LcmEvent => ({ type: 'VnfLcmOperationOccurrenceNotification', instance: inst, opOcc: op(inst.id, 'op-4', 'HEAL', s) })));
    await waitFor(() => rx.posts().length === 5, 60_000, 'three deliveries after two failures');
    assert.deepEqual(rx.posts().map((p) => p.body.operationState), ['STARTING', 'STARTING', 'STARTING', 'PROCESSING', 'COMPLETED']);
    await waitFor(async () => (await record(rx.posts()[0].body.id)).state === 'delivered');
    const first = await record(rx.posts()[0].body.id);
    assert.equal(first.attempts, 3);
    assert.equal(first.lastStatus, 204);
    assert.equal((await counter('mecano_notifications_retried_total')) - retried, 2);
    await rx.close();
  });

  it('a subscriber that hangs past the timeout is retried', async () => {
    let hangs = 1;
    const rx = await startReceiver((r) => (r.method === 'POST' && hangs-- > 0 ? 'hang' : 204));
    const inst = sampleInstance(5);
    await subscribe({ callbackUri: `${rx.url}/slow`, filter: { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [inst.id] } } });
    await publish({ type: 'VnfIdentifierCreationNotification', instance: inst });
    await waitFor(() => rx.posts().length === 2, 60_000, 'a retry after the timeout');
    await waitFor(async () => (await record(rx.posts()[0].body.id)).state === 'delivered');
    const done = await record(rx.posts()[0].body.id);
    assert.equal(done.attempts, 2);
    assert.equal(rx.posts()[0].body.id, rx.posts()[1].body.id, 'the same notification, sent again');
    await rx.close();
  });

  it('410 Gone deletes the subscription and its pending notifications', async () => {
    const rx = await startReceiver((r) => (r.method === 'POST' ? 410 : 204));
    const inst = sampleInstance(6);
    const sub = await subscribe({ callbackUri: `${rx.url}/gone`, filter: { vnfInstanceSubscriptionFilter: { vnfInstanceIds: [inst.id] } } });
    await publish(
      { type: 'VnfIdentifierCreationNotification', instance: inst },
      { type: 'VnfLcmOperationOccurrenceNotification', instance: inst, opOcc: op(inst.id, 'op-6', 'INSTANTIATE', 'STARTING') },
    );
    await waitFor(async () => (await http(h.url, 'GET', `/vnflcm/v2/subscriptions/${sub}`, { headers: V2 })).status === 404, 60_000, 'subscription deleted');
    assert.equal(rx.posts().length, 1, 'nothing is sent after the 410');
    const list = await http(h.url, 'GET', `/mecano/v1/notifications?filter=${encodeURIComponent(`(eq,subscriptionId,${sub})`)}`);
    assert.equal(list.body.length, 1, 'the pending notification went with the subscription');
    assert.equal(list.body[0].state, 'failed');
    assert.equal(list.body[0].lastStatus, 410);
    await rx.close();
  });

  it('gives up after the retry horizon and says why', async () => {
    const h2 = await startHarness({ retryHorizonMs: 400 });
    const rx = await startReceiver((r) => (r.method === 'POST' ? 503 : 204));
    try {
      const r = await http(h2.url, 'POST', '/vnflcm/v2/subscriptions', { body: { callbackUri: `${rx.url}/down` }, headers: V2 });
      assert.equal(r.status, 201);
      await h2.testDb.db.tx((tx) => h2.notifier.publishLcm(tx, { type: 'VnfIdentifierCreationNotification', instance: sampleInstance(7) }));
      h2.notifier.start();
      const failedOf = async () => (await http(h2.url, 'GET', `/mecano/v1/notifications?filter=(eq,state,failed)`)).body as any[];
      await waitFor(async () => (await failedOf()).length === 1, 60_000, 'the row to fail');
      const [n] = await failedOf();
      assert.ok(n.attempts >= 2, `attempts ${n.attempts}`);
      assert.equal(n.lastStatus, 503);
      assert.match(n.lastError, /subscriber answered 503/);
      assert.equal(n.nextAttemptAt, undefined);
    } finally {
      await rx.close();
      await h2.close();
    }
  });
});
