import type { VnfPkgDoc } from '../store/vnf-packages.js';

// The events other domains publish. The document types name only the fields notifications
// read, so the lifecycle engine's richer VnfInstance / VnfLcmOpOcc documents fit them as they are.

export interface VnfInstanceDoc {
  id: string;
  vnfdId?: string;
  vnfProvider?: string;
  vnfProductName?: string;
  vnfSoftwareVersion?: string;
  vnfdVersion?: string;
  vnfInstanceName?: string;
}

export interface VnfLcmOpOccDoc {
  id: string;
  operationState: string;
  operation: string;
  isAutomaticInvocation?: boolean;
  vnfInstanceId: string;
  resourceChanges?: {
    affectedVnfcs?: unknown[];
    affectedVirtualLinks?: unknown[];
    affectedExtLinkPorts?: unknown[];
    affectedVirtualStorages?: unknown[];
  };
  changedInfo?: unknown;
  changedExtConnectivity?: unknown;
  modificationsTriggeredByVnfPkgChange?: unknown;
  error?: unknown;
}

export type LcmEvent =
  | { type: 'VnfIdentifierCreationNotification' | 'VnfIdentifierDeletionNotification'; instance: VnfInstanceDoc }
  | {
      type: 'VnfLcmOperationOccurrenceNotification';
      instance: VnfInstanceDoc;
      opOcc: VnfLcmOpOccDoc;
      /** Overrides the START/RESULT rule (Tacker §5.5) when the caller knows better. */
      notificationStatus?: 'START' | 'RESULT';
    };

export type { VnfPkgDoc };

export type PackageEvent = {
  type: 'VnfPackageOnboardingNotification' | 'VnfPackageChangeNotification';
  pkg: VnfPkgDoc;
  changeType?: 'OP_STATE_CHANGE' | 'PKG_DELETE';
  operationalState?: string;
};

export interface NotifyLogger {
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
  error(o: object, m?: string): void;
}

export const SILENT_LOGGER: NotifyLogger = { info() {}, warn() {}, error() {} };
