import type { LcmFilter, PkgFilter } from './schemas.js';
import type { LcmEvent, PackageEvent } from './types.js';

// Subscription filter matching (pure). SOL003/SOL005 filter rules: every attribute present must
// match (AND); an array attribute matches when one of its values does (OR); no filter matches
// everything. NOTE: an empty array counts as absent, as in Tacker (subscription_utils.py), rather
// than as "matches nothing".

type Products = NonNullable<LcmFilter['vnfInstanceSubscriptionFilter']>['vnfProductsFromProviders'];

export interface ProductIdentity {
  vnfProvider?: string;
  vnfProductName?: string;
  vnfSoftwareVersion?: string;
  vnfdVersion?: string;
}

function given<T>(a: readonly T[] | undefined): a is readonly T[] {
  return Array.isArray(a) && a.length > 0;
}

function hit(list: readonly unknown[] | undefined, value: unknown): boolean {
  if (!given(list)) return true;
  return value !== undefined && list.some((v) => String(v) === String(value));
}

/** Provider equal; then, when listed, product name; then version; then VNFD version (nested ORs). */
export function matchesProducts(providers: Products, p: ProductIdentity): boolean {
  if (!given(providers)) return true;
  return providers.some((prov) => {
    if (prov.vnfProvider !== p.vnfProvider) return false;
    if (!given(prov.vnfProducts)) return true;
    return prov.vnfProducts.some((prod) => {
      if (prod.vnfProductName !== p.vnfProductName) return false;
      if (!given(prod.versions)) return true;
      return prod.versions.some((v) => String(v.vnfSoftwareVersion) === p.vnfSoftwareVersion && hit(v.vnfdVersions, p.vnfdVersion));
    });
  });
}

export function matchesLcm(filter: LcmFilter | undefined, ev: LcmEvent): boolean {
  if (!filter) return true;
  const inst = ev.instance;
  const f = filter.vnfInstanceSubscriptionFilter;
  if (f) {
    if (!hit(f.vnfdIds, inst.vnfdId)) return false;
    if (!matchesProducts(f.vnfProductsFromProviders, inst)) return false;
    if (!hit(f.vnfInstanceIds, inst.id)) return false;
    // An instance without a name matches no name list (Tacker crashes here: tacker-v2.md §11.3).
    if (!hit(f.vnfInstanceNames, inst.vnfInstanceName)) return false;
  }
  if (!hit(filter.notificationTypes, ev.type)) return false;
  if (ev.type === 'VnfLcmOperationOccurrenceNotification') {
    if (!hit(filter.operationTypes, ev.opOcc.operation)) return false;
    if (!hit(filter.operationStates, ev.opOcc.operationState)) return false;
  }
  return true;
}

export function matchesPackage(filter: PkgFilter | undefined, ev: PackageEvent): boolean {
  if (!filter) return true;
  const pkg = ev.pkg;
  if (!hit(filter.notificationTypes, ev.type)) return false;
  if (!hit(filter.vnfdId, pkg.vnfdId)) return false;
  if (!hit(filter.vnfPkgId, pkg.id)) return false;
  const identity: ProductIdentity = {
    vnfProvider: pkg.vnfProvider as string | undefined,
    vnfProductName: pkg.vnfProductName as string | undefined,
    vnfSoftwareVersion: pkg.vnfSoftwareVersion as string | undefined,
    vnfdVersion: pkg.vnfdVersion as string | undefined,
  };
  if (!matchesProducts(filter.vnfProductsFromProviders, identity)) return false;
  // The state a change notification reports is the new one, also when the document lags.
  if (!hit(filter.operationalState, ev.operationalState ?? pkg.operationalState)) return false;
  if (!hit(filter.usageState, pkg.usageState)) return false;
  return true;
}
