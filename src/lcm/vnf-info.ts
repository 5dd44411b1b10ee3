import type { InstanceResources, InstantiatedVnfInfo, ResourceChanges, VnfcRecord } from './model.js';
import type { FlavourView } from './vnfd-view.js';
import type { ExtVirtualLinkParam } from './vnfcs.js';
import { bareAddress } from '../infra/address-pool.js';

// instantiatedVnfInfo and resourceChanges are derived from what the driver made (the instance's
// resources), never written by hand, so they always say what really exists.

const VIM_CONNECTION_ID = 'default';

function handle(resourceId: string, type: string) {
  return { vimConnectionId: VIM_CONNECTION_ID, resourceId, vimLevelResourceType: type };
}

function ipOverEthernet(ip: string) {
  return { layerProtocol: 'IP_OVER_ETHERNET', ipOverEthernet: { ipAddresses: [{ type: 'IPV4', addresses: [bareAddress(ip)], isDynamic: false }] } };
}

function vnfcResourceInfo(v: VnfcRecord) {
  const r = v.resource as Record<string, unknown>;
  return {
    id: v.vnfcId,
    vduId: v.vduId,
    vnfdId: v.vnfdId,
    computeResource: handle(String(r.resourceId), r.mode === 'loopback' ? 'mecano.local.process' : 'mecano.local.netns'),
    vnfcCpInfo: v.cps.map((cp) => ({
      id: `${v.vnfcId}-${cp.cpdId}`,
      cpdId: cp.cpdId,
      ...(cp.extCpId ? { vnfExtCpId: `${cp.extCpId}-${v.vnfcId}` } : { vnfLinkPortId: `${v.vnfcId}-${cp.cpdId}-port` }),
      cpProtocolInfo: [ipOverEthernet(cp.ip)],
    })),
    metadata: { pid: r.pid, startTime: r.startTime, httpPort: r.httpPort, logPath: r.logPath, mode: r.mode, creation_time: v.createdAt, vdu_idx: v.index },
  };
}

export function buildInstantiatedInfo(input: {
  flavour: FlavourView;
  resources: InstanceResources;
  scaleLevels: Record<string, number>;
  vnfdId: string;
  extVirtualLinks: ExtVirtualLinkParam[];
  vnfState?: 'STARTED' | 'STOPPED';
  localizationLanguage?: string;
}): InstantiatedVnfInfo {
  const { flavour, resources, vnfdId } = input;
  const vnfcs = Object.values(resources.vnfcs).sort((a, b) => b.index - a.index);
  const info: InstantiatedVnfInfo = { flavourId: flavour.flavourId, vnfState: input.vnfState ?? 'STARTED' };
  if (flavour.aspects.length > 0) {
    info.scaleStatus = flavour.aspects.map((a) => ({ aspectId: a.id, vnfdId, scaleLevel: input.scaleLevels[a.id] ?? 0 }));
    info.maxScaleLevels = flavour.aspects.map((a) => ({ aspectId: a.id, vnfdId, scaleLevel: a.maxScaleLevel }));
  }
  const extCps = vnfcs.flatMap((v) => v.cps.filter((cp) => cp.extCpId).map((cp) => ({ v, cp })));
  if (extCps.length > 0) {
    info.extCpInfo = extCps.map(({ v, cp }) => ({
      id: `${cp.extCpId}-${v.vnfcId}`,
      cpdId: cp.extCpId!,
      cpConfigId: `${cp.extCpId}-config`,
      cpProtocolInfo: [ipOverEthernet(cp.ip)],
      extLinkPortId: `${v.vnfcId}-${cp.cpdId}-port`,
      associatedVnfcCpId: `${v.vnfcId}-${cp.cpdId}`,
    }));
  }
  const extLinks = Object.values(resources.links).filter((l) => l.external);
  if (extLinks.length > 0) {
    info.extVirtualLinkInfo = extLinks.map((l) => {
      const evl = input.extVirtualLinks.find((e) => e.id === l.extVirtualLinkId);
      const ports = extCps.filter(({ cp }) => cp.linkKey === l.linkId);
      return {
        id: l.extVirtualLinkId!,
        resourceHandle: handle(String(l.resource.resourceId), 'mecano.local.bridge'),
        extLinkPorts: ports.map(({ v, cp }) => ({ id: `${v.vnfcId}-${cp.cpdId}-port`, resourceHandle: handle(String((v.resource as Record<string, unknown>).resourceId), 'mecano.local.veth'), cpInstanceId: `${cp.extCpId}-${v.vnfcId}` })),
        currentVnfExtCpData: evl?.extCps ?? [],
      };
    });
  }
  if (vnfcs.length > 0) {
    info.vnfcResourceInfo = vnfcs.map(vnfcResourceInfo);
    info.vnfcInfo = vnfcs.map((v) => ({ id: `${v.vduId}-${v.vnfcId}`, vduId: v.vduId, vnfcResourceInfoId: v.vnfcId, vnfcState: 'STARTED' as const }));
  }
  const internal = Object.values(resources.links).filter((l) => !l.external);
  if (internal.length > 0) {
    info.vnfVirtualLinkResourceInfo = internal.map((l) => ({
      id: l.linkId,
      vnfVirtualLinkDescId: l.vlDescId,
      vnfdId,
      networkResource: handle(String(l.resource.resourceId), 'mecano.local.bridge'),
      vnfLinkPorts: vnfcs.flatMap((v) =>
        v.cps.filter((cp) => cp.linkKey === l.linkId).map((cp) => ({ id: `${v.vnfcId}-${cp.cpdId}-port`, resourceHandle: handle(String((v.resource as Record<string, unknown>).resourceId), 'mecano.local.veth'), cpInstanceId: `${v.vnfcId}-${cp.cpdId}`, cpInstanceType: 'VNFC_CP' })),
      ),
      metadata: { cidr: l.cidr },
    }));
  }
  if (input.localizationLanguage) info.localizationLanguage = input.localizationLanguage;
  return info;
}

/** SOL003 resourceChanges by diffing the resources before and after the operation. */
export function diffResources(before: InstanceResources, after: InstanceResources, modified: string[] = []): ResourceChanges {
  const rc: ResourceChanges = {};
  const vnfcChange = (v: VnfcRecord, changeType: 'ADDED' | 'REMOVED' | 'MODIFIED') => {
    const r = v.resource as Record<string, unknown>;
    return {
      id: v.vnfcId,
      vduId: v.vduId,
      vnfdId: v.vnfdId,
      changeType,
      computeResource: handle(String(r.resourceId), r.mode === 'loopback' ? 'mecano.local.process' : 'mecano.local.netns'),
      affectedVnfcCpIds: v.cps.map((cp) => `${v.vnfcId}-${cp.cpdId}`),
    };
  };
  const vnfcs = [
    ...Object.values(after.vnfcs).filter((v) => !before.vnfcs[v.vnfcId]).map((v) => vnfcChange(v, 'ADDED')),
    ...Object.values(before.vnfcs).filter((v) => !after.vnfcs[v.vnfcId]).map((v) => vnfcChange(v, 'REMOVED')),
    ...modified.filter((id) => after.vnfcs[id] && before.vnfcs[id]).map((id) => vnfcChange(after.vnfcs[id], 'MODIFIED')),
  ];
  if (vnfcs.length) rc.affectedVnfcs = vnfcs;
  const links = [
    ...Object.values(after.links).filter((l) => !l.external && !before.links[l.linkId]).map((l) => ({ l, t: 'ADDED' })),
    ...Object.values(before.links).filter((l) => !l.external && !after.links[l.linkId]).map((l) => ({ l, t: 'REMOVED' })),
  ].map(({ l, t }) => ({ id: l.linkId, vnfVirtualLinkDescId: l.vlDescId, changeType: t, networkResource: handle(String(l.resource.resourceId), 'mecano.local.bridge') }));
  if (links.length) rc.affectedVirtualLinks = links;
  const ports = (r: InstanceResources) => Object.values(r.vnfcs).flatMap((v) => v.cps.filter((cp) => cp.extCpId).map((cp) => ({ id: `${v.vnfcId}-${cp.cpdId}-port`, ext: `${cp.extCpId}-${v.vnfcId}`, res: String((v.resource as Record<string, unknown>).resourceId), key: `${v.vnfcId}|${cp.linkKey}|${cp.ip}` })));
  const b = ports(before);
  const a = ports(after);
  const extPorts = [
    ...a.filter((p) => !b.some((q) => q.key === p.key)).map((p) => ({ id: p.id, changeType: 'ADDED' as const, extCpInstanceId: p.ext, resourceHandle: handle(p.res, 'mecano.local.veth') })),
    ...b.filter((p) => !a.some((q) => q.key === p.key)).map((p) => ({ id: p.id, changeType: 'REMOVED' as const, extCpInstanceId: p.ext, resourceHandle: handle(p.res, 'mecano.local.veth') })),
  ];
  if (extPorts.length) rc.affectedExtLinkPorts = extPorts;
  return rc;
}
