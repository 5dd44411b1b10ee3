import type { VnfInstanceDoc, VnfLcmOpOccDoc } from '../lcm/model.js';

// What marks an engine instance as a MEC app instance, and how the engine's operation states
// read as EdgeGallery's instance statuses (reference §3.1, plus the Instantiating and
// Terminating that EdgeGallery lacks).

export const MEC_VIM_TYPE = 'mecano.applcm.v1';
export const MEC_META_KEY = 'mecano.mec';

export type MecStatus = 'Creating' | 'Created' | 'Create failed' | 'Instantiating' | 'Instantiated' | 'Instantiation failed' | 'Terminating';
export const MEC_STATUSES: readonly MecStatus[] = ['Creating', 'Created', 'Create failed', 'Instantiating', 'Instantiated', 'Instantiation failed', 'Terminating'];

/** The create request as the centre recorded it (the create operation works from it). */
export interface MecCreateRequest {
  appPkgId: string;
  appId: string;
  appName: string;
  appInstanceDescription?: string;
  mecHost?: string;
  hwCapabilities?: string[];
  location?: { latitude: number; longitude: number; radiusKm?: number };
  affinity?: string;
  parameters?: Record<string, string>;
  instantiate?: boolean;
}

export interface MecMeta {
  role: 'centre' | 'edge';
  tenantId: string;
  /** centre: the create request; edge: absent. */
  request?: MecCreateRequest;
  /** edge: the centre's app instance id this engine instance runs; its host label. */
  appInstanceId?: string;
  appPkgId?: string;
  hostIp?: string;
  /** centre, once created: the chosen host, its AppLCM, the instances it depends on. */
  hostId?: string;
  applcmId?: string;
  dependsOn?: string[];
  /** centre, once created: what the AppD's VDUs ask for (placement reserves it on the host). */
  requirements?: { vcpu: number; memoryMb: number };
}

export function mecMeta(doc: Pick<VnfInstanceDoc, 'metadata'> | { metadata?: Record<string, unknown> }): MecMeta | undefined {
  const m = doc.metadata?.[MEC_META_KEY] as MecMeta | undefined;
  return m && typeof m === 'object' && (m.role === 'centre' || m.role === 'edge') ? m : undefined;
}

/** The create step runs as a MODIFY_INFO occurrence carrying this marker in its parameters. */
export const isMecCreate = (op: Pick<VnfLcmOpOccDoc, 'operation' | 'operationParams'>): boolean => op.operation === 'MODIFY_INFO' && op.operationParams?.mecCreate === true;

const FAILED = ['FAILED_TEMP', 'FAILED', 'ROLLED_BACK'];
const RUNNING = ['STARTING', 'PROCESSING'];

/** The status an occurrence's state means, with the error it carries; undefined: no change. */
export function statusOf(op: Pick<VnfLcmOpOccDoc, 'operation' | 'operationState' | 'operationParams' | 'error'>): { status: MecStatus; error?: string } | undefined {
  const error = op.error?.detail;
  const s = op.operationState;
  if (isMecCreate(op)) {
    if (RUNNING.includes(s)) return { status: 'Creating' };
    if (s === 'COMPLETED') return { status: 'Created' };
    if (FAILED.includes(s)) return { status: 'Create failed', error };
    return undefined;
  }
  if (op.operation === 'INSTANTIATE') {
    if (RUNNING.includes(s)) return { status: 'Instantiating' };
    if (s === 'COMPLETED') return { status: 'Instantiated' };
    if (s === 'ROLLING_BACK') return { status: 'Terminating' };
    if (FAILED.includes(s)) return { status: 'Instantiation failed', error };
    return undefined;
  }
  if (op.operation === 'TERMINATE') {
    if (RUNNING.includes(s) || s === 'COMPLETED') return { status: 'Terminating' };
    // EdgeGallery: a failed terminate leaves the instance Instantiated, the error kept.
    if (FAILED.includes(s)) return { status: 'Instantiated', error };
  }
  return undefined;
}
