import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSample } from '../../scripts/build-samples.js';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { assertEtsi, SOL005 } from '../helpers/etsi.js';
import { startReceiver, waitFor, type Receiver } from '../notify/helpers.js';
import { multipart, MULTIPART_TYPE, onboard } from './helpers.js';

// Package subscriptions end to end: a loopback receiver subscribed through /vnfpkgm/v1 gets
// VnfPackageOnboardingNotification and VnfPackageChangeNotification (OP_STATE_CHANGE on
// disable/enable, PKG_DELETE on delete) from both views, each valid against SOL005's schema.

let t: TestApp;
let rx: Receiver;
let dir: string;
let subscriptionId: string;

before(async () => {
  t = await startTestApp();
  rx = await startReceiver();
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-pkgnotify-'));
  const sub = await http(t.url, 'POST', '/vnfpkgm/v1/subscriptions', { body: { callbackUri: `${rx.url}/pkg` } });
  assert.equal(sub.status, 201, sub.text);
  subscriptionId = sub.body.id;
});
after(async () => {
  await t.close();
  await rx.close();
  await rm(dir, { recursive: true, force: true });
});

const SCHEMAS: Record<string, string> = {
  VnfPackageOnboardingNotification: `${SOL005}/VnfPackageOnboardingNotification.schema.json`,
  VnfPackageChangeNotification: `${SOL005}/VnfPackageChangeNotification.schema.json`,
};

/** The notifications about one package, in arrival order, as "type[:changeType:state]". */
function about(pkgId: string): string[] {
  return rx
    .posts()
    .map((p) => p.body)
    .filter((b) => b.vnfPkgId === pkgId)
    .map((b) => [b.notificationType, b.changeType, b.operationalState].filter(Boolean).join(':'));
}

async function expect(pkgId: string, sequence: string[]): Promise<void> {
  await waitFor(() => about(pkgId).length >= sequence.length, 15_000, `${sequence.length} notifications for ${pkgId}`);
  assert.deepEqual(about(pkgId), sequence);
  for (const p of rx.posts().filter((x) => x.body.vnfPkgId === pkgId)) {
    assert.equal(p.body.subscriptionId, subscriptionId);
    assert.equal(p.body._links.vnfPackage.href, `${t.url}/vnfpkgm/v1/vnf_packages/${pkgId}`);
    assert.equal(p.headers['content-type'], 'application/json');
    assertEtsi(SCHEMAS[p.body.notificationType], p.body);
  }
}

describe('package notifications', () => {
  it('onboarding, disable, enable, delete through /vnfpkgm/v1', async () => {
    const p = await onboard(t.url, await buildSample('single-vdu', dir));
    await expect(p.id, ['VnfPackageOnboardingNotification', 'VnfPackageChangeNotification:OP_STATE_CHANGE:ENABLED']);
    for (const state of ['DISABLED', 'ENABLED', 'DISABLED']) {
      assert.equal((await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${p.id}`, { body: { operationalState: state } })).status, 200);
    }
    assert.equal((await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${p.id}`, { body: { userDefinedData: { a: 1 } } })).status, 200);
    assert.equal((await http(t.url, 'DELETE', `/vnfpkgm/v1/vnf_packages/${p.id}`)).status, 204);
    await expect(p.id, [
      'VnfPackageOnboardingNotification',
      'VnfPackageChangeNotification:OP_STATE_CHANGE:ENABLED',
      'VnfPackageChangeNotification:OP_STATE_CHANGE:DISABLED',
      'VnfPackageChangeNotification:OP_STATE_CHANGE:ENABLED',
      'VnfPackageChangeNotification:OP_STATE_CHANGE:DISABLED',
      'VnfPackageChangeNotification:PKG_DELETE',
    ]);
    const del = rx.posts().find((x) => x.body.vnfPkgId === p.id && x.body.changeType === 'PKG_DELETE')!;
    assert.equal(del.body.vnfdId, p.vnfdId);
    assert.equal(del.body.operationalState, undefined);
  });

  it('a package that failed onboarding notifies nothing', async () => {
    const p = await onboard(t.url, Buffer.from('garbage'));
    assert.equal(p.onboardingState, 'ERROR');
    assert.equal((await http(t.url, 'DELETE', `/vnfpkgm/v1/vnf_packages/${p.id}`)).status, 204);
    const marker = await onboard(t.url, await buildSample('two-vdu', dir));
    await expect(marker.id, ['VnfPackageOnboardingNotification', 'VnfPackageChangeNotification:OP_STATE_CHANGE:ENABLED']);
    assert.deepEqual(about(p.id), []);
  });

  it('the marketplace view goes through the same notifications', async () => {
    const csar = await readFile(await buildSample('tacker-layout', dir));
    const up = await http(t.url, 'POST', '/onapapi/marketplace/v1/csars', { raw: multipart([{ name: 'file', filename: 't.csar', data: csar }]), headers: { 'content-type': MULTIPART_TYPE } });
    assert.equal(up.status, 200);
    assert.equal((await http(t.url, 'DELETE', `/onapapi/marketplace/v1/csars/${up.body.csarId}`)).status, 204);
    await expect(up.body.csarId, ['VnfPackageOnboardingNotification', 'VnfPackageChangeNotification:OP_STATE_CHANGE:ENABLED', 'VnfPackageChangeNotification:PKG_DELETE']);
  });

  it('a filtered subscription gets only what it asked for', async () => {
    const rx2 = await startReceiver();
    try {
      const sub = await http(t.url, 'POST', '/vnfpkgm/v1/subscriptions', {
        body: { callbackUri: `${rx2.url}/only-changes`, filter: { notificationTypes: ['VnfPackageChangeNotification'], operationalState: ['DISABLED'] } },
      });
      assert.equal(sub.status, 201, sub.text);
      const p = await onboard(t.url, await buildSample('two-vdu-v2', dir));
      await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${p.id}`, { body: { operationalState: 'DISABLED' } });
      await waitFor(() => rx2.posts().length >= 1, 15_000, 'the filtered notification');
      await expect(p.id, ['VnfPackageOnboardingNotification', 'VnfPackageChangeNotification:OP_STATE_CHANGE:ENABLED', 'VnfPackageChangeNotification:OP_STATE_CHANGE:DISABLED']);
      assert.deepEqual(rx2.posts().map((x) => `${x.body.notificationType}:${x.body.operationalState}`), ['VnfPackageChangeNotification:DISABLED']);
    } finally {
      await rx2.close();
    }
  });
});
