import type { PkgSubscriptionDoc } from './schemas.js';
import type { PackageEvent } from './types.js';
import type { RenderContext } from './render-lcm.js';

// /vnfpkgm/v1 notification bodies (SOL005 v2.6.1 9.5.2.8 VnfPackageOnboardingNotification,
// 9.5.2.9 VnfPackageChangeNotification).

/** API version of /vnfpkgm/v1 as mecano serves it (http/versions.ts), sent as the Version header. */
export const PKG_HEADERS: Record<string, string> = { Version: '2.1.0' };

export function pkgSubscriptionHref(base: string, id: string): string {
  return `${base}/vnfpkgm/v1/subscriptions/${id}`;
}

export function renderPackage(ev: PackageEvent, sub: PkgSubscriptionDoc, ctx: RenderContext): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: ctx.notificationId,
    notificationType: ev.type,
    subscriptionId: sub.id,
    timeStamp: ctx.timeStamp,
    vnfPkgId: ev.pkg.id,
    vnfdId: ev.pkg.vnfdId,
  };
  if (ev.type === 'VnfPackageChangeNotification') {
    const changeType = ev.changeType ?? 'OP_STATE_CHANGE';
    body.changeType = changeType;
    // SOL005 9.5.2.9: operationalState only with OP_STATE_CHANGE.
    if (changeType === 'OP_STATE_CHANGE') body.operationalState = ev.operationalState ?? ev.pkg.operationalState;
  }
  body._links = {
    vnfPackage: { href: `${ctx.base}/vnfpkgm/v1/vnf_packages/${ev.pkg.id}` },
    subscription: { href: pkgSubscriptionHref(ctx.base, sub.id) },
  };
  return body;
}
