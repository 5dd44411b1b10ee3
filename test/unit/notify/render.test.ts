import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LCM_RENDERERS } from '../../../src/notify/lcm-renderers.js';
import { notificationStatusOf } from '../../../src/notify/render-lcm.js';
import { renderPackage } from '../../../src/notify/render-pkg.js';
import type { LcmEvent, VnfLcmOpOccDoc } from '../../../src/notify/types.js';

// Notification bodies: SOL003 v3.3.1 (VNF LCM v2) and SOL005 (packages).

const v2 = LCM_RENDERERS.v2!;
const ctx = { base: 'http://m:1', notificationId: 'n-1', timeStamp: '2025-01-01T00:00:00Z' };
const inst = { id: 'i-1', vnfdId: 'd' };
const occ = (operationState: string, extra: Partial<VnfLcmOpOccDoc> = {}): VnfLcmOpOccDoc => ({
  id: 'o-1',
  operation: 'INSTANTIATE',
  operationState,
  vnfInstanceId: 'i-1',
  isAutomaticInvocation: false,
  ...extra,
});
const ev = (op: VnfLcmOpOccDoc): LcmEvent => ({ type: 'VnfLcmOperationOccurrenceNotification', instance: inst, opOcc: op });

describe('VNF LCM v2 notification bodies', () => {
  it('notificationStatus: START for STARTING and for PROCESSING of MODIFY_INFO, else RESULT', () => {
    assert.equal(notificationStatusOf(occ('STARTING')), 'START');
    assert.equal(notificationStatusOf(occ('PROCESSING')), 'RESULT');
    assert.equal(notificationStatusOf(occ('PROCESSING', { operation: 'MODIFY_INFO' })), 'START');
    for (const s of ['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLING_BACK', 'ROLLED_BACK']) assert.equal(notificationStatusOf(occ(s)), 'RESULT');
  });

  it('FULL carries the change details the occurrence has; SHORT none; error in failure states only', () => {
    const rc = { affectedVnfcs: [{ id: 'c' }], affectedVirtualLinks: [] };
    const done = occ('COMPLETED', { resourceChanges: rc, changedInfo: { vnfInstanceName: 'x' }, error: { status: 500, detail: 'old' } });
    const full = v2.render(ev(done), { id: 's', callbackUri: 'u', verbosity: 'FULL' }, ctx);
    assert.deepEqual(full.affectedVnfcs, [{ id: 'c' }]);
    assert.equal(full.affectedVirtualLinks, undefined, 'empty lists are left out');
    assert.deepEqual(full.changedInfo, { vnfInstanceName: 'x' });
    assert.equal(full.error, undefined, 'no error with COMPLETED');
    const short = v2.render(ev(done), { id: 's', callbackUri: 'u', verbosity: 'SHORT' }, ctx);
    assert.equal(short.affectedVnfcs, undefined);
    assert.equal(short.changedInfo, undefined);
    const failed = v2.render(ev(occ('FAILED_TEMP', { error: { status: 500, detail: 'boom' } })), { id: 's', callbackUri: 'u', verbosity: 'SHORT' }, ctx);
    assert.deepEqual(failed.error, { status: 500, detail: 'boom' });
    assert.deepEqual(failed._links, {
      vnfInstance: { href: 'http://m:1/vnflcm/v2/vnf_instances/i-1' },
      subscription: { href: 'http://m:1/vnflcm/v2/subscriptions/s' },
      vnfLcmOpOcc: { href: 'http://m:1/vnflcm/v2/vnf_lcm_op_occs/o-1' },
    });
  });

  it('an explicit notificationStatus from the publisher wins', () => {
    const body = v2.render({ ...ev(occ('ROLLING_BACK')), notificationStatus: 'START' } as LcmEvent, { id: 's', callbackUri: 'u', verbosity: 'FULL' }, ctx);
    assert.equal(body.notificationStatus, 'START');
  });

  it('identifier notifications', () => {
    const b = v2.render({ type: 'VnfIdentifierDeletionNotification', instance: inst }, { id: 's', callbackUri: 'u', verbosity: 'FULL' }, ctx);
    assert.deepEqual(b, {
      id: 'n-1',
      notificationType: 'VnfIdentifierDeletionNotification',
      subscriptionId: 's',
      timeStamp: ctx.timeStamp,
      vnfInstanceId: 'i-1',
      _links: { vnfInstance: { href: 'http://m:1/vnflcm/v2/vnf_instances/i-1' }, subscription: { href: 'http://m:1/vnflcm/v2/subscriptions/s' } },
    });
  });
});

describe('package notification bodies', () => {
  const pkg = { id: 'p', vnfdId: 'd', onboardingState: 'ONBOARDED' as const, operationalState: 'ENABLED' as const, usageState: 'NOT_IN_USE' as const };
  it('operationalState only with OP_STATE_CHANGE', () => {
    const sub = { id: 's', callbackUri: 'u' };
    assert.equal(renderPackage({ type: 'VnfPackageChangeNotification', pkg, changeType: 'OP_STATE_CHANGE' }, sub, ctx).operationalState, 'ENABLED');
    assert.equal(renderPackage({ type: 'VnfPackageChangeNotification', pkg, changeType: 'PKG_DELETE' }, sub, ctx).operationalState, undefined);
    const onb = renderPackage({ type: 'VnfPackageOnboardingNotification', pkg }, sub, ctx);
    assert.equal(onb.changeType, undefined);
    assert.deepEqual(onb._links, { vnfPackage: { href: 'http://m:1/vnfpkgm/v1/vnf_packages/p' }, subscription: { href: 'http://m:1/vnfpkgm/v1/subscriptions/s' } });
  });
});
