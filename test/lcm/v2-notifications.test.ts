import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { onboardSample, runOp, v2 } from '../helpers/lcm.js';

// The engine and the outbox together: what a subscriber of /vnflcm/v2 receives for a whole
// lifecycle, and that subscription filters select exactly the right notifications.

interface Receiver {
  url: string;
  got: Record<string, any[]>;
  close(): Promise<void>;
}

async function receiver(): Promise<Receiver> {
  const got: Record<string, any[]> = {};
  const server = http.createServer((req, res) => {
    const key = req.url ?? '/';
    if (req.method === 'GET') {
      res.writeHead(204).end();
      return;
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      (got[key] ??= []).push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, close: () => new Promise((r) => server.close(() => r())) };
}

let t: TestApp;
let rx: Receiver;
let dir: string;
let pkg: { pkgId: string; vnfdId: string };

before(async () => {
  t = await startTestApp({ netns: process.getuid?.() === 0 });
  rx = await receiver();
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-ntf-'));
  pkg = await onboardSample(t.url, 'single-vdu', dir);
});
after(async () => {
  await t.close();
  await rx.close();
  await rm(dir, { recursive: true, force: true });
});

async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (pred()) return;
    await sleep(25);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('VNF LCM v2 notifications for a lifecycle', () => {
  it('delivers creation, STARTING/PROCESSING/COMPLETED per operation and deletion, filtered per subscription', async () => {
    const all = await v2(t.url, 'POST', '/subscriptions', { callbackUri: `${rx.url}/all` });
    assert.equal(all.status, 201, JSON.stringify(all.body));
    const onlyInst = await v2(t.url, 'POST', '/subscriptions', {
      callbackUri: `${rx.url}/inst`,
      verbosity: 'SHORT',
      filter: { notificationTypes: ['VnfLcmOperationOccurrenceNotification'], operationTypes: ['INSTANTIATE'], operationStates: ['COMPLETED'] },
    });
    assert.equal(onlyInst.status, 201, JSON.stringify(onlyInst.body));
    const other = await v2(t.url, 'POST', '/subscriptions', { callbackUri: `${rx.url}/other`, filter: { vnfInstanceSubscriptionFilter: { vnfdIds: ['not-this-vnfd'] } } });
    assert.equal(other.status, 201);

    const id = (await v2(t.url, 'POST', '/vnf_instances', { vnfdId: pkg.vnfdId })).body.id;
    const inst = await runOp(t.url, `/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
    assert.equal(inst.operationState, 'COMPLETED');
    const term = await runOp(t.url, `/vnf_instances/${id}/terminate`, { terminationType: 'FORCEFUL' });
    assert.equal(term.operationState, 'COMPLETED');
    assert.equal((await v2(t.url, 'DELETE', `/vnf_instances/${id}`)).status, 204);

    await until(() => (rx.got['/all']?.length ?? 0) >= 8 && (rx.got['/inst']?.length ?? 0) >= 1, 'notifications');
    const seq = rx.got['/all'].map((n) => (n.notificationType === 'VnfLcmOperationOccurrenceNotification' ? `${n.operation}:${n.operationState}:${n.notificationStatus}` : n.notificationType));
    assert.deepEqual(seq, [
      'VnfIdentifierCreationNotification',
      'INSTANTIATE:STARTING:START',
      'INSTANTIATE:PROCESSING:RESULT',
      'INSTANTIATE:COMPLETED:RESULT',
      'TERMINATE:STARTING:START',
      'TERMINATE:PROCESSING:RESULT',
      'TERMINATE:COMPLETED:RESULT',
      'VnfIdentifierDeletionNotification',
    ]);
    const completed = rx.got['/all'][3];
    assert.equal(completed.vnfInstanceId, id);
    assert.equal(completed.subscriptionId, all.body.id);
    assert.ok(completed.affectedVnfcs?.length === 1, 'FULL carries affectedVnfcs');
    assert.ok(completed._links.vnfInstance.href.endsWith(`/vnflcm/v2/vnf_instances/${id}`));
    assert.ok(completed._links.vnfLcmOpOcc.href.endsWith(`/vnflcm/v2/vnf_lcm_op_occs/${inst.id}`));
    await sleep(200);
    assert.equal(rx.got['/inst'].length, 1, 'operationTypes and operationStates filter');
    assert.equal(rx.got['/inst'][0].operationState, 'COMPLETED');
    assert.equal(rx.got['/inst'][0].affectedVnfcs, undefined, 'SHORT omits the details');
    assert.equal(rx.got['/other'], undefined, 'vnfdIds filter');
  });
});
