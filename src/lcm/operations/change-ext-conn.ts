import type { OperationHandler, OpContext, OpResult } from '../context.js';
import { ensureExtLinks, extLinkKey, removeLink, startVnfc, stopVnfc, type ExtVirtualLinkParam } from '../vnfcs.js';
import { currentFlavour, HEAL_STOP, withRebuiltInfo } from './common.js';

// CHANGE_EXT_CONN (SOL003 5.4.11): the named external virtual links replace the current ones of
// the same id (or are added); VNFCs whose external CPs move are restarted on the new bridge.
// Rollback re-applies the previous connectivity.

/** Applies `target` as the instance's external connectivity; returns the VNFCs it moved. */
async function applyConnectivity(ctx: OpContext, target: ExtVirtualLinkParam[], doneKey: string): Promise<{ result: OpResult; moved: string[] }> {
  const { flavour, vnfdId } = await currentFlavour(ctx);
  const current = ctx.resources.extVirtualLinks ?? [];
  const changed = target.filter((t) => JSON.stringify(current.find((c) => c.id === t.id)) !== JSON.stringify(t));
  // VNFCs on a changed link are stopped, the link re-made with the new bridge, then restarted.
  const moved = Object.values(ctx.resources.vnfcs)
    .filter((v) => v.cps.some((cp) => changed.some((c) => cp.linkKey === extLinkKey(c.id))))
    .map((v) => ({ vnfcId: v.vnfcId, vduId: v.vduId, index: v.index, pkgId: v.pkgId, vnfdId: v.vnfdId }));
  const done = (ctx.progress[doneKey] as string[] | undefined) ?? [];
  ctx.progress[doneKey] = done;
  for (const m of moved) if (!done.includes(`stop:${m.vnfcId}`)) {
    await stopVnfc(ctx, m.vnfcId, HEAL_STOP);
    done.push(`stop:${m.vnfcId}`);
  }
  for (const c of changed) {
    if (done.includes(`relink:${c.id}`)) continue;
    await removeLink(ctx, extLinkKey(c.id));
    done.push(`relink:${c.id}`);
  }
  const next = [...current.filter((c) => !target.some((t) => t.id === c.id)), ...target];
  ctx.resources.extVirtualLinks = next;
  await ensureExtLinks(ctx, next);
  for (const m of moved) await startVnfc(ctx, { vnfcId: m.vnfcId, vduId: m.vduId, index: m.index }, flavour, { id: m.pkgId, vnfdId: m.vnfdId }, next);
  const instance = withRebuiltInfo(ctx, flavour, vnfdId);
  const changedExtConnectivity = (instance.instantiatedVnfInfo?.extVirtualLinkInfo ?? []).filter((l) => changed.some((c) => c.id === l.id));
  return { result: { instance, resources: ctx.resources, changedExtConnectivity, modifiedVnfcIds: moved.map((m) => m.vnfcId) }, moved: moved.map((m) => m.vnfcId) };
}

export const changeExtConn: OperationHandler = {
  async prepare(ctx) {
    ctx.progress.previous = ctx.resources.extVirtualLinks ?? [];
    await ctx.checkpoint('plan');
  },
  async execute(ctx) {
    return (await applyConnectivity(ctx, ctx.params.extVirtualLinks as ExtVirtualLinkParam[], 'doneForward')).result;
  },
  async rollback(ctx) {
    const previous = (ctx.progress.previous as ExtVirtualLinkParam[] | undefined) ?? [];
    const requested = (ctx.params.extVirtualLinks as ExtVirtualLinkParam[]).map((e) => e.id);
    // Links the request added (absent before) go; the others return to their previous form.
    for (const id of requested) {
      if (!previous.some((p) => p.id === id)) {
        for (const v of Object.values(ctx.resources.vnfcs)) if (v.cps.some((cp) => cp.linkKey === extLinkKey(id))) await stopVnfc(ctx, v.vnfcId, HEAL_STOP);
        await removeLink(ctx, extLinkKey(id));
      }
    }
    ctx.resources.extVirtualLinks = (ctx.resources.extVirtualLinks ?? []).filter((e) => previous.some((p) => p.id === e.id));
    return (await applyConnectivity(ctx, previous, 'doneBack')).result;
  },
};
