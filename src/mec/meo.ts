import type { Db } from '../store/db.js';
import { Conflict, NotFound, Unprocessable } from '../errors.js';
import type { LcmService } from '../lcm/service.js';
import type { PackageSource } from '../lcm/ports.js';
import { activeOpOccOf } from '../store/op-occs.js';
import { getInstance } from '../store/vnf-instances.js';
import { getMecPackage, getPackageHost } from '../store/mec-packages.js';
import { dependants, dependenciesOf, getMecInstance, listMecInstances, setNextAction, type MecInstanceRow } from '../store/mec-instances.js';
import { findHostByIp } from '../store/mec-esr.js';
import { MEC_META_KEY, MEC_VIM_TYPE, type MecCreateRequest } from './model.js';
import { checkPathUuid, checkTenant, invalidInput, rules, validateBody, type BodySpec, type Rule } from './validate.js';

// MEO (seed "MEO"): app instances of a tenant on the one lifecycle engine. Create answers at
// once (the instance is Creating) and the work proceeds as durable occurrences: create (host
// selection, capability and dependency checks), instantiate (on the host's AppLCM), terminate.
// Delete terminates on the edge, then removes the instance; a depended-on instance stays (409).

const names: Rule = (v) => (Array.isArray(v) && v.length <= 10 && v.every((x) => rules.name()(x) === undefined) ? undefined : 'must be at most 10 names');
const location: Rule = (v) => {
  const o = v as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) return 'must be {latitude, longitude, radiusKm?}';
  const okLat = typeof o.latitude === 'number' && Math.abs(o.latitude) <= 90;
  const okLon = typeof o.longitude === 'number' && Math.abs(o.longitude) <= 180;
  const okR = o.radiusKm === undefined || (typeof o.radiusKm === 'number' && o.radiusKm > 0);
  return okLat && okLon && okR ? undefined : 'must be {latitude (-90..90), longitude (-180..180), radiusKm (> 0, optional)}';
};

const CREATE_SPEC: BodySpec = {
  appPackageId: { rule: rules.hex(32, 64), required: true, aliases: ['app_package_id', 'appPkgId'] },
  appName: { rule: rules.name(), required: true, aliases: ['app_name'] },
  appId: { rule: rules.hex(32, 32), aliases: ['app_id'] },
  appInstanceDescription: { rule: rules.string(256), aliases: ['app_instance_description', 'appDescriptor'] },
  mecHost: { rule: rules.ip(), aliases: ['mec_host', 'hostIp'] },
  hwCapabilities: { rule: names, aliases: ['hwcapabilities'] },
  affinity: { rule: rules.name() },
  location: { rule: location },
  parameters: { rule: rules.stringMap(50, 256) },
  instantiate: { rule: rules.boolean(), aliases: ['instantiateNow'] },
};

const INSTANTIATE_SPEC: BodySpec = { parameters: { rule: rules.stringMap(50, 256) }, mecHost: { rule: rules.ip(), aliases: ['mec_host', 'hostIp'] } };

export function instanceView(row: MecInstanceRow, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const req = row.doc.request as MecCreateRequest;
  return {
    appInstanceId: row.id,
    tenantId: row.tenant_id,
    appPackageId: row.app_pkg_id,
    appId: req.appId,
    appName: row.app_name,
    appDescriptor: req.appInstanceDescription ?? '',
    mecHost: row.host_ip,
    operationalStatus: row.status,
    operationInfo: row.operation_info,
    ...(row.doc.hostSelection ? { hostSelection: row.doc.hostSelection } : {}),
    ...(row.doc.lastOperation ? { lastOperation: row.doc.lastOperation } : {}),
    createTime: row.created_at,
    updateTime: row.updated_at,
    ...extra,
  };
}

export class Meo {
  constructor(private readonly deps: { db: Db; lcm: LcmService; packages: PackageSource; nudgeActions: () => void }) {}

  async create(tenant: string, body: unknown): Promise<Record<string, unknown>> {
    checkTenant(tenant);
    const v = validateBody(body, CREATE_SPEC, 'app instance request');
    const { db } = this.deps;
    const pkg = await getMecPackage(db, String(v.appPackageId), tenant);
    if (!pkg) throw new Unprocessable(`appPackageId ${String(v.appPackageId)} names no app package of this tenant.`, 'MEC_PACKAGE_NOT_FOUND', { invalidParams: [{ name: 'appPackageId', reason: 'no such package' }] });
    if (v.mecHost !== undefined) {
      const host = await findHostByIp(db, tenant, String(v.mecHost));
      if (!host) throw new Unprocessable(`mecHost ${String(v.mecHost)} is not a MEC host of this tenant.`, 'MEC_HOST_NOT_FOUND', { invalidParams: [{ name: 'mecHost', reason: 'no such MEC host' }] });
      await this.refuseNameReuse(tenant, host.id, String(v.appName));
    }
    const request = { ...v, appPkgId: pkg.app_pkg_id, appId: (v.appId as string | undefined) ?? pkg.app_id } as unknown as MecCreateRequest & { appPackageId?: string };
    delete request.appPackageId;
    const doc = await this.deps.lcm.createInstance({
      vnfdId: String(pkg.doc.vnfdId),
      vnfInstanceName: request.appName,
      ...(request.appInstanceDescription ? { vnfInstanceDescription: request.appInstanceDescription } : {}),
      metadata: { [MEC_META_KEY]: { role: 'centre', tenantId: tenant, request } },
    });
    return this.get(tenant, doc.id);
  }

  async get(tenant: string, id: string): Promise<Record<string, unknown>> {
    const row = await this.row(tenant, id);
    const deps = await dependenciesOf(this.deps.db, row.id);
    return instanceView(row, deps.length ? { dependsOn: deps } : {});
  }

  async list(tenant: string, filter: { hostIp?: string; ids?: string[] } = {}): Promise<Record<string, unknown>[]> {
    checkTenant(tenant);
    return (await listMecInstances(this.deps.db, tenant, filter)).map((r) => instanceView(r));
  }

  async row(tenant: string, id: string): Promise<MecInstanceRow> {
    checkTenant(tenant);
    const row = await getMecInstance(this.deps.db, checkPathUuid(id, 'app_instance_id'), tenant);
    if (!row) throw new NotFound(`Record does not exist, app instance id: ${id}.`, 'MEC_INSTANCE_NOT_FOUND');
    return row;
  }

  /**
   * Instantiate (from Created, or again from Instantiation failed): checked now (409 naming the
   * status), started by the actions loop (202), which bounds how many wait on edges at once.
   */
  async instantiate(tenant: string, id: string, body: unknown = {}): Promise<Record<string, unknown>> {
    const v = validateBody(body ?? {}, INSTANTIATE_SPEC, 'instantiate request');
    const row = await this.row(tenant, id);
    if (v.mecHost !== undefined && v.mecHost !== row.host_ip) throw invalidInput([{ name: 'mecHost', reason: `must be the instance's host ${row.host_ip ?? '(not chosen yet)'}` }], 'instantiate request');
    if (row.next_action) throw new Conflict(`Application instance ${id} has a pending ${row.next_action}.`, 'MEC_OPERATION_IN_PROGRESS');
    await this.checkInstantiable(row);
    await setNextAction(this.deps.db, row.id, 'instantiate', { patch: { pendingParameters: v.parameters ?? null } });
    this.deps.nudgeActions();
    return this.get(tenant, id);
  }

  private async checkInstantiable(row: MecInstanceRow): Promise<void> {
    if (row.status !== 'Created' && row.status !== 'Instantiation failed') {
      throw new Conflict(`Application instance operational status is : ${row.status}; instantiate needs Created or Instantiation failed.`, 'MEC_INSTANCE_WRONG_STATUS', { operationalStatus: row.status });
    }
    const dist = row.host_id ? await getPackageHost(this.deps.db, row.app_pkg_id, row.host_id) : undefined;
    if (dist?.status !== 'Distributed') {
      throw new Conflict(`App package ${row.app_pkg_id} is ${dist ? `in distribution status ${dist.status}` : 'not distributed'} on host ${row.host_ip}; it must be Distributed there.`, 'MEC_PACKAGE_NOT_DISTRIBUTED', { distributionStatus: dist?.status ?? null });
    }
  }

  /** Starts (or retries) the INSTANTIATE occurrence; the actions loop calls it. */
  async instantiateRow(row: MecInstanceRow): Promise<void> {
    await this.checkInstantiable(row);
    const parameters = (row.doc.pendingParameters as Record<string, string> | null | undefined) ?? undefined;
    const active = await activeOpOccOf(this.deps.db, row.id);
    if (active?.operation === 'INSTANTIATE' && active.operationState === 'FAILED_TEMP') {
      await this.deps.lcm.taskAction(active.id, 'retry');
      return;
    }
    const req = row.doc.request as MecCreateRequest;
    const inst = await this.deps.lcm.getInstance(row.id);
    const { vnfd } = await this.deps.packages.byPackageId(this.deps.db, inst.vnfPkgId!);
    const flavourId = vnfd.defaultFlavourId ?? vnfd.flavours[0]?.flavourId;
    await this.deps.lcm.requestOperation(row.id, 'INSTANTIATE', {
      flavourId,
      vimConnectionInfo: { mec: { vimId: row.host_id, vimType: MEC_VIM_TYPE, interfaceInfo: { hostIp: row.host_ip } } },
      additionalParams: { parameters: parameters ?? req.parameters ?? {} },
    });
  }

  /** Delete: the actions loop terminates on the edge (or undoes a failed step), then removes it. */
  async delete(tenant: string, id: string): Promise<void> {
    const row = await this.row(tenant, id);
    const users = await dependants(this.deps.db, row.id);
    if (users.length) throw new Conflict(`application instance depended by others: ${users.join(', ')}.`, 'MEC_INSTANCE_DEPENDED_ON', { dependants: users });
    const active = await activeOpOccOf(this.deps.db, row.id);
    if (active && active.operationState !== 'FAILED_TEMP') {
      throw new Conflict(`Application instance ${id} has ${active.operation} in progress (${active.operationState}); delete it when that ends.`, 'MEC_OPERATION_IN_PROGRESS');
    }
    await setNextAction(this.deps.db, row.id, 'remove');
    this.deps.nudgeActions();
  }

  /**
   * One step towards removal; `explicit` (a client's DELETE) may also retry or undo a failed
   * step, which the background loop never does on its own. Returns true when it is gone.
   */
  async advanceRemoval(id: string, explicit: boolean): Promise<boolean> {
    const { lcm, db } = this.deps;
    const active = await activeOpOccOf(db, id);
    if (active && active.operationState !== 'FAILED_TEMP') {
      if (explicit) throw new Conflict(`Application instance ${id} has ${active.operation} in progress (${active.operationState}); delete it when that ends.`, 'MEC_OPERATION_IN_PROGRESS');
      return false;
    }
    if (active) {
      if (!explicit) return false;
      if (active.operation === 'INSTANTIATE') await lcm.taskAction(active.id, 'rollback');
      else if (active.operation === 'TERMINATE') await lcm.taskAction(active.id, 'retry');
      else await lcm.taskAction(active.id, 'fail');
      return active.operation === 'MODIFY_INFO' ? this.advanceRemoval(id, false) : false;
    }
    const inst = await getInstance(db, id);
    if (!inst) return true;
    if (inst.doc.instantiationState === 'INSTANTIATED') {
      await lcm.requestOperation(id, 'TERMINATE', { terminationType: 'GRACEFUL', gracefulTerminationTimeout: 10 });
      return false;
    }
    await lcm.deleteInstance(id);
    return true;
  }

  private async refuseNameReuse(tenant: string, hostId: string, appName: string): Promise<void> {
    const clash = (await listMecInstances(this.deps.db, tenant)).find((r) => r.host_id === hostId && r.app_name === appName && r.status === 'Instantiated');
    if (clash) throw new Conflict(`cannot re-use app name : ${appName} (instance ${clash.id} is Instantiated on that host).`, 'MEC_APP_NAME_IN_USE');
  }
}
