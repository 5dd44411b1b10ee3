import type { OperationHandler, OpContext, OpResult } from '../context.js';
import { startVnfc, stopVnfc } from '../vnfcs.js';
import { currentFlavour, HEAL_STOP, withRebuiltInfo } from './common.js';

// CHANGE_VNFPKG (SOL003 5.4.11a): a rolling restart of every VNFC with the target package's
// artifacts; the instance then names the new vnfdId. Rollback restarts them on the old package.

interface Plan {
  fromPkgId: string;
  toPkgId: string;
  toVnfdId: string;
  vnfcs: { vnfcId: string; vduId: string; index: number }[];
}

async function moveAll(ctx: OpContext, pkgId: string, doneKey: string): Promise<OpResult> {
  const plan = ctx.progress.plan as Plan;
  const { flavour, vnfdId } = await currentFlavour(ctx, pkgId);
  const done = (ctx.progress[doneKey] as string[] | undefined) ?? [];
  ctx.progress[doneKey] = done;
  for (const v of plan.vnfcs) {
    if (done.includes(v.vnfcId)) continue;
    await stopVnfc(ctx, v.vnfcId, HEAL_STOP);
    await startVnfc(ctx, v, flavour, { id: pkgId, vnfdId }, ctx.resources.extVirtualLinks ?? []);
    done.push(v.vnfcId);
    await ctx.checkpoint(`moved ${v.vnfcId} to package ${pkgId}`);
  }
  const { vnfd } = await ctx.packages.byPackageId(ctx.db, pkgId);
  const base = { ...ctx.instance, vnfdId: vnfd.vnfdId, vnfPkgId: pkgId, vnfProvider: vnfd.provider, vnfProductName: vnfd.productName, vnfSoftwareVersion: vnfd.softwareVersion, vnfdVersion: vnfd.descriptorVersion };
  const instance = withRebuiltInfo(ctx, flavour, vnfdId, base);
  return {
    instance,
    resources: ctx.resources,
    modifiedVnfcIds: plan.vnfcs.map((v) => v.vnfcId),
    modificationsTriggeredByVnfPkgChange: { vnfdId: vnfd.vnfdId, vnfProvider: vnfd.provider, vnfProductName: vnfd.productName, vnfSoftwareVersion: vnfd.softwareVersion, vnfdVersion: vnfd.descriptorVersion },
  };
}

export const changeVnfpkg: OperationHandler = {
  async prepare(ctx) {
    const target = await ctx.packages.byVnfdId(ctx.db, String(ctx.params.vnfdId));
    const plan: Plan = {
      fromPkgId: ctx.instance.vnfPkgId!,
      toPkgId: target.pkg.id,
      toVnfdId: target.vnfd.vnfdId,
      vnfcs: Object.values(ctx.resources.vnfcs).sort((a, b) => a.index - b.index).map((v) => ({ vnfcId: v.vnfcId, vduId: v.vduId, index: v.index })),
    };
    ctx.progress.plan = plan;
    await ctx.checkpoint('plan');
  },
  execute: (ctx) => moveAll(ctx, (ctx.progress.plan as Plan).toPkgId, 'doneForward'),
  rollback: (ctx) => moveAll(ctx, (ctx.progress.plan as Plan).fromPkgId, 'doneBack'),
};
