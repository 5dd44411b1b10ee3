import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesLcm, matchesPackage, matchesProducts } from '../../../src/notify/match.js';
import type { LcmEvent, PackageEvent } from '../../../src/notify/types.js';
import type { LcmFilter, PkgFilter } from '../../../src/notify/schemas.js';

// Subscription filter matching: AND across attributes, OR within one, nested product filters.

const instance = {
  id: 'inst-1',
  vnfdId: 'vnfd-a',
  vnfProvider: 'Company',
  vnfProductName: 'Sample VNF',
  vnfSoftwareVersion: '1.0',
  vnfdVersion: '2.0',
  vnfInstanceName: 'edge-1',
};
const opEvent = (operation: string, operationState: string): LcmEvent => ({
  type: 'VnfLcmOperationOccurrenceNotification',
  instance,
  opOcc: { id: 'op-1', operation, operationState, vnfInstanceId: instance.id, isAutomaticInvocation: false },
});
const created: LcmEvent = { type: 'VnfIdentifierCreationNotification', instance };
const m = (filter: LcmFilter | undefined, ev: LcmEvent = opEvent('INSTANTIATE', 'COMPLETED')) => matchesLcm(filter, ev);

describe('LCM filter matching', () => {
  it('no filter and empty filter match everything', () => {
    assert.equal(m(undefined), true);
    assert.equal(m({}), true);
    assert.equal(m({ vnfInstanceSubscriptionFilter: {} }, created), true);
  });

  it('vnfdIds: one of the listed ids', () => {
    assert.equal(m({ vnfInstanceSubscriptionFilter: { vnfdIds: ['x', 'vnfd-a'] } }), true);
    assert.equal(m({ vnfInstanceSubscriptionFilter: { vnfdIds: ['x'] } }), false);
  });

  it('vnfInstanceIds and vnfInstanceNames', () => {
    assert.equal(m({ vnfInstanceSubscriptionFilter: { vnfInstanceIds: ['inst-1'] } }), true);
    assert.equal(m({ vnfInstanceSubscriptionFilter: { vnfInstanceIds: ['inst-2'] } }), false);
    assert.equal(m({ vnfInstanceSubscriptionFilter: { vnfInstanceNames: ['edge-1', 'edge-2'] } }), true);
    assert.equal(m({ vnfInstanceSubscriptionFilter: { vnfInstanceNames: ['edge-2'] } }), false);
    // An unnamed instance matches no name list (Tacker raises here instead).
    const unnamed: LcmEvent = { type: 'VnfIdentifierCreationNotification', instance: { id: 'i', vnfdId: 'v' } };
    assert.equal(matchesLcm({ vnfInstanceSubscriptionFilter: { vnfInstanceNames: ['edge-1'] } }, unnamed), false);
  });

  it('vnfProductsFromProviders: provider, then product, then version, then VNFD version', () => {
    const f = (p: NonNullable<LcmFilter['vnfInstanceSubscriptionFilter']>['vnfProductsFromProviders']) => m({ vnfInstanceSubscriptionFilter: { vnfProductsFromProviders: p } });
    assert.equal(f([{ vnfProvider: 'Company' }]), true);
    assert.equal(f([{ vnfProvider: 'Other' }]), false);
    assert.equal(f([{ vnfProvider: 'Other' }, { vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Sample VNF' }] }]), true);
    assert.equal(f([{ vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Other VNF' }] }]), false);
    assert.equal(f([{ vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Sample VNF', versions: [{ vnfSoftwareVersion: '1.0' }] }] }]), true);
    assert.equal(f([{ vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Sample VNF', versions: [{ vnfSoftwareVersion: '9.9' }] }] }]), false);
    assert.equal(
      f([{ vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Sample VNF', versions: [{ vnfSoftwareVersion: '9.9' }, { vnfSoftwareVersion: '1.0', vnfdVersions: ['1.0', '2.0'] }] }] }]),
      true,
    );
    assert.equal(f([{ vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Sample VNF', versions: [{ vnfSoftwareVersion: '1.0', vnfdVersions: ['3.0'] }] }] }]), false);
  });

  it('matchesProducts needs every level to agree under one provider entry', () => {
    // Product from one provider entry and version from another must not combine.
    const providers = [
      { vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Sample VNF', versions: [{ vnfSoftwareVersion: '7' }] }] },
      { vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Other', versions: [{ vnfSoftwareVersion: '1.0' }] }] },
    ];
    assert.equal(matchesProducts(providers, instance), false);
  });

  it('notificationTypes', () => {
    assert.equal(m({ notificationTypes: ['VnfIdentifierCreationNotification'] }, created), true);
    assert.equal(m({ notificationTypes: ['VnfIdentifierDeletionNotification'] }, created), false);
    assert.equal(m({ notificationTypes: ['VnfLcmOperationOccurrenceNotification'] }), true);
  });

  it('operationTypes and operationStates apply to occurrence notifications only', () => {
    assert.equal(m({ operationTypes: ['INSTANTIATE', 'SCALE'] }), true);
    assert.equal(m({ operationTypes: ['TERMINATE'] }), false);
    assert.equal(m({ operationStates: ['COMPLETED'] }), true);
    assert.equal(m({ operationStates: ['STARTING', 'FAILED_TEMP'] }), false);
    assert.equal(m({ operationStates: ['STARTING'] }, created), true, 'identifier notifications ignore operationStates');
  });

  it('all attributes must match (AND)', () => {
    const f: LcmFilter = { vnfInstanceSubscriptionFilter: { vnfdIds: ['vnfd-a'] }, operationTypes: ['SCALE'] };
    assert.equal(m(f, opEvent('SCALE', 'PROCESSING')), true);
    assert.equal(m(f, opEvent('HEAL', 'PROCESSING')), false);
  });

  it('empty arrays count as absent (as in Tacker)', () => {
    assert.equal(m({ vnfInstanceSubscriptionFilter: { vnfdIds: [] }, operationStates: [] }), true);
  });
});

describe('package filter matching', () => {
  const pkg = {
    id: 'pkg-1',
    vnfdId: 'vnfd-a',
    vnfProvider: 'Company',
    vnfProductName: 'Sample VNF',
    vnfSoftwareVersion: '1.0',
    vnfdVersion: '2.0',
    onboardingState: 'ONBOARDED' as const,
    operationalState: 'ENABLED' as const,
    usageState: 'NOT_IN_USE' as const,
  };
  const onboarded: PackageEvent = { type: 'VnfPackageOnboardingNotification', pkg };
  const disabled: PackageEvent = { type: 'VnfPackageChangeNotification', pkg, changeType: 'OP_STATE_CHANGE', operationalState: 'DISABLED' };
  const p = (f: PkgFilter | undefined, ev = onboarded) => matchesPackage(f, ev);

  it('matches on notification type, vnfdId, vnfPkgId and products', () => {
    assert.equal(p(undefined), true);
    assert.equal(p({ notificationTypes: ['VnfPackageChangeNotification'] }), false);
    assert.equal(p({ vnfdId: ['vnfd-a'] }), true);
    assert.equal(p({ vnfPkgId: ['pkg-2'] }), false);
    assert.equal(p({ vnfProductsFromProviders: [{ vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Sample VNF' }] }] }), true);
  });

  it('operationalState uses the reported new state; usageState the package', () => {
    assert.equal(p({ operationalState: ['DISABLED'] }, disabled), true);
    assert.equal(p({ operationalState: ['ENABLED'] }, disabled), false);
    assert.equal(p({ usageState: ['IN_USE'] }), false);
    assert.equal(p({ usageState: ['NOT_IN_USE'] }), true);
  });
});
