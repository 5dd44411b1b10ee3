import { BadRequest } from '../errors.js';
import type { FamilySpec } from './subscription-service.js';
import { LCM_RENDERERS } from './lcm-renderers.js';
import { PKG_HEADERS } from './render-pkg.js';
import {
  LCM_SUBSCRIPTION_QUERY,
  PKG_SUBSCRIPTION_QUERY,
  type LccnSubscriptionRequestInput,
  type LcmFilter,
  type LcmSubscriptionDoc,
  type PkgFilter,
  type PkgmSubscriptionRequestInput,
  type PkgSubscriptionDoc,
} from './schemas.js';

// What differs between the LCM and package subscription families: the filter's extra rules,
// the stored document, and the test GET's headers.

type Products = NonNullable<LcmFilter['vnfInstanceSubscriptionFilter']>['vnfProductsFromProviders'];

// Tacker's object layer turns numeric versions into strings and its functional tests send
// floats (1.0 → "1.0"); JSON.parse has already made 1.0 the integer 1, hence the toFixed.
const versionText = (v: string | number): string => (typeof v === 'number' ? (Number.isInteger(v) ? v.toFixed(1) : String(v)) : v);

export function normalizeProducts(p: Products): Products {
  if (!p) return p;
  return p.map((prov) => ({
    ...prov,
    ...(prov.vnfProducts && {
      vnfProducts: prov.vnfProducts.map((prod) => ({
        ...prod,
        ...(prod.versions && {
          versions: prod.versions.map((v) => ({
            vnfSoftwareVersion: versionText(v.vnfSoftwareVersion),
            ...(v.vnfdVersions && { vnfdVersions: v.vnfdVersions.map(versionText) }),
          })),
        }),
      })),
    }),
  }));
}

/**
 * SOL003 v3.3.1 5.5.3.12: operationTypes and operationStates "may be present if notificationTypes
 * contains VnfLcmOperationOccurrenceNotification, and shall be absent otherwise".
 */
export function checkLcmFilter(filter: LcmFilter | undefined): LcmFilter | undefined {
  if (!filter) return filter;
  const types = filter.notificationTypes;
  if (types && types.length > 0 && !types.includes('VnfLcmOperationOccurrenceNotification')) {
    for (const attr of ['operationTypes', 'operationStates'] as const) {
      if (filter[attr] !== undefined) {
        throw new BadRequest(`filter.${attr} may only be given when filter.notificationTypes includes VnfLcmOperationOccurrenceNotification.`, 'INVALID_SUBSCRIPTION_FILTER');
      }
    }
  }
  const inst = filter.vnfInstanceSubscriptionFilter;
  if (inst?.vnfProductsFromProviders) return { ...filter, vnfInstanceSubscriptionFilter: { ...inst, vnfProductsFromProviders: normalizeProducts(inst.vnfProductsFromProviders) } };
  return filter;
}

export const LCM_SPEC: FamilySpec<LccnSubscriptionRequestInput, LcmSubscriptionDoc> = {
  family: 'vnflcm',
  resource: 'LccnSubscription',
  query: LCM_SUBSCRIPTION_QUERY,
  buildDoc(id, req) {
    const doc: LcmSubscriptionDoc = { id, callbackUri: req.callbackUri, verbosity: req.verbosity ?? 'FULL' };
    const filter = checkLcmFilter(req.filter);
    if (filter !== undefined) doc.filter = filter;
    return doc;
  },
  identity: (doc) => ({ callbackUri: doc.callbackUri, filter: doc.filter ?? {}, verbosity: doc.verbosity }),
  testHeaders: (api) => LCM_RENDERERS[api]?.headers ?? {},
};

export const PKG_SPEC: FamilySpec<PkgmSubscriptionRequestInput, PkgSubscriptionDoc> = {
  family: 'vnfpkgm',
  resource: 'PkgmSubscription',
  query: PKG_SUBSCRIPTION_QUERY,
  buildDoc(id, req) {
    const doc: PkgSubscriptionDoc = { id, callbackUri: req.callbackUri };
    if (req.filter !== undefined) {
      const f: PkgFilter = { ...req.filter };
      if (f.vnfProductsFromProviders) f.vnfProductsFromProviders = normalizeProducts(f.vnfProductsFromProviders);
      doc.filter = f;
    }
    return doc;
  },
  identity: (doc) => ({ callbackUri: doc.callbackUri, filter: doc.filter ?? {} }),
  testHeaders: () => PKG_HEADERS,
};
