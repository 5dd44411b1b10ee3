import type { OpContext } from '../context.js';
import { flavourOf, type FlavourView } from '../vnfd-view.js';
import { unprocessable } from '../errors.js';
import { buildInstantiatedInfo } from '../vnf-info.js';
import type { VnfInstanceDoc } from '../model.js';

// Helpers for operations on an instantiated VNF: its current flavour and a rebuilt info.

export async function currentFlavour(ctx: OpContext, pkgId = ctx.instance.vnfPkgId!): Promise<{ flavour: FlavourView; pkgId: string; vnfdId: string }> {
  const { pkg, vnfd } = await ctx.packages.byPackageId(ctx.db, pkgId);
  const flavourId = ctx.instance.instantiatedVnfInfo!.flavourId;
  const flavour = flavourOf(vnfd, flavourId);
  if (!flavour) throw unprocessable(`Flavour ${flavourId} is not in VNFD ${vnfd.vnfdId}.`, 'FLAVOUR_NOT_FOUND');
  return { flavour, pkgId: pkg.id, vnfdId: vnfd.vnfdId };
}

/** The instance document with instantiatedVnfInfo recomputed from the resources. */
export function withRebuiltInfo(ctx: OpContext, flavour: FlavourView, vnfdId: string, base: VnfInstanceDoc = ctx.instance): VnfInstanceDoc {
  const prev = base.instantiatedVnfInfo;
  return {
    ...base,
    instantiatedVnfInfo: {
      ...buildInstantiatedInfo({
        flavour,
        resources: ctx.resources,
        scaleLevels: ctx.resources.scaleLevels ?? {},
        vnfdId,
        extVirtualLinks: ctx.resources.extVirtualLinks ?? [],
        ...(prev?.localizationLanguage ? { localizationLanguage: prev.localizationLanguage } : {}),
      }),
    },
  };
}

export const HEAL_STOP = { graceful: false, timeoutMs: 0 };
export const SCALE_IN_STOP = { graceful: true, timeoutMs: 10_000 };
