import path from 'node:path';
import { digestAlgorithm } from '../csar/manifest.js';
import { PKG } from '../errors.js';
import type { CpProtocol, SwImage, Vdu, VduCp, VirtualCompute, VirtualLink, VirtualLinkProtocol, VirtualStorage } from './model.js';
import { T, type TypeRegistry } from './sol001-types.js';
import type { VnfdSource } from './templates.js';
import {
  At, asMap, frequencyHz, int, optBool, optInt, optList, optMap, optSizeBytes, optStr, requirements, sizeBytes, str, strList, type YMap,
} from './values.js';

// SOL001 node templates of one deployment flavour → model records (6.8 Vdu.Compute, 6.9 VduCp,
// 6.5 VnfExtCp, 6.7 VnfVirtualLink, 6.10–6.12 storage).

export type NodeKind = 'vnf' | 'vdu' | 'vduCp' | 'extCp' | 'vl' | 'blockStorage' | 'objectStorage' | 'fileStorage' | 'other';

export interface NodeCtx {
  file: string;
  registry: TypeRegistry;
  source: VnfdSource;
}

const KIND_BY_BASE: [string, NodeKind][] = [
  [T.vnf, 'vnf'], [T.vdu, 'vdu'], [T.vduCp, 'vduCp'], [T.extCp, 'extCp'], [T.vl, 'vl'],
  [T.blockStorage, 'blockStorage'], [T.objectStorage, 'objectStorage'], [T.fileStorage, 'fileStorage'],
];

export function nodeKind(registry: TypeRegistry, type: string, at: At): NodeKind {
  if (!registry.has('node', type)) {
    // TOSCA normative types (tosca.nodes.Compute, ...) carry nothing mecano models.
    if (type.startsWith('tosca.')) return 'other';
    return at.fail(`node type ${type} is not defined in the VNFD or its imports`);
  }
  for (const [base, kind] of KIND_BY_BASE) if (registry.isA('node', type, base)) return kind;
  return 'other';
}

const CONTAINER_FORMATS = ['aki', 'ami', 'ari', 'bare', 'docker', 'ova', 'ovf'];
const DISK_FORMATS = ['aki', 'ami', 'ari', 'iso', 'qcow2', 'raw', 'vdi', 'vhd', 'vhdx', 'vmdk'];

function oneOf(v: unknown, at: At, allowed: string[]): string {
  const s = str(v, at).toLowerCase();
  return allowed.includes(s) ? s : at.fail(`must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
}

/** A CSAR path for an artifact `file` written relative to the VNFD file that names it. */
export function artifactPath(ctx: NodeCtx, file: string, at: At, code: string = PKG.swImage): string {
  const p = path.posix.normalize(file.startsWith('/') ? file.slice(1) : path.posix.join(path.posix.dirname(ctx.file), file));
  if (p === '..' || p.startsWith('../')) at.fail(`${file} points outside the package`, code);
  if (!ctx.source.isFile(p)) at.fail(`${file} is not in the package (looked for ${p})`, code);
  return p;
}

function findSwArtifact(ctx: NodeCtx, node: YMap, at: At): { name: string; def: YMap; at: At } | null {
  const arts = optMap(node.artifacts, at.child('artifacts'));
  if (!arts) return null;
  for (const [name, raw] of Object.entries(arts)) {
    const aat = at.child('artifacts').child(name);
    const def = typeof raw === 'string' ? { file: raw } : asMap(raw, aat);
    const type = typeof def.type === 'string' ? def.type : null;
    if ((type && ctx.registry.isA('artifact', type, T.swImage)) || (!type && name === 'sw_image')) return { name, def, at: aat };
  }
  return null;
}

export function swImage(ctx: NodeCtx, node: YMap, props: YMap, at: At): SwImage | null {
  const art = findSwArtifact(ctx, node, at);
  const dataAt = props.sw_image_data !== undefined ? at.child('properties').child('sw_image_data') : art?.at.child('properties');
  const data = props.sw_image_data ?? art?.def.properties;
  if (data === undefined) {
    if (art) at.child('properties').child('sw_image_data').fail(`is required with the ${art.name} software image artifact`);
    return null;
  }
  const d = asMap(data, dataAt!);
  const c = optMap(d.checksum, dataAt!.child('checksum'));
  let checksum = null;
  if (c) {
    const algo = digestAlgorithm(str(c.algorithm, dataAt!.child('checksum').child('algorithm')));
    if (!algo) dataAt!.child('checksum').child('algorithm').fail(`unsupported algorithm ${String(c.algorithm)} (sha-224/256/384/512)`);
    checksum = { algorithm: algo!.canonical, hash: str(c.hash, dataAt!.child('checksum').child('hash')).toLowerCase() };
  }
  let artifactPathValue: string | null = null;
  let artifactUri: string | null = null;
  if (art) {
    const file = str(art.def.file, art.at.child('file'));
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) artifactUri = file;
    else artifactPathValue = artifactPath(ctx, file, art.at.child('file'));
  }
  return {
    name: str(d.name, dataAt!.child('name')),
    version: str(d.version, dataAt!.child('version')),
    checksum,
    containerFormat: oneOf(d.container_format, dataAt!.child('container_format'), CONTAINER_FORMATS),
    diskFormat: oneOf(d.disk_format, dataAt!.child('disk_format'), DISK_FORMATS),
    minDiskBytes: optSizeBytes(d.min_disk, dataAt!.child('min_disk')) ?? 0,
    minRamBytes: optSizeBytes(d.min_ram, dataAt!.child('min_ram')) ?? 0,
    sizeBytes: optSizeBytes(d.size, dataAt!.child('size')) ?? 0,
    operatingSystem: optStr(d.operating_system, dataAt!.child('operating_system')),
    supportedVirtualisationEnvironments: d.supported_virtualisation_environments === undefined ? [] : strList(d.supported_virtualisation_environments, dataAt!.child('supported_virtualisation_environments')),
    artifactPath: artifactPathValue,
    artifactUri,
    artifactName: art?.name ?? null,
    kind: 'other',
  };
}

function virtualCompute(node: YMap, at: At): VirtualCompute | null {
  const caps = optMap(node.capabilities, at.child('capabilities'));
  const vcAt = at.child('capabilities').child('virtual_compute');
  const vc = caps ? optMap(caps.virtual_compute, vcAt) : null;
  if (!vc) return null;
  const pAt = vcAt.child('properties');
  const p = asMap(vc.properties ?? {}, pAt);
  const mem = asMap(p.virtual_memory, pAt.child('virtual_memory'));
  const cpu = asMap(p.virtual_cpu, pAt.child('virtual_cpu'));
  const clock = cpu.virtual_cpu_clock === undefined ? null : frequencyHz(cpu.virtual_cpu_clock, pAt.child('virtual_cpu').child('virtual_cpu_clock')) / 1e6;
  const storage = optList(p.virtual_local_storage, pAt.child('virtual_local_storage')) ?? [];
  return {
    numVirtualCpu: int(cpu.num_virtual_cpu, pAt.child('virtual_cpu').child('num_virtual_cpu'), 1),
    // SOL003 VirtualMemory.virtualMemSize is in MB; TOSCA "MB" is 10^6 bytes.
    virtualMemSizeMb: sizeBytes(mem.virtual_mem_size, pAt.child('virtual_memory').child('virtual_mem_size')) / 1e6,
    cpuArchitecture: optStr(cpu.cpu_architecture, pAt.child('virtual_cpu').child('cpu_architecture')),
    virtualCpuClockMhz: clock,
    virtualLocalStorageGb: storage.map((s, i) => {
      const sat = pAt.child('virtual_local_storage').child(i);
      return sizeBytes(asMap(s, sat).size_of_storage, sat.child('size_of_storage')) / 1e9;
    }),
    requestedAdditionalCapabilities: optMap(p.requested_additional_capabilities, pAt.child('requested_additional_capabilities')) ?? {},
  };
}

export function vdu(ctx: NodeCtx, id: string, node: YMap, props: YMap, at: At): Vdu {
  const pAt = at.child('properties');
  const prof = asMap(props.vdu_profile, pAt.child('vdu_profile'));
  const min = int(prof.min_number_of_instances, pAt.child('vdu_profile').child('min_number_of_instances'), 0);
  const max = int(prof.max_number_of_instances, pAt.child('vdu_profile').child('max_number_of_instances'), 0);
  if (max < min) pAt.child('vdu_profile').child('max_number_of_instances').fail(`must not be below min_number_of_instances (${min})`);
  if (max === 0) pAt.child('vdu_profile').child('max_number_of_instances').fail('must be at least 1');
  const monitoring = optList(props.monitoring_parameters, pAt.child('monitoring_parameters')) ?? [];
  return {
    id,
    name: str(props.name, pAt.child('name')),
    description: optStr(props.description, pAt.child('description')),
    virtualCompute: virtualCompute(node, at),
    swImage: swImage(ctx, node, props, at),
    vduProfile: { minNumberOfInstances: min, maxNumberOfInstances: max },
    storageIds: requirements(node.requirements, at.child('requirements')).filter((r) => r.name === 'virtual_storage').map((r) => r.node),
    monitoringParameters: monitoring.map((m, i) => asMap(m, pAt.child('monitoring_parameters').child(i))),
  };
}

export function cpProtocols(v: unknown, at: At): CpProtocol[] {
  return (optList(v, at) ?? []).map((raw, i) => {
    const p = asMap(raw, at.child(i));
    return {
      associatedLayerProtocol: str(p.associated_layer_protocol, at.child(i).child('associated_layer_protocol')),
      addressData: (optList(p.address_data, at.child(i).child('address_data')) ?? []).map((a, j) => asMap(a, at.child(i).child('address_data').child(j))),
    };
  });
}

export function layerProtocols(v: unknown, at: At): string[] {
  return v === undefined ? [] : strList(v, at);
}

export function vduCp(id: string, node: YMap, props: YMap, at: At): VduCp {
  const reqs = requirements(node.requirements, at.child('requirements'));
  const binding = reqs.find((r) => r.name === 'virtual_binding');
  if (!binding) at.child('requirements').fail('virtual_binding to a Vdu.Compute is required');
  const pAt = at.child('properties');
  return {
    id,
    vduId: binding!.node,
    virtualLinkId: reqs.find((r) => r.name === 'virtual_link')?.node ?? null,
    layerProtocols: layerProtocols(props.layer_protocols, pAt.child('layer_protocols')),
    protocol: cpProtocols(props.protocol, pAt.child('protocol')),
    order: optInt(props.order, pAt.child('order'), 0),
    role: optStr(props.role, pAt.child('role')),
    vnicType: optStr(props.vnic_type, pAt.child('vnic_type')),
  };
}

function l3(v: unknown, at: At): VirtualLinkProtocol['l3ProtocolData'] {
  const d = optMap(v, at);
  if (!d) return null;
  const ipVersion = str(d.ip_version, at.child('ip_version'));
  if (ipVersion !== 'ipv4' && ipVersion !== 'ipv6') at.child('ip_version').fail(`must be ipv4 or ipv6, got ${ipVersion}`);
  const cidr = str(d.cidr, at.child('cidr'));
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(cidr);
  const isV6 = m ? m[1].includes(':') : false;
  if (!m || isV6 !== (ipVersion === 'ipv6') || Number(m[2]) > (isV6 ? 128 : 32)) at.child('cidr').fail(`${cidr} is not an ${ipVersion} CIDR`);
  const pools = optList(d.ip_allocation_pools, at.child('ip_allocation_pools')) ?? [];
  return {
    name: optStr(d.name, at.child('name')),
    ipVersion: ipVersion as 'ipv4' | 'ipv6',
    cidr,
    gatewayIp: optStr(d.gateway_ip, at.child('gateway_ip')),
    dhcpEnabled: optBool(d.dhcp_enabled, at.child('dhcp_enabled')),
    ipAllocationPools: pools.map((p, i) => {
      const pm = asMap(p, at.child('ip_allocation_pools').child(i));
      const pat = at.child('ip_allocation_pools').child(i);
      return { startIpAddress: str(pm.start_ip_address, pat.child('start_ip_address')), endIpAddress: str(pm.end_ip_address, pat.child('end_ip_address')) };
    }),
  };
}

function bitrate(v: unknown, at: At): Record<string, number> | null {
  const m = optMap(v, at);
  if (!m) return null;
  return Object.fromEntries(Object.entries(m).map(([k, n]) => [k, int(n, at.child(k), 0)]));
}

export function virtualLink(id: string, props: YMap, at: At): VirtualLink {
  const pAt = at.child('properties');
  const conn = optMap(props.connectivity_type, pAt.child('connectivity_type')) ?? {};
  const prof = optMap(props.vl_profile, pAt.child('vl_profile')) ?? {};
  const vpAt = pAt.child('vl_profile').child('virtual_link_protocol_data');
  return {
    id,
    description: optStr(props.description, pAt.child('description')),
    layerProtocols: layerProtocols(conn.layer_protocols, pAt.child('connectivity_type').child('layer_protocols')),
    flowPattern: optStr(conn.flow_pattern, pAt.child('connectivity_type').child('flow_pattern')),
    protocols: (optList(prof.virtual_link_protocol_data, vpAt) ?? []).map((raw, i) => {
      const p = asMap(raw, vpAt.child(i));
      return {
        associatedLayerProtocol: str(p.associated_layer_protocol, vpAt.child(i).child('associated_layer_protocol')),
        l2ProtocolData: optMap(p.l2_protocol_data, vpAt.child(i).child('l2_protocol_data')),
        l3ProtocolData: l3(p.l3_protocol_data, vpAt.child(i).child('l3_protocol_data')),
      };
    }),
    maxBitrateRequirements: bitrate(prof.max_bitrate_requirements, pAt.child('vl_profile').child('max_bitrate_requirements')),
    minBitrateRequirements: bitrate(prof.min_bitrate_requirements, pAt.child('vl_profile').child('min_bitrate_requirements')),
  };
}

export function storage(ctx: NodeCtx, kind: 'blockStorage' | 'objectStorage' | 'fileStorage', id: string, node: YMap, props: YMap, at: At): VirtualStorage {
  const pAt = at.child('properties');
  const key = { blockStorage: 'virtual_block_storage_data', objectStorage: 'virtual_object_storage_data', fileStorage: 'virtual_file_storage_data' }[kind];
  const data = asMap(props[key], pAt.child(key));
  const sizeKey = kind === 'objectStorage' ? 'max_size_of_storage' : 'size_of_storage';
  return {
    id,
    kind: kind === 'blockStorage' ? 'block' : kind === 'objectStorage' ? 'object' : 'file',
    sizeBytes: kind === 'objectStorage' ? (optSizeBytes(data[sizeKey], pAt.child(key).child(sizeKey)) ?? 0) : sizeBytes(data[sizeKey], pAt.child(key).child(sizeKey)),
    rdmaEnabled: optBool(data.rdma_enabled, pAt.child(key).child('rdma_enabled')),
    perVnfcInstance: optBool(props.per_vnfc_instance, pAt.child('per_vnfc_instance')) ?? true,
    swImage: kind === 'blockStorage' ? swImage(ctx, node, props, at) : null,
  };
}
