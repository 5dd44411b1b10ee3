import type { OperationHandler, OpContext, OpResult } from '../context.js';
import { aspectLevelsFor, flavourOf, vduCountsFor, type FlavourView } from '../vnfd-view.js';
import { ensureExtLinks, ensureInternalLinks, planVnfcs, startVnfcs, type ExtVirtualLinkParam, type PlannedVnfc } from '../vnfcs.js';
import { buildInstantiatedInfo } from '../vnf-info.js';
import { unprocessable } from '../errors.js';
import { removeEverything } from './teardown.js';
import { mergePatch } from '../../packages/package-records.js';
import type { VimConnectionInfo } from '../model.js';

// INSTANTIATE (SOL003 5.4.4): choose the VIM (named, or by placement), make the internal virtual
// links, attach the external ones, start every VNFC of the instantiation level.

interface Plan {
  vimId: string;
  vnfcs: PlannedVnfc[];
  scaleLevels: Record<string, number>;
  placement?: Record<string, unknown>;
}

async function flavourFor(ctx: OpContext): Promise<{ flavour: FlavourView; pkgId: string; vnfdId: string }> {
  const { pkg, vnfd } = await ctx.packages.byPackageId(ctx.db, ctx.instance.vnfPkgId!);
  const flavourId = String(ctx.params.flavourId);
  const flavour = flavourOf(vnfd, flavourId);
  if (!flavour) throw unprocessable(`FlavourId ${flavourId} not found in the VNFD ${vnfd.vnfdId}.`, 'FLAVOUR_NOT_FOUND');
  return { flavour, pkgId: pkg.id, vnfdId: vnfd.vnfdId };
}

async function chooseVim(ctx: OpContext, flavour: FlavourView, counts: Record<string, number>): Promise<{ vimId: string; placement?: Record<string, unknown> }> {
  const named = Object.values((ctx.params.vimConnectionInfo as Record<string, VimConnectionInfo> | undefined) ?? {}).find((v) => v.vimId);
  if (named?.vimId) {
    const vim = await ctx.vims.get(named.vimId);
    if (!vim) throw unprocessable(`VIM ${named.vimId} not found.`, 'VIM_NOT_FOUND');
    return { vimId: vim.id };
  }
  const { vnfd } = await ctx.packages.byPackageId(ctx.db, ctx.instance.vnfPkgId!);
  const d = await ctx.placement.choose({ instance: ctx.instance, vnfd, flavourId: flavour.flavourId, vduInstances: counts });
  return { vimId: d.vimId, ...(d.explanation ? { placement: d.explanation } : {}) };
}

export const instantiate: OperationHandler = {
  async prepare(ctx) {
    const { flavour } = await flavourFor(ctx);
    const level = ctx.params.instantiationLevelId as string | undefined;
    const counts = vduCountsFor(flavour, level);
    const { vimId, placement } = await chooseVim(ctx, flavour, counts);
    const plan: Plan = { vimId, vnfcs: planVnfcs(ctx, counts), scaleLevels: aspectLevelsFor(flavour, level), ...(placement ? { placement } : {}) };
    ctx.progress.plan = plan;
    await ctx.checkpoint('plan');
  },

  async execute(ctx): Promise<OpResult> {
    const plan = ctx.progress.plan as Plan;
    const { flavour, pkgId, vnfdId } = await flavourFor(ctx);
    const evls = (ctx.params.extVirtualLinks as ExtVirtualLinkParam[] | undefined) ?? [];
    ctx.resources.vimId = plan.vimId;
    ctx.resources.mode = (await ctx.driver.capabilities()).mode;
    ctx.resources.extVirtualLinks = evls;
    ctx.resources.scaleLevels = plan.scaleLevels;
    await ensureInternalLinks(ctx, flavour);
    await ensureExtLinks(ctx, evls);
    await startVnfcs(ctx, plan.vnfcs, flavour, { id: pkgId, vnfdId }, evls);
    const requested = (ctx.params.vimConnectionInfo as Record<string, VimConnectionInfo> | undefined) ?? {};
    const instance = { ...ctx.instance, instantiationState: 'INSTANTIATED' as const };
    instance.vimConnectionInfo = Object.keys(requested).length ? requested : { default: { vimId: plan.vimId, vimType: 'mecano.local.v1' } };
    instance.instantiatedVnfInfo = buildInstantiatedInfo({
      flavour,
      resources: ctx.resources,
      scaleLevels: plan.scaleLevels,
      vnfdId,
      extVirtualLinks: evls,
      ...(ctx.params.localizationLanguage ? { localizationLanguage: String(ctx.params.localizationLanguage) } : {}),
    });
    const ext = ctx.params.extensions as Record<string, unknown> | undefined;
    if (ext) instance.extensions = mergePatch(instance.extensions, ext);
    const vcp = ctx.params.vnfConfigurableProperties as Record<string, unknown> | undefined;
    if (vcp) instance.vnfConfigurableProperties = mergePatch(instance.vnfConfigurableProperties, vcp);
    return { instance, resources: ctx.resources, ...(plan.placement ? { placement: plan.placement } : {}) };
  },

  async rollback(ctx) {
    await removeEverything(ctx, { graceful: false, timeoutMs: 0 });
    return { instance: ctx.instance, resources: ctx.resources };
  },
};
