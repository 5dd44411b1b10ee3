// The typed VNFD model (SOL001 TOSCA VNFD → what the lifecycle engine and the drivers need).
// Plain JSON-serialisable records keyed by TOSCA node template name, so the model can be stored
// as a JSONB document next to the package record.

export interface Checksum {
  /** SOL004 spelling, e.g. SHA-256. */
  algorithm: string;
  hash: string;
}

/** What the local driver can do with an image (docs/packages.md "VDU artifact convention"). */
export type SwImageKind = 'executable' | 'container' | 'vm-image' | 'other';

export interface SwImage {
  name: string;
  version: string;
  checksum: Checksum | null;
  /** Lower case as in SOL001 (bare, docker, ...). */
  containerFormat: string;
  /** Lower case as in SOL001 (raw, qcow2, ...). */
  diskFormat: string;
  minDiskBytes: number;
  minRamBytes: number;
  sizeBytes: number;
  operatingSystem: string | null;
  supportedVirtualisationEnvironments: string[];
  /** The image artifact inside the CSAR (path from the CSAR root), or null when none is shipped. */
  artifactPath: string | null;
  /** An image outside the package (artifact `file` that is a URI). */
  artifactUri: string | null;
  /** Name of the artifact in the node template's `artifacts` (usually sw_image). */
  artifactName: string | null;
  /** Set by processPackage from the artifact's first bytes; 'other' until then. */
  kind: SwImageKind;
}

export interface VirtualCompute {
  numVirtualCpu: number;
  virtualMemSizeMb: number;
  cpuArchitecture: string | null;
  virtualCpuClockMhz: number | null;
  /** Sizes of virtual_local_storage entries in GB (10^9 bytes). */
  virtualLocalStorageGb: number[];
  requestedAdditionalCapabilities: Record<string, unknown>;
}

export interface VduProfile {
  minNumberOfInstances: number;
  maxNumberOfInstances: number;
}

export interface Vdu {
  id: string;
  name: string;
  description: string | null;
  virtualCompute: VirtualCompute | null;
  swImage: SwImage | null;
  vduProfile: VduProfile;
  /** VirtualBlockStorage / Object / File storage node ids required by this VDU. */
  storageIds: string[];
  monitoringParameters: Record<string, unknown>[];
}

export interface CpProtocol {
  associatedLayerProtocol: string;
  addressData: Record<string, unknown>[];
}

export interface VduCp {
  id: string;
  vduId: string;
  /** Internal virtual link this CP is attached to; null for an external CP. */
  virtualLinkId: string | null;
  layerProtocols: string[];
  protocol: CpProtocol[];
  order: number | null;
  role: string | null;
  vnicType: string | null;
}

export interface ExtCp {
  id: string;
  /** `VnfExtCp`: a tosca.nodes.nfv.VnfExtCp node; `VduCp`: a VDU CP exposed by substitution mapping (Tacker style). */
  source: 'VnfExtCp' | 'VduCp';
  /** The internal VL a VnfExtCp re-exposes, or the VduCp's own VL (null when it has none). */
  internalVirtualLinkId: string | null;
  /** The VduCp behind the external CP, when source is VduCp. */
  vduCpId: string | null;
  /** Name of the substitution-mapping requirement (e.g. virtual_link_external1_1), when mapped. */
  requirement: string | null;
  layerProtocols: string[];
  protocol: CpProtocol[];
}

export interface L3ProtocolData {
  name: string | null;
  ipVersion: 'ipv4' | 'ipv6';
  cidr: string;
  gatewayIp: string | null;
  dhcpEnabled: boolean | null;
  ipAllocationPools: { startIpAddress: string; endIpAddress: string }[];
}

export interface VirtualLinkProtocol {
  associatedLayerProtocol: string;
  l2ProtocolData: Record<string, unknown> | null;
  l3ProtocolData: L3ProtocolData | null;
}

export interface VirtualLink {
  id: string;
  description: string | null;
  layerProtocols: string[];
  flowPattern: string | null;
  protocols: VirtualLinkProtocol[];
  maxBitrateRequirements: Record<string, number> | null;
  minBitrateRequirements: Record<string, number> | null;
}

export interface VirtualStorage {
  id: string;
  kind: 'block' | 'object' | 'file';
  sizeBytes: number;
  rdmaEnabled: boolean | null;
  perVnfcInstance: boolean;
  swImage: SwImage | null;
}

export interface InstantiationLevel {
  id: string;
  description: string;
  /** aspectId → scale level of that aspect at this instantiation level. */
  scaleInfo: Record<string, number>;
  /** vduId → number of instances (VduInstantiationLevels). */
  vduLevels: Record<string, number>;
  /** vlId → bitrate requirements (VirtualLinkInstantiationLevels). */
  virtualLinkLevels: Record<string, Record<string, unknown>>;
}

export interface ScalingAspect {
  id: string;
  name: string;
  description: string | null;
  maxScaleLevel: number;
  stepDeltas: string[];
}

export interface PlacementRule {
  id: string;
  type: 'AFFINITY' | 'ANTI_AFFINITY';
  /** VDU ids (placement groups expanded). */
  targets: string[];
  scope: string | null;
}

export interface LcmOperation {
  /** The implementation as written (an artifact name or a path). */
  implementation: string | null;
  /** CSAR path of the implementation artifact, when it is one. */
  artifactPath: string | null;
  artifactType: string | null;
  inputs: Record<string, unknown>;
}

export interface VnfdFlavour {
  flavourId: string;
  description: string | null;
  /** VNFD file that holds this flavour's topology. */
  file: string;
  vdus: Record<string, Vdu>;
  vduCps: Record<string, VduCp>;
  extCps: Record<string, ExtCp>;
  virtualLinks: Record<string, VirtualLink>;
  storages: Record<string, VirtualStorage>;
  defaultInstantiationLevelId: string | null;
  instantiationLevels: Record<string, InstantiationLevel>;
  scalingAspects: Record<string, ScalingAspect>;
  /** aspectId → deltaId → vduId → number of instances added per step. */
  vduScalingAspectDeltas: Record<string, Record<string, Record<string, number>>>;
  /** vduId → instances when the VNF has no instantiation levels (VduInitialDelta). */
  vduInitialDeltas: Record<string, number>;
  placementRules: PlacementRule[];
  /** Vnflcm interface operations (instantiate_start, scale_end, ...). */
  lcmOperations: Record<string, LcmOperation>;
  /** substitution_mappings.requirements: requirement → [node template, requirement]. */
  substitutionRequirements: Record<string, [string, string]>;
}

export interface Vnfd {
  toscaDefinitionsVersion: string;
  descriptorId: string;
  provider: string;
  productName: string;
  softwareVersion: string;
  descriptorVersion: string;
  productInfoName: string | null;
  productInfoDescription: string | null;
  vnfmInfo: string[];
  localizationLanguages: string[];
  defaultLocalizationLanguage: string | null;
  /** The node type substituted by the flavours (e.g. company.provider.VNF). */
  vnfNodeType: string;
  flavours: Record<string, VnfdFlavour>;
  defaultFlavourId: string;
  entryDefinitions: string;
  /** Every VNFD file read (entry definitions and transitive imports), CSAR paths. */
  files: string[];
  /** Imports satisfied by mecano's built-in SOL001 type knowledge (type files not shipped). */
  builtinImports: string[];
}
