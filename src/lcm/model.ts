import type { ProblemDetails } from '../errors.js';
import type { ExtVirtualLinkParam } from './vnfcs.js';

// The engine's documents. They are SOL003 v3.3.1 shapes (what /vnflcm/v2 shows, minus _links);
// /vnflcm/v1 and MECM render views of the same documents.

export type InstantiationState = 'NOT_INSTANTIATED' | 'INSTANTIATED';
export type OperationState = 'STARTING' | 'PROCESSING' | 'COMPLETED' | 'FAILED_TEMP' | 'FAILED' | 'ROLLING_BACK' | 'ROLLED_BACK';
export type LcmOperation = 'INSTANTIATE' | 'SCALE' | 'SCALE_TO_LEVEL' | 'CHANGE_FLAVOUR' | 'TERMINATE' | 'HEAL' | 'OPERATE' | 'CHANGE_EXT_CONN' | 'MODIFY_INFO' | 'CHANGE_VNFPKG';

export const FINAL_STATES: readonly OperationState[] = ['COMPLETED', 'FAILED', 'ROLLED_BACK'];

export interface VimConnectionInfo {
  vimId?: string;
  vimType: string;
  interfaceInfo?: Record<string, unknown>;
  accessInfo?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export interface ResourceHandle {
  vimConnectionId?: string;
  resourceProviderId?: string;
  resourceId: string;
  vimLevelResourceType?: string;
}

export interface VnfcResourceInfo {
  id: string;
  vduId: string;
  vnfdId?: string;
  computeResource: ResourceHandle;
  vnfcCpInfo?: { id: string; cpdId: string; vnfExtCpId?: string; vnfLinkPortId?: string; cpProtocolInfo?: unknown[]; metadata?: Record<string, unknown> }[];
  metadata?: Record<string, unknown>;
}

export interface InstantiatedVnfInfo {
  flavourId: string;
  vnfState: 'STARTED' | 'STOPPED';
  scaleStatus?: { aspectId: string; vnfdId?: string; scaleLevel: number }[];
  maxScaleLevels?: { aspectId: string; vnfdId?: string; scaleLevel: number }[];
  extCpInfo?: Record<string, unknown>[];
  extVirtualLinkInfo?: Record<string, unknown>[];
  extManagedVirtualLinkInfo?: Record<string, unknown>[];
  vnfcResourceInfo?: VnfcResourceInfo[];
  vnfVirtualLinkResourceInfo?: Record<string, unknown>[];
  virtualStorageResourceInfo?: Record<string, unknown>[];
  vnfcInfo?: { id: string; vduId: string; vnfcResourceInfoId: string; vnfcState: 'STARTED' | 'STOPPED'; vnfcConfigurableProperties?: Record<string, unknown> }[];
  localizationLanguage?: string;
  metadata?: Record<string, unknown>;
}

export interface VnfInstanceDoc {
  id: string;
  vnfInstanceName?: string;
  vnfInstanceDescription?: string;
  vnfdId: string;
  vnfProvider: string;
  vnfProductName: string;
  vnfSoftwareVersion: string;
  vnfdVersion: string;
  vnfPkgId?: string;
  vnfConfigurableProperties?: Record<string, unknown>;
  vimConnectionInfo?: Record<string, VimConnectionInfo>;
  instantiationState: InstantiationState;
  instantiatedVnfInfo?: InstantiatedVnfInfo;
  metadata?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

export interface AffectedVnfc {
  id: string;
  vduId: string;
  vnfdId?: string;
  changeType: 'ADDED' | 'REMOVED' | 'MODIFIED' | 'TEMPORARY';
  computeResource: ResourceHandle;
  affectedVnfcCpIds?: string[];
  addedStorageResourceIds?: string[];
  removedStorageResourceIds?: string[];
  metadata?: Record<string, unknown>;
}

export interface ResourceChanges {
  affectedVnfcs?: AffectedVnfc[];
  affectedVirtualLinks?: { id: string; vnfVirtualLinkDescId: string; vnfdId?: string; changeType: string; networkResource: ResourceHandle; vnfLinkPortIds?: string[]; metadata?: Record<string, unknown> }[];
  affectedExtLinkPorts?: { id: string; changeType: 'ADDED' | 'REMOVED'; extCpInstanceId: string; resourceHandle: ResourceHandle }[];
  affectedVirtualStorages?: Record<string, unknown>[];
}

export interface VnfLcmOpOccDoc {
  id: string;
  operationState: OperationState;
  stateEnteredTime: string;
  startTime: string;
  vnfInstanceId: string;
  grantId?: string;
  operation: LcmOperation;
  isAutomaticInvocation: boolean;
  operationParams?: Record<string, unknown>;
  isCancelPending: boolean;
  cancelMode?: 'GRACEFUL' | 'FORCEFUL';
  error?: ProblemDetails;
  resourceChanges?: ResourceChanges;
  changedInfo?: Record<string, unknown>;
  changedExtConnectivity?: Record<string, unknown>[];
  modificationsTriggeredByVnfPkgChange?: Record<string, unknown>;
  /** mecano extension: where the instance was placed and why (placement explanation). */
  placement?: Record<string, unknown>;
}

/** What the local driver made for one instance (the vnf_instances.resources column). */
export interface InstanceResources {
  vimId?: string;
  mode?: 'netns' | 'loopback';
  /** vlId (VNFD virtual link id, or 'ext:<extVirtualLinkId>') → link record */
  links: Record<string, LinkRecord>;
  /** vnfcId → VNFC record */
  vnfcs: Record<string, VnfcRecord>;
  /** the extVirtualLinks the instance is connected with (instantiate / change_ext_conn) */
  extVirtualLinks?: ExtVirtualLinkParam[];
  /** aspectId → current scale level */
  scaleLevels?: Record<string, number>;
}

export interface LinkRecord {
  linkId: string;
  vlDescId: string;
  external: boolean;
  extVirtualLinkId?: string;
  resource: Record<string, unknown> & { resourceId: string };
  cidr?: string;
  usedIps: string[];
}

export interface VnfcRecord {
  vnfcId: string;
  vduId: string;
  vnfdId: string;
  pkgId: string;
  /** creation order, for scale-in (newest first, as Tacker does) */
  index: number;
  cps: { cpdId: string; linkKey: string; ip: string; extCpId?: string }[];
  resource: Record<string, unknown> & { resourceId: string; pid?: number };
  createdAt: string;
}

export function emptyResources(): InstanceResources {
  return { links: {}, vnfcs: {} };
}
