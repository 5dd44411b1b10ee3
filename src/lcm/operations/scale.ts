import type { OperationHandler } from '../context.js';
import { scaleDeltas } from '../vnfd-view.js';
import { planVnfcs, startVnfcs, stopVnfc, vnfcsOfVdu, type PlannedVnfc } from '../vnfcs.js';
import { unprocessable } from '../errors.js';
import { currentFlavour, SCALE_IN_STOP, withRebuiltInfo } from './common.js';

// SCALE (SOL003 5.4.5): SCALE_OUT adds the VNFCs of the aspect's deltas, SCALE_IN removes the
// newest ones. Rollback exists for SCALE_OUT only (SOL003 / Tacker).

interface Plan {
  aspectId: string;
  from: number;
  to: number;
  add: PlannedVnfc[];
  remove: string[];
}

export const scale: OperationHandler = {
  async prepare(ctx) {
    const { flavour } = await currentFlavour(ctx);
    const aspectId = String(ctx.params.aspectId);
    const aspect = flavour.aspects.find((a) => a.id === aspectId);
    if (!aspect) throw unprocessable(`Invalid aspectId '${aspectId}'.`, 'ASPECT_NOT_FOUND');
    const from = ctx.resources.scaleLevels?.[aspectId] ?? 0;
    const steps = (ctx.params.numberOfSteps as number | undefined) ?? 1;
    const to = ctx.params.type === 'SCALE_OUT' ? from + steps : from - steps;
    if (to < 0 || to > aspect.maxScaleLevel) throw unprocessable(`Invalid numberOfSteps '${steps}': level ${to} is outside 0..${aspect.maxScaleLevel}.`, 'SCALE_OUT_OF_RANGE');
    const deltas = scaleDeltas(aspect, from, to);
    const addCounts: Record<string, number> = {};
    const remove: string[] = [];
    for (const [vduId, d] of Object.entries(deltas)) {
      const vdu = flavour.vdus.find((v) => v.id === vduId);
      const current = vnfcsOfVdu(ctx, vduId);
      if (d > 0) {
        if (vdu && current.length + d > vdu.maxInstances) throw unprocessable(`Scaling ${vduId} to ${current.length + d} VNFCs exceeds its max_number_of_instances ${vdu.maxInstances}.`, 'SCALE_OUT_OF_RANGE');
        addCounts[vduId] = d;
      } else if (d < 0) {
        if (vdu && current.length + d < vdu.minInstances) throw unprocessable(`Scaling ${vduId} to ${current.length + d} VNFCs is below its min_number_of_instances ${vdu.minInstances}.`, 'SCALE_OUT_OF_RANGE');
        remove.push(...current.slice(0, -d).map((v) => v.vnfcId));
      }
    }
    const plan: Plan = { aspectId, from, to, add: planVnfcs(ctx, addCounts), remove };
    ctx.progress.plan = plan;
    await ctx.checkpoint('plan');
  },

  async execute(ctx) {
    const plan = ctx.progress.plan as Plan;
    const { flavour, pkgId, vnfdId } = await currentFlavour(ctx);
    await startVnfcs(ctx, plan.add, flavour, { id: pkgId, vnfdId }, ctx.resources.extVirtualLinks ?? []);
    for (const id of plan.remove) await stopVnfc(ctx, id, SCALE_IN_STOP);
    ctx.resources.scaleLevels = { ...(ctx.resources.scaleLevels ?? {}), [plan.aspectId]: plan.to };
    return { instance: withRebuiltInfo(ctx, flavour, vnfdId), resources: ctx.resources };
  },

  async rollback(ctx) {
    const plan = ctx.progress.plan as Plan | undefined;
    const { flavour, vnfdId } = await currentFlavour(ctx);
    for (const p of plan?.add ?? []) await stopVnfc(ctx, p.vnfcId, { graceful: false, timeoutMs: 0 });
    if (plan) ctx.resources.scaleLevels = { ...(ctx.resources.scaleLevels ?? {}), [plan.aspectId]: plan.from };
    return { instance: withRebuiltInfo(ctx, flavour, vnfdId), resources: ctx.resources };
  },
};
