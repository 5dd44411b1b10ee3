import { BadRequest, Unprocessable } from '../errors.js';
import type { InstantiatedVnfInfo, VimConnectionInfo, VnfInstanceDoc, VnfLcmOpOccDoc } from './model.js';

// /vnflcm/v1 (SOL003 v2.6.1 as Tacker serves it) is a second view over the engine's documents,
// which are SOL003 v3.3.1 shapes. This module maps both ways and holds no state:
//  - requests: v2.6.1 bodies → the engine's parameters (vimConnectionInfo list → map, cpConfig
//    list → map, heal's vnfcInstanceId → vnfcInfo ids);
//  - documents: VnfInstance / VnfLcmOpOcc / their parts → v2.6.1 shapes (without _links), used by
//    the HTTP views and by the v1 notification renderer.

type Obj = Record<string, unknown>;

/** v2.6.1 4.4.1.6 VimConnectionInfo: an array entry carries its own `id` (the v3.3.1 map key). */
export interface VimConnectionInfoV1 extends VimConnectionInfo {
  id: string;
}

export function vimConnectionListToMap(list: VimConnectionInfoV1[] | undefined, where = 'vimConnectionInfo'): Record<string, VimConnectionInfo> | undefined {
  if (list === undefined) return undefined;
  const map: Record<string, VimConnectionInfo> = {};
  for (const [i, { id, ...rest }] of list.entries()) {
    if (Object.hasOwn(map, id)) throw new BadRequest(`${where}[${i}].id '${id}' is used by more than one entry.`, 'DUPLICATE_VIM_CONNECTION_ID');
    map[id] = rest;
  }
  return map;
}

export function vimConnectionMapToList(map: Record<string, VimConnectionInfo> | undefined): VimConnectionInfoV1[] | undefined {
  if (map === undefined || map === null) return undefined;
  return Object.entries(map).map(([id, v]) => ({ id, ...v }));
}

/**
 * v2.6.1 4.4.1.10 VnfExtCpData.cpConfig is an array of VnfExtCpConfig; v3.3.1 made it a map keyed
 * by cpConfigId. The key is the entry's cpInstanceId when it has one, else `<cpdId>-<index>`.
 */
export function extVirtualLinksToV3(evls: Obj[] | undefined): Obj[] | undefined {
  if (evls === undefined) return undefined;
  return evls.map((evl) => ({
    ...evl,
    extCps: ((evl.extCps as Obj[] | undefined) ?? []).map((cp) => {
      if (!Array.isArray(cp.cpConfig)) return cp;
      const cpConfig: Record<string, Obj> = {};
      (cp.cpConfig as Obj[]).forEach((c, i) => (cpConfig[typeof c.cpInstanceId === 'string' ? c.cpInstanceId : `${String(cp.cpdId)}-${i}`] = c));
      return { ...cp, cpConfig };
    }),
  }));
}

function extVirtualLinksToV1(evls: unknown): unknown {
  if (!Array.isArray(evls)) return evls;
  return evls.map((evl: Obj) => ({
    ...evl,
    extCps: ((evl.extCps as Obj[] | undefined) ?? []).map((cp) => (cp.cpConfig && !Array.isArray(cp.cpConfig) ? { ...cp, cpConfig: Object.values(cp.cpConfig as Obj) } : cp)),
  }));
}

const defined = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** InstantiateVnfRequest and ChangeExtVnfConnectivityRequest (v2.6.1 5.5.2.4, 5.5.2.11) → engine params. */
export function linkRequestToV3(body: Obj): Obj {
  return defined({
    ...body,
    vimConnectionInfo: vimConnectionListToMap(body.vimConnectionInfo as VimConnectionInfoV1[] | undefined),
    extVirtualLinks: extVirtualLinksToV3(body.extVirtualLinks as Obj[] | undefined),
  });
}

/**
 * Tacker v1's HealVnfRequest.vnfcInstanceId names vnfcResourceInfo ids (seed 003:
 * "vnfc_resource_info_ids"); the engine, like Tacker v2, reads vnfcInfo ids. Either is accepted
 * here and the engine receives vnfcInfo ids. An id that names neither is a 422.
 */
export function healRequestToV3(instance: VnfInstanceDoc, body: Obj): Obj {
  const ids = body.vnfcInstanceId as string[] | undefined;
  if (ids === undefined) return body;
  const info = instance.instantiatedVnfInfo?.vnfcInfo ?? [];
  const byResource = new Map(info.map((v) => [v.vnfcResourceInfoId, v.id]));
  const infoIds = new Set(info.map((v) => v.id));
  const mapped = ids.map((id) => {
    const m = byResource.get(id) ?? (infoIds.has(id) ? id : undefined);
    if (m === undefined) {
      const known = [...byResource.keys()].join(', ') || 'none';
      throw new Unprocessable(`vnfcInstanceId ${id} is not a VNFC of VNF instance ${instance.id} (vnfcResourceInfo ids: ${known}).`, 'VNFC_NOT_FOUND');
    }
    return m;
  });
  return { ...body, vnfcInstanceId: mapped };
}

/** What the v1 modify needs to know about the package a vnfPkgId names. */
export interface PackageRef {
  id: string;
  vnfdId?: string;
  onboardingState: string;
}

/**
 * v2.6.1 5.5.2.12 VnfInfoModificationRequest names the package by vnfPkgId (Tacker v1 also
 * accepts vnfdId); the engine identifies it by vnfdId. Both given and naming different packages
 * is a 422, as is a vnfPkgId that is unknown or not onboarded.
 */
export async function modifyRequestToV3(body: Obj, lookup: (pkgId: string) => Promise<PackageRef | undefined>): Promise<Obj> {
  const params: Obj = defined({ ...body, vimConnectionInfo: vimConnectionListToMap(body.vimConnectionInfo as VimConnectionInfoV1[] | undefined) });
  const pkgId = body.vnfPkgId as string | undefined;
  if (pkgId === undefined) return params;
  const pkg = await lookup(pkgId);
  if (!pkg) throw new Unprocessable(`vnfPkgId ${pkgId}: no such VNF package.`, 'VNF_PACKAGE_NOT_FOUND');
  if (pkg.onboardingState !== 'ONBOARDED' || !pkg.vnfdId) throw new Unprocessable(`vnfPkgId ${pkgId}: the package is ${pkg.onboardingState}, not ONBOARDED.`, 'VNF_PACKAGE_NOT_ONBOARDED');
  if (body.vnfdId !== undefined && body.vnfdId !== pkg.vnfdId) {
    throw new Unprocessable(`vnfdId ${String(body.vnfdId)} and vnfPkgId ${pkgId} are inconsistent: that package holds VNFD ${pkg.vnfdId}.`, 'VNFD_PACKAGE_MISMATCH');
  }
  return { ...params, vnfdId: pkg.vnfdId };
}

// ---- documents → v2.6.1 ----------------------------------------------------------------------

const omit = (o: Obj, keys: string[]): Obj => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const mapList = (v: unknown, f: (x: Obj) => Obj): unknown => (Array.isArray(v) ? v.map((x) => f(x as Obj)) : v);

/**
 * v2.6.1 InstantiatedVnfInfo: no maxScaleLevels, no vnfdId on scale status or resources (v3.3.1
 * additions), no cpConfigId / currentVnfExtCpData; vnfcInfo as Tacker v1 shows it (id, vduId,
 * vnfcState). vnfVirtualLinkResourceInfo keeps the name Tacker v1 and the GS use.
 */
export function instantiatedInfoToV1(info: Partial<InstantiatedVnfInfo>): Obj {
  const out = omit(info as Obj, ['maxScaleLevels']);
  out.scaleStatus = mapList(info.scaleStatus, (s) => omit(s, ['vnfdId']));
  out.extCpInfo = mapList(info.extCpInfo, (c) => omit(c, ['cpConfigId']));
  out.extVirtualLinkInfo = mapList(info.extVirtualLinkInfo, (l) => omit(l, ['currentVnfExtCpData']));
  out.vnfcResourceInfo = mapList(info.vnfcResourceInfo, (v) => omit(v, ['vnfdId']));
  out.vnfVirtualLinkResourceInfo = mapList(info.vnfVirtualLinkResourceInfo, (l) => omit(l, ['vnfdId']));
  out.vnfcInfo = mapList(info.vnfcInfo, (v) => omit(v, ['vnfcResourceInfoId', 'vnfcConfigurableProperties']));
  return defined(out);
}

/** A VnfInstance document (possibly reduced by attribute selectors) in v2.6.1 shape. */
export function instanceToV1(doc: Partial<VnfInstanceDoc>): Obj {
  const out: Obj = { ...doc };
  if (doc.vimConnectionInfo !== undefined) out.vimConnectionInfo = vimConnectionMapToList(doc.vimConnectionInfo);
  if (doc.instantiatedVnfInfo !== undefined) out.instantiatedVnfInfo = instantiatedInfoToV1(doc.instantiatedVnfInfo);
  return out;
}

/**
 * v2.6.1 VnfInfoModifications: vimConnectionInfo as a list; vnfPkgId (taken from the request,
 * the engine keys packages by vnfdId); the software version under both the seed's spelling
 * `vnfSotwareVersion` (Tacker's api-ref) and the GS's `vnfSoftwareVersion`.
 */
export function changedInfoToV1(changed: Obj, params: Obj | undefined): Obj {
  const out = omit(changed, ['vnfcInfoModifications']);
  if (changed.vimConnectionInfo !== undefined) out.vimConnectionInfo = vimConnectionMapToList(changed.vimConnectionInfo as Record<string, VimConnectionInfo>);
  if (changed.vnfdId !== undefined && typeof params?.vnfPkgId === 'string') out.vnfPkgId = params.vnfPkgId;
  if (changed.vnfSoftwareVersion !== undefined) out.vnfSotwareVersion = changed.vnfSoftwareVersion;
  return out;
}

/** v2.6.1 5.5.3.2 AffectedVirtualLink names the descriptor `virtualLinkDescId`; Tacker sends both. */
function affectedLinkToV1(l: Obj): Obj {
  return { ...omit(l, ['vnfdId', 'vnfLinkPortIds']), virtualLinkDescId: l.vnfVirtualLinkDescId };
}

/** resourceChanges parts as v2.6.1 has them (no affectedExtLinkPorts, a v3.3.1 addition). */
export function resourceChangesToV1(rc: Obj): Obj {
  return defined({
    affectedVnfcs: mapList(rc.affectedVnfcs, (v) => omit(v, ['vnfdId'])),
    affectedVirtualLinks: mapList(rc.affectedVirtualLinks, affectedLinkToV1),
    affectedVirtualStorages: rc.affectedVirtualStorages,
  });
}

export function changedExtConnectivityToV1(list: unknown): unknown {
  return mapList(list, (l) => omit(l, ['currentVnfExtCpData']));
}

/** operationParams as a v1 client sent them: list-form vimConnectionInfo and cpConfig. */
export function operationParamsToV1(params: Obj): Obj {
  const out: Obj = { ...params };
  if (params.vimConnectionInfo && !Array.isArray(params.vimConnectionInfo)) out.vimConnectionInfo = vimConnectionMapToList(params.vimConnectionInfo as Record<string, VimConnectionInfo>);
  if (params.extVirtualLinks !== undefined) out.extVirtualLinks = extVirtualLinksToV1(params.extVirtualLinks);
  return out;
}

/** A VnfLcmOpOcc document (possibly reduced by attribute selectors) in v2.6.1 shape. */
export function opOccToV1(op: Partial<VnfLcmOpOccDoc>): Obj {
  const out = omit(op as Obj, ['modificationsTriggeredByVnfPkgChange']);
  if (op.operationParams !== undefined) out.operationParams = operationParamsToV1(op.operationParams);
  if (op.resourceChanges !== undefined) out.resourceChanges = resourceChangesToV1(op.resourceChanges as Obj);
  if (op.changedInfo !== undefined) out.changedInfo = changedInfoToV1(op.changedInfo, op.operationParams);
  if (op.changedExtConnectivity !== undefined) out.changedExtConnectivity = changedExtConnectivityToV1(op.changedExtConnectivity);
  return out;
}
