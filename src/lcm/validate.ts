import type { Queryable } from '../store/db.js';
import type { LcmOperation, VnfInstanceDoc } from './model.js';
import type { PackageSource } from './ports.js';
import { flavourOf, type VnfdView } from './vnfd-view.js';
import { badLcmRequest, unprocessable } from './errors.js';

// Semantic checks done synchronously, before the op occurrence is recorded. NOTE: Tacker accepts
// an unknown flavourId/instantiationLevelId with 202 and reports ROLLED_BACK later; we answer 422
// at once, since nothing useful can come of the operation (docs/lcm.md lists the differences).

/** VIM types the engine has handlers for; other kinds of infrastructure register theirs. */
export const SUPPORTED_VIM_TYPES = new Set(['mecano.local.v1']);

function checkVimConnectionInfo(params: Record<string, unknown>): void {
  const vci = params.vimConnectionInfo as Record<string, { vimType?: string }> | undefined;
  if (!vci) return;
  for (const [key, v] of Object.entries(vci)) {
    if (!SUPPORTED_VIM_TYPES.has(String(v.vimType))) {
      throw unprocessable(`vimConnectionInfo.${key}.vimType '${v.vimType}' is not supported; supported: ${[...SUPPORTED_VIM_TYPES].join(', ')}.`, 'VIM_TYPE_NOT_SUPPORTED');
    }
  }
}

function checkInstantiate(vnfd: VnfdView, params: Record<string, unknown>): void {
  const flavourId = String(params.flavourId);
  const f = flavourOf(vnfd, flavourId);
  if (!f) throw unprocessable(`FlavourId ${flavourId} not found in the VNFD ${vnfd.vnfdId} (flavours: ${vnfd.flavours.map((x) => x.flavourId).join(', ')}).`, 'FLAVOUR_NOT_FOUND');
  const level = params.instantiationLevelId as string | undefined;
  if (level !== undefined && !f.instantiationLevels.some((l) => l.id === level)) {
    throw unprocessable(`instantiationLevelId ${level} not found in flavour ${flavourId} (levels: ${f.instantiationLevels.map((l) => l.id).join(', ') || 'none'}).`, 'INSTANTIATION_LEVEL_NOT_FOUND');
  }
  checkVimConnectionInfo(params);
  for (const evl of (params.extVirtualLinks as { id: string; extCps?: { cpdId: string }[] }[] | undefined) ?? []) {
    for (const cp of evl.extCps ?? []) {
      if (!f.extCps.some((e) => e.id === cp.cpdId)) {
        throw unprocessable(`extVirtualLinks ${evl.id}: extCp cpdId ${cp.cpdId} is not an external CP of flavour ${flavourId} (${f.extCps.map((e) => e.id).join(', ') || 'none'}).`, 'EXT_CP_NOT_FOUND');
      }
    }
  }
}

function checkScale(vnfd: VnfdView, inst: VnfInstanceDoc, params: Record<string, unknown>): void {
  const info = inst.instantiatedVnfInfo!;
  const f = flavourOf(vnfd, info.flavourId);
  const aspectId = String(params.aspectId);
  const aspect = f?.aspects.find((a) => a.id === aspectId);
  if (!aspect) throw unprocessable(`Invalid aspectId '${aspectId}': flavour ${info.flavourId} has ${f?.aspects.map((a) => a.id).join(', ') || 'no scaling aspects'}.`, 'ASPECT_NOT_FOUND');
  const steps = (params.numberOfSteps as number | undefined) ?? 1;
  const level = info.scaleStatus?.find((s) => s.aspectId === aspectId)?.scaleLevel ?? 0;
  const target = params.type === 'SCALE_OUT' ? level + steps : level - steps;
  if (target < 0 || target > aspect.maxScaleLevel) {
    throw unprocessable(
      `Invalid numberOfSteps '${steps}': aspect ${aspectId} is at level ${level}; ${params.type} would reach ${target}, outside 0..${aspect.maxScaleLevel}.`,
      'SCALE_OUT_OF_RANGE',
    );
  }
}

function checkHeal(inst: VnfInstanceDoc, params: Record<string, unknown>): void {
  // vnfcInfo ids (SOL003 v3, Tacker v2) or vnfcResourceInfo ids (Tacker v1 clients).
  const known = new Set((inst.instantiatedVnfInfo?.vnfcInfo ?? []).flatMap((v) => [v.id, v.vnfcResourceInfoId]));
  for (const id of (params.vnfcInstanceId as string[] | undefined) ?? []) {
    if (!known.has(id)) throw unprocessable(`vnfcInstanceId(${id}) does not exist (known: ${[...known].join(', ') || 'none'}).`, 'VNFC_NOT_FOUND');
  }
  const all = (params.additionalParams as Record<string, unknown> | undefined)?.all;
  if (all !== undefined && typeof all !== 'boolean') throw badLcmRequest(`additionalParams['all'] must be bool.`);
}

async function checkChangeVnfpkg(q: Queryable, packages: PackageSource, inst: VnfInstanceDoc, params: Record<string, unknown>): Promise<void> {
  const target = await packages.byVnfdId(q, String(params.vnfdId));
  if (target.vnfd.provider !== inst.vnfProvider || target.vnfd.productName !== inst.vnfProductName) {
    throw unprocessable(
      `VNFD ${params.vnfdId} is ${target.vnfd.provider}/${target.vnfd.productName}; a package change must stay within ${inst.vnfProvider}/${inst.vnfProductName}.`,
      'VNF_PRODUCT_MISMATCH',
    );
  }
  const flavourId = inst.instantiatedVnfInfo!.flavourId;
  if (!flavourOf(target.vnfd, flavourId)) throw unprocessable(`The target VNFD ${params.vnfdId} has no flavour ${flavourId}.`, 'FLAVOUR_NOT_FOUND');
  const upgrade = (params.additionalParams as Record<string, unknown> | undefined)?.upgrade_type;
  if (upgrade !== undefined && upgrade !== 'RollingUpdate') throw badLcmRequest(`not support upgrade_type ${String(upgrade)}`);
}

async function checkModify(q: Queryable, packages: PackageSource, inst: VnfInstanceDoc, params: Record<string, unknown>): Promise<void> {
  if (params.vimConnectionInfo !== undefined) {
    if (inst.instantiationState === 'NOT_INSTANTIATED') throw badLcmRequest('vimConnectionInfo cannot be modified in NOT_INSTANTIATED.');
    checkVimConnectionInfo(params);
  }
  if (params.vnfdId !== undefined && params.vnfdId !== inst.vnfdId) await packages.byVnfdId(q, String(params.vnfdId));
  const known = new Set((inst.instantiatedVnfInfo?.vnfcInfo ?? []).map((v) => v.id));
  for (const m of (params.vnfcInfoModifications as { id: string }[] | undefined) ?? []) {
    if (!known.has(m.id)) throw unprocessable(`vnfcInstanceId(${m.id}) does not exist.`, 'VNFC_NOT_FOUND');
  }
}

export async function validateOperation(q: Queryable, packages: PackageSource, inst: VnfInstanceDoc, op: LcmOperation, params: Record<string, unknown>): Promise<void> {
  switch (op) {
    case 'INSTANTIATE':
      return checkInstantiate((await packages.byPackageId(q, inst.vnfPkgId!)).vnfd, params);
    case 'SCALE':
      return checkScale((await packages.byPackageId(q, inst.vnfPkgId!)).vnfd, inst, params);
    case 'HEAL':
      return checkHeal(inst, params);
    case 'CHANGE_VNFPKG':
      return checkChangeVnfpkg(q, packages, inst, params);
    case 'MODIFY_INFO':
      return checkModify(q, packages, inst, params);
    case 'CHANGE_EXT_CONN':
      return checkVimConnectionInfo(params);
    default:
      return;
  }
}
