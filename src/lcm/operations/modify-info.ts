import type { OperationHandler } from '../context.js';
import { mergePatch } from '../../packages/package-records.js';
import type { VnfInstanceDoc } from '../model.js';

// MODIFY_INFO (SOL003 5.4.3.3.4, VnfInfoModificationRequest): attributes are replaced, or merged
// by JSON merge patch for the maps; changedInfo says what was applied. Nothing touches the
// infrastructure, so a rollback has nothing to undo.

const MERGED = ['metadata', 'extensions', 'vnfConfigurableProperties', 'vimConnectionInfo'] as const;

export const modifyInfo: OperationHandler = {
  async execute(ctx) {
    const p = ctx.params;
    const instance: VnfInstanceDoc = structuredClone(ctx.instance);
    const changedInfo: Record<string, unknown> = {};
    for (const k of ['vnfInstanceName', 'vnfInstanceDescription'] as const) {
      if (p[k] !== undefined) {
        if (p[k] === null || p[k] === '') delete instance[k];
        else instance[k] = String(p[k]);
        changedInfo[k] = p[k];
      }
    }
    for (const k of MERGED) {
      if (p[k] !== undefined && p[k] !== null) {
        (instance as unknown as Record<string, unknown>)[k] = mergePatch(instance[k] as Record<string, unknown> | undefined, p[k] as Record<string, unknown>);
        changedInfo[k] = p[k];
      }
    }
    if (p.vnfdId !== undefined && p.vnfdId !== instance.vnfdId) {
      const { pkg, vnfd } = await ctx.packages.byVnfdId(ctx.db, String(p.vnfdId));
      Object.assign(instance, { vnfdId: vnfd.vnfdId, vnfPkgId: pkg.id, vnfProvider: vnfd.provider, vnfProductName: vnfd.productName, vnfSoftwareVersion: vnfd.softwareVersion, vnfdVersion: vnfd.descriptorVersion });
      Object.assign(changedInfo, { vnfdId: vnfd.vnfdId, vnfProvider: vnfd.provider, vnfProductName: vnfd.productName, vnfSoftwareVersion: vnfd.softwareVersion, vnfdVersion: vnfd.descriptorVersion });
    }
    const mods = (p.vnfcInfoModifications as { id: string; vnfcConfigurableProperties: Record<string, unknown> }[] | undefined) ?? [];
    if (mods.length && instance.instantiatedVnfInfo?.vnfcInfo) {
      for (const m of mods) {
        const v = instance.instantiatedVnfInfo.vnfcInfo.find((x) => x.id === m.id);
        if (v) v.vnfcConfigurableProperties = mergePatch(v.vnfcConfigurableProperties, m.vnfcConfigurableProperties);
      }
      changedInfo.vnfcInfoModifications = mods;
    }
    return { instance, resources: ctx.resources, changedInfo };
  },
  async rollback(ctx) {
    return { instance: ctx.instance, resources: ctx.resources };
  },
};
