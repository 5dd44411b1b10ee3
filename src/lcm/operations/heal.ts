import type { OperationHandler, OpContext } from '../context.js';
import { startVnfc, stopVnfc } from '../vnfcs.js';
import { currentFlavour, HEAL_STOP, withRebuiltInfo } from './common.js';

// HEAL (SOL003 5.4.9): each named VNFC (vnfcInfo ids, as Tacker v2 reads vnfcInstanceId), or every
// VNFC, is stopped and started again with fresh namespace plumbing, keeping its identity.

interface Target {
  vnfcId: string;
  vduId: string;
  index: number;
  pkgId: string;
  vnfdId: string;
}

function targetsOf(ctx: OpContext): Target[] {
  const named = (ctx.params.vnfcInstanceId as string[] | undefined) ?? [];
  const byInfoId = new Map((ctx.instance.instantiatedVnfInfo?.vnfcInfo ?? []).map((v) => [v.id, v.vnfcResourceInfoId]));
  const ids = named.length ? named.map((n) => byInfoId.get(n) ?? n) : Object.keys(ctx.resources.vnfcs);
  return ids
    .map((id) => ctx.resources.vnfcs[id])
    .filter((v) => v !== undefined)
    .map((v) => ({ vnfcId: v.vnfcId, vduId: v.vduId, index: v.index, pkgId: v.pkgId, vnfdId: v.vnfdId }));
}

export const heal: OperationHandler = {
  async prepare(ctx) {
    ctx.progress.targets = targetsOf(ctx);
    ctx.progress.healed = [];
    await ctx.checkpoint('plan');
  },

  async execute(ctx) {
    const targets = ctx.progress.targets as Target[];
    const healed = ctx.progress.healed as string[];
    const { flavour, vnfdId } = await currentFlavour(ctx);
    for (const t of targets) {
      if (healed.includes(t.vnfcId)) continue;
      await stopVnfc(ctx, t.vnfcId, HEAL_STOP);
      await startVnfc(ctx, { vnfcId: t.vnfcId, vduId: t.vduId, index: t.index }, flavour, { id: t.pkgId, vnfdId: t.vnfdId }, ctx.resources.extVirtualLinks ?? []);
      healed.push(t.vnfcId);
      await ctx.checkpoint(`healed ${t.vnfcId}`);
    }
    return { instance: withRebuiltInfo(ctx, flavour, vnfdId), resources: ctx.resources, modifiedVnfcIds: targets.map((t) => t.vnfcId) };
  },
};
