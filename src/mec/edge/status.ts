import type { InstanceRow } from '../../store/vnf-instances.js';
import type { EdgeInstanceRow } from '../../store/mec-instances.js';
import type { VnfLcmOpOccDoc } from '../../lcm/model.js';
import type { MecStatus } from '../model.js';
import { statusOf } from '../model.js';

// How the edge reports an app it runs: the status read from its engine instance and latest
// occurrence, and what really runs (each VNFC's addresses and whether its process is alive, as
// the local driver's reconciliation last saw it).

export interface EdgeVnfc {
  vnfcId: string;
  vduId: string;
  addresses: string[];
  pid?: number;
  state: 'running' | 'dead';
}

export function edgeStatus(row: EdgeInstanceRow, inst: InstanceRow | undefined, op: VnfLcmOpOccDoc | undefined): { status: MecStatus; operationInfo: string } {
  const s = op ? statusOf(op) : undefined;
  const terminateFailed = op?.operation === 'TERMINATE' && s?.status === 'Instantiated';
  if (row.next_action === 'remove' && !terminateFailed) return { status: 'Terminating', operationInfo: s?.error ?? '' };
  if (!op || !s) return { status: inst?.doc.instantiationState === 'INSTANTIATED' ? 'Instantiated' : 'Instantiating', operationInfo: '' };
  return { status: s.status, operationInfo: s.error ?? '' };
}

export function edgeVnfcs(inst: InstanceRow | undefined): EdgeVnfc[] {
  if (!inst) return [];
  const states = new Map((inst.doc.instantiatedVnfInfo?.vnfcInfo ?? []).map((v) => [v.vnfcResourceInfoId, v.vnfcState]));
  return Object.values(inst.resources?.vnfcs ?? {}).map((v) => ({
    vnfcId: v.vnfcId,
    vduId: v.vduId,
    addresses: v.cps.map((c) => c.ip.split('/')[0]),
    ...(typeof v.resource.pid === 'number' ? { pid: v.resource.pid } : {}),
    state: states.get(v.vnfcId) === 'STOPPED' ? 'dead' : 'running',
  }));
}

export function edgeView(row: EdgeInstanceRow, inst: InstanceRow | undefined, op: VnfLcmOpOccDoc | undefined): Record<string, unknown> {
  const { status, operationInfo } = edgeStatus(row, inst, op);
  return {
    appInstanceId: row.app_instance_id,
    tenantId: row.tenant_id,
    hostIp: row.host_ip,
    appPkgId: row.app_pkg_id,
    appName: row.app_name,
    status,
    operationInfo,
    ...(op ? { lastOperation: { operation: op.operation, operationState: op.operationState, vnfLcmOpOccId: op.id } } : {}),
    engineInstanceId: row.engine_instance_id,
    vnfcs: edgeVnfcs(inst),
  };
}
