import type { Readable } from 'node:stream';
import type { Db } from '../../store/db.js';
import { Conflict, NotFound } from '../../errors.js';
import type { LcmService } from '../../lcm/service.js';
import type { PackageSource } from '../../lcm/ports.js';
import { activeOpOccOf } from '../../store/op-occs.js';
import { getInstance } from '../../store/vnf-instances.js';
import { deleteEdgePackage, getEdgePackage, listEdgePackages, upsertEdgePackage, type EdgePackageRow } from '../../store/mec-packages.js';
import { getEdgeInstance, latestOpOcc, listEdgeInstances, setEdgeAction, type EdgeInstanceRow } from '../../store/mec-instances.js';
import { MEC_META_KEY } from '../model.js';
import type { MecPackageStore } from '../package-store.js';
import { checkAppPkgId } from '../apm.js';
import { checkPathIp, checkPathUuid, checkTenant, rules, validateBody, type BodySpec } from '../validate.js';
import { edgeView } from './status.js';

// The AppLCM (MEPM agent) of an edge: receives the packages distributed to its hosts, and runs
// app instances on its own lifecycle engine with the local driver — each app a real process in
// its own network namespace, its external connection points on the edge's app network. Every
// call is idempotent by app instance id, which is what lets the centre resume after a crash.

export interface AppNetwork {
  /** Bridge the apps' external CPs attach to (created by the local driver when missing). */
  bridge: string;
  cidr: string;
}

const INSTANTIATE_SPEC: BodySpec = {
  tenantId: { rule: rules.uuid(), required: true, aliases: ['tenant_id'] },
  hostIp: { rule: rules.ip(), required: true, aliases: ['host_ip'] },
  appPkgId: { rule: rules.hex(32, 64), required: true, aliases: ['packageId', 'appPackageId'] },
  appName: { rule: rules.name(), required: true },
  parameters: { rule: rules.stringMap(50, 256) },
};

export class EdgeAppLcm {
  constructor(private readonly deps: { db: Db; lcm: LcmService; packages: PackageSource; store: MecPackageStore; uploadLimit: number; network: AppNetwork; nudgeActions: () => void }) {}

  async receivePackage(tenant: string, hostIp: string, appPkgId: string, content: Readable): Promise<Record<string, unknown>> {
    checkTenant(tenant);
    checkPathIp(hostIp, 'host_ip');
    checkAppPkgId(appPkgId);
    const { pkg, appd, reused } = await this.deps.store.onboard(content, this.deps.uploadLimit);
    const existing = await getEdgePackage(this.deps.db, tenant, hostIp, appPkgId);
    if (existing && existing.vnf_pkg_id !== pkg.id && (await listEdgeInstances(this.deps.db, { tenant, hostIp, appPkgId })).length) {
      if (!reused) await this.deps.store.release(pkg.id);
      throw new Conflict(`App package ${appPkgId} on ${hostIp} has other content and app instances use it; terminate them first.`, 'MEC_PACKAGE_IN_USE');
    }
    const doc = { appPkgId, hostIp, vnfPkgId: pkg.id, vnfdId: pkg.vnfdId, appd, status: 'Distributed', receivedTime: new Date().toISOString() };
    await upsertEdgePackage(this.deps.db, { tenant_id: tenant, host_ip: hostIp, app_pkg_id: appPkgId, vnf_pkg_id: pkg.id, doc });
    if (existing && existing.vnf_pkg_id !== pkg.id) await this.deps.store.release(existing.vnf_pkg_id);
    return doc;
  }

  async getPackage(tenant: string, hostIp: string, appPkgId: string): Promise<Record<string, unknown>> {
    return (await this.packageRow(tenant, hostIp, appPkgId)).doc;
  }

  async listPackages(tenant: string, hostIp: string): Promise<Record<string, unknown>[]> {
    checkTenant(tenant);
    checkPathIp(hostIp, 'host_ip');
    return (await listEdgePackages(this.deps.db, tenant, hostIp)).map((r) => r.doc);
  }

  async deletePackage(tenant: string, hostIp: string, appPkgId: string): Promise<void> {
    const row = await this.packageRow(tenant, hostIp, appPkgId);
    const users = await listEdgeInstances(this.deps.db, { tenant, hostIp, appPkgId });
    if (users.length) throw new Conflict(`App package ${appPkgId} is used by app instance(s) ${users.map((u) => u.app_instance_id).join(', ')} on ${hostIp}.`, 'MEC_PACKAGE_IN_USE');
    await deleteEdgePackage(this.deps.db, tenant, hostIp, appPkgId);
    await this.deps.store.release(row.vnf_pkg_id);
  }

  /** Instantiates, or (same id again) reports / retries what an earlier call started. */
  async instantiate(appInstanceId: string, body: unknown): Promise<Record<string, unknown>> {
    const id = checkPathUuid(appInstanceId, 'app_instance_id');
    const v = validateBody(body, INSTANTIATE_SPEC, 'instantiate request');
    let row = await getEdgeInstance(this.deps.db, id);
    if (row && (row.tenant_id !== v.tenantId || row.app_pkg_id !== v.appPkgId || row.host_ip !== v.hostIp)) {
      throw new Conflict(`App instance ${id} already exists here for another tenant, package or host.`, 'MEC_INSTANCE_EXISTS');
    }
    if (row?.next_action === 'remove') throw new Conflict(`App instance ${id} is being terminated.`, 'MEC_INSTANCE_TERMINATING');
    const pkg = await getEdgePackage(this.deps.db, String(v.tenantId), String(v.hostIp), String(v.appPkgId));
    if (!pkg) throw new Conflict(`App package ${String(v.appPkgId)} is not distributed to host ${String(v.hostIp)}: application package distribution status is: not distributed.`, 'MEC_PACKAGE_NOT_DISTRIBUTED');
    if (!row) {
      await this.deps.lcm.createInstance({
        vnfdId: String(pkg.doc.vnfdId),
        vnfInstanceName: String(v.appName),
        metadata: { [MEC_META_KEY]: { role: 'edge', tenantId: v.tenantId, appInstanceId: id, appPkgId: v.appPkgId, hostIp: v.hostIp } },
      });
      row = (await getEdgeInstance(this.deps.db, id))!;
    }
    await this.startOrRetry(row, pkg, (v.parameters as Record<string, string> | undefined) ?? {});
    return this.status(id);
  }

  private async startOrRetry(row: EdgeInstanceRow, pkg: EdgePackageRow, parameters: Record<string, string>): Promise<void> {
    const { lcm, db } = this.deps;
    const active = await activeOpOccOf(db, row.engine_instance_id);
    if (active?.operationState === 'FAILED_TEMP' && active.operation === 'INSTANTIATE') return void (await lcm.taskAction(active.id, 'retry'));
    if (active) return;
    const inst = await getInstance(db, row.engine_instance_id);
    if (!inst || inst.doc.instantiationState === 'INSTANTIATED') return;
    const { vnfd } = await this.deps.packages.byPackageId(db, pkg.vnf_pkg_id);
    const flavourId = vnfd.defaultFlavourId ?? vnfd.flavours[0].flavourId;
    const extCps = vnfd.flavours.find((f) => f.flavourId === flavourId)?.extCps ?? [];
    const { bridge, cidr } = this.deps.network;
    const extVirtualLinks = extCps.length
      ? [{
          id: 'mec-app-network',
          resourceId: bridge,
          extCps: extCps.map((cp) => ({ cpdId: cp.id, cpConfig: { [`${cp.id}-ip`]: { cpProtocolData: [{ layerProtocol: 'IP_OVER_ETHERNET', ipOverEthernet: { ipAddresses: [{ type: 'IPV4', subnetId: cidr }] } }] } } })),
        }]
      : [];
    await lcm.requestOperation(row.engine_instance_id, 'INSTANTIATE', { flavourId, extVirtualLinks, additionalParams: { ...parameters, appInstanceId: row.app_instance_id, appName: row.app_name } });
  }

  async status(appInstanceId: string): Promise<Record<string, unknown>> {
    const id = checkPathUuid(appInstanceId, 'app_instance_id');
    const row = await getEdgeInstance(this.deps.db, id);
    if (!row) throw new NotFound(`App instance ${id} does not run here.`, 'MEC_INSTANCE_NOT_FOUND');
    return this.view(row);
  }

  async view(row: EdgeInstanceRow): Promise<Record<string, unknown>> {
    const inst = await getInstance(this.deps.db, row.engine_instance_id);
    return edgeView(row, inst, await latestOpOcc(this.deps.db, row.engine_instance_id));
  }

  /** Starts terminating (or retries a failed terminate / undoes a failed instantiate). */
  async terminate(appInstanceId: string): Promise<Record<string, unknown>> {
    const id = checkPathUuid(appInstanceId, 'app_instance_id');
    const row = await getEdgeInstance(this.deps.db, id);
    if (!row) throw new NotFound(`App instance ${id} does not run here.`, 'MEC_INSTANCE_NOT_FOUND');
    await setEdgeAction(this.deps.db, id, 'remove');
    const gone = await this.advanceRemoval(id, true);
    this.deps.nudgeActions();
    if (gone) throw new NotFound(`App instance ${id} was removed.`, 'MEC_INSTANCE_NOT_FOUND');
    return this.status(id);
  }

  /** One step towards removal (see Meo.advanceRemoval); true when the instance is gone. */
  async advanceRemoval(appInstanceId: string, explicit: boolean): Promise<boolean> {
    const { lcm, db } = this.deps;
    const row = await getEdgeInstance(db, appInstanceId);
    if (!row) return true;
    const engineId = row.engine_instance_id;
    const active = await activeOpOccOf(db, engineId);
    if (active) {
      if (active.operationState !== 'FAILED_TEMP' || !explicit) return false;
      if (active.operation === 'INSTANTIATE') await lcm.taskAction(active.id, 'rollback');
      else if (active.operation === 'TERMINATE') await lcm.taskAction(active.id, 'retry');
      else await lcm.taskAction(active.id, 'fail');
      return false;
    }
    const inst = await getInstance(db, engineId);
    if (inst?.doc.instantiationState === 'INSTANTIATED') {
      await lcm.requestOperation(engineId, 'TERMINATE', { terminationType: 'GRACEFUL', gracefulTerminationTimeout: 5 });
      return false;
    }
    if (inst) await lcm.deleteInstance(engineId);
    return true;
  }

  async apps(tenant: string, hostIp: string): Promise<Record<string, unknown>[]> {
    checkTenant(tenant);
    checkPathIp(hostIp, 'host_ip');
    const rows = await listEdgeInstances(this.deps.db, { tenant, hostIp });
    return Promise.all(rows.map((r) => this.view(r)));
  }

  private async packageRow(tenant: string, hostIp: string, appPkgId: string): Promise<EdgePackageRow> {
    checkTenant(tenant);
    checkPathIp(hostIp, 'host_ip');
    checkAppPkgId(appPkgId);
    const row = await getEdgePackage(this.deps.db, tenant, hostIp, appPkgId);
    if (!row) throw new NotFound(`App package ${appPkgId} is not distributed to ${hostIp}.`, 'MEC_PACKAGE_NOT_FOUND');
    return row;
  }
}
