import type { Readable } from 'node:stream';
import type { Db, Queryable } from '../store/db.js';
import { PG_ERROR, pgErrorCode } from '../store/db.js';
import { Conflict, NotFound, ProblemError } from '../errors.js';
import {
  deleteMecPackage, deletePackageHost, getMecPackage, getPackageHost, insertMecPackage, listMecPackages, packageHosts, queueDistribution, type MecPackageRow, type PackageHostRow,
} from '../store/mec-packages.js';
import { instancesUsingPackage } from '../store/mec-instances.js';
import type { MecPackageStore } from './package-store.js';
import { AppLcmUnavailable } from './applcm-client.js';
import type { AppLcms, HostTarget } from './applcms.js';
import { checkTenant, invalidInput, isIpAddress, rules, type InvalidParam } from './validate.js';

// APM (seed "APP Package Management"): a tenant's app packages, onboarded into the one package
// store, distributed per host with a status per host (Processing → Distributing → Distributed |
// Error | Timeout, the error text kept; one host's failure never holds up another), deleted per
// host or everywhere. The sending is done by the distribution worker.

export const MAX_HOSTS_PER_REQUEST = 20;

export interface ApmDeps {
  db: Db;
  store: MecPackageStore;
  applcms: AppLcms;
  uploadLimit: number;
  /** Wakes the distribution worker after a commit. */
  nudge: () => void;
}

export function checkAppPkgId(id: string): string {
  const why = rules.hex(32, 64)(id);
  if (why) throw invalidInput([{ name: 'appPkgId', reason: why }], 'path');
  return id;
}

function hostInfo(h: PackageHostRow): Record<string, unknown> {
  return { hostIp: h.host_ip, mechostId: h.host_id, status: h.status, ...(h.error ? { error: h.error } : {}), updatedTime: h.updated_at };
}

export function packageView(row: MecPackageRow, hosts: PackageHostRow[]): Record<string, unknown> {
  return { ...row.doc, mecHostInfo: hosts.filter((h) => h.app_pkg_id === row.app_pkg_id).map(hostInfo) };
}

export class Apm {
  constructor(private readonly deps: ApmDeps) {}

  async upload(tenant: string, appPkgId: string, content: Readable, opts: { appId?: string; hostIps?: string[] } = {}): Promise<Record<string, unknown>> {
    checkTenant(tenant);
    checkAppPkgId(appPkgId);
    const bad: InvalidParam[] = [];
    if (opts.appId !== undefined && rules.hex(32, 32)(opts.appId)) bad.push({ name: 'appId', reason: 'must be 32 lowercase hexadecimal characters' });
    const targets = await this.targets(this.deps.db, tenant, opts.hostIps ?? [], bad);
    if (bad.length) throw invalidInput(bad, 'upload');
    if (await getMecPackage(this.deps.db, appPkgId)) throw duplicate(appPkgId);
    const onboarded = await this.deps.store.onboard(content, this.deps.uploadLimit);
    const { pkg, appd } = onboarded;
    const doc = {
      appPkgId,
      appId: opts.appId ?? appPkgId.slice(0, 32),
      appPkgName: appd.appName ?? pkg.vnfProductName,
      appPkgVersion: appd.appVersion ?? pkg.vnfSoftwareVersion,
      appProvider: appd.appProvider ?? pkg.vnfProvider,
      appPkgDesc: appd.appDescription ?? '',
      vnfPkgId: pkg.id,
      vnfdId: pkg.vnfdId,
      appd,
      createdTime: new Date().toISOString(),
    };
    try {
      await this.deps.db.tx(async (tx) => {
        await insertMecPackage(tx, { app_pkg_id: appPkgId, tenant_id: tenant, app_id: doc.appId, vnf_pkg_id: pkg.id, doc });
        for (const t of targets) await queueDistribution(tx, { appPkgId, hostId: t.host.id, tenantId: tenant, hostIp: t.host.host_ip! });
      });
    } catch (e) {
      if (!onboarded.reused) await this.deps.store.release(pkg.id);
      if (pgErrorCode(e) === PG_ERROR.uniqueViolation) throw duplicate(appPkgId);
      throw e;
    }
    if (targets.length) this.deps.nudge();
    return this.get(tenant, appPkgId);
  }

  async list(tenant: string): Promise<Record<string, unknown>[]> {
    checkTenant(tenant);
    const rows = await listMecPackages(this.deps.db, tenant);
    const hosts = rows.length ? await packageHosts(this.deps.db, rows.map((r) => r.app_pkg_id)) : [];
    return rows.map((r) => packageView(r, hosts));
  }

  /** `tenant` undefined: /packageresource/{appPkgId}, which the seed defines without a tenant. */
  async get(tenant: string | undefined, appPkgId: string): Promise<Record<string, unknown>> {
    if (tenant !== undefined) checkTenant(tenant);
    checkAppPkgId(appPkgId);
    const row = await this.row(this.deps.db, tenant, appPkgId);
    return packageView(row, await packageHosts(this.deps.db, [appPkgId]));
  }

  async row(q: Queryable, tenant: string | undefined, appPkgId: string, opts: { forUpdate?: boolean } = {}): Promise<MecPackageRow> {
    const row = await getMecPackage(q, appPkgId, tenant, opts);
    if (!row) throw new NotFound(`No app package ${appPkgId}${tenant ? ' for this tenant' : ''}.`, 'MEC_PACKAGE_NOT_FOUND');
    return row;
  }

  /** Queues (or re-queues, e.g. after Error or Timeout) the package for each host. */
  async distribute(tenant: string, appPkgId: string, hostIps: string[]): Promise<Record<string, unknown>> {
    checkTenant(tenant);
    checkAppPkgId(appPkgId);
    await this.deps.db.tx(async (tx) => {
      await this.row(tx, tenant, appPkgId, { forUpdate: true });
      const bad: InvalidParam[] = [];
      if (hostIps.length === 0) bad.push({ name: 'hostIp', reason: 'name at least one host' });
      const targets = await this.targets(tx, tenant, hostIps, bad);
      if (bad.length) throw invalidInput(bad, 'distribution request');
      for (const t of targets) await queueDistribution(tx, { appPkgId, hostId: t.host.id, tenantId: tenant, hostIp: t.host.host_ip! });
    });
    this.deps.nudge();
    return this.get(tenant, appPkgId);
  }

  async download(tenant: string, appPkgId: string): Promise<{ stream: Readable; size: number }> {
    checkTenant(tenant);
    const row = await this.row(this.deps.db, tenant, checkAppPkgId(appPkgId));
    return this.deps.store.content(row.vnf_pkg_id);
  }

  /** Removes the package from one host: the AppLCM deletes its copy, then the row goes. */
  async deleteFromHost(tenant: string, appPkgId: string, hostIp: string): Promise<void> {
    checkTenant(tenant);
    checkAppPkgId(appPkgId);
    const target = await this.deps.applcms.forHostIp(this.deps.db, tenant, hostIp);
    await this.row(this.deps.db, tenant, appPkgId);
    const ph = await getPackageHost(this.deps.db, appPkgId, target.host.id);
    if (!ph) throw new NotFound(`App package ${appPkgId} was never distributed to ${hostIp}.`, 'MEC_PACKAGE_HOST_NOT_FOUND');
    await this.refuseInUse(appPkgId, target.host.id);
    await this.removeFromEdge(tenant, appPkgId, ph, target);
  }

  /** Removes the package from every host, then the package (and its record once unused). */
  async delete(tenant: string, appPkgId: string): Promise<void> {
    checkTenant(tenant);
    checkAppPkgId(appPkgId);
    const row = await this.row(this.deps.db, tenant, appPkgId);
    await this.refuseInUse(appPkgId);
    const failures: string[] = [];
    for (const ph of await packageHosts(this.deps.db, [appPkgId])) {
      try {
        await this.removeFromEdge(tenant, appPkgId, ph, await this.deps.applcms.forHostId(this.deps.db, ph.host_id));
      } catch (e) {
        failures.push(`${ph.host_ip}: ${(e as Error).message}`);
      }
    }
    if (failures.length) throw new ProblemError(502, 'MEC_PACKAGE_DELETE_INCOMPLETE', `App package ${appPkgId} could not be removed from every host (it is kept; retry): ${failures.join('; ')}`);
    await deleteMecPackage(this.deps.db, appPkgId);
    await this.deps.store.release(row.vnf_pkg_id);
  }

  private async removeFromEdge(tenant: string, appPkgId: string, ph: PackageHostRow, target: HostTarget): Promise<void> {
    // Still queued: nothing to remove there; 404 from the edge is done too. A distribution that
    // never succeeded may leave the row when its AppLCM is unreachable; a Distributed one may not
    // (the edge would keep a copy nobody knows about).
    try {
      if (ph.status !== 'Processing') await target.client.deletePackage(tenant, ph.host_ip, appPkgId);
    } catch (e) {
      if (!(e instanceof AppLcmUnavailable) || ph.status === 'Distributed' || ph.status === 'Distributing') throw e;
    }
    await deletePackageHost(this.deps.db, appPkgId, ph.host_id);
  }

  private async refuseInUse(appPkgId: string, hostId?: string): Promise<void> {
    const users = await instancesUsingPackage(this.deps.db, appPkgId, hostId);
    if (users.length) throw new Conflict(`App package ${appPkgId} is used by app instance(s) ${users.join(', ')}${hostId ? ' on that host' : ''}; delete them first.`, 'MEC_PACKAGE_IN_USE');
  }

  private async targets(q: Queryable, tenant: string, hostIps: string[], bad: InvalidParam[]): Promise<HostTarget[]> {
    if (hostIps.length > MAX_HOSTS_PER_REQUEST) bad.push({ name: 'hostIp', reason: `must name at most ${MAX_HOSTS_PER_REQUEST} hosts` });
    const out: HostTarget[] = [];
    for (const [i, ip] of [...new Set(hostIps)].entries()) {
      if (!isIpAddress(ip)) {
        bad.push({ name: `hostIp[${i}]`, reason: 'must be an IPv4 or IPv6 address' });
        continue;
      }
      try {
        out.push(await this.deps.applcms.forHostIp(q, tenant, ip));
      } catch (e) {
        if (!(e instanceof ProblemError)) throw e;
        bad.push({ name: `hostIp[${i}]`, reason: e.message });
      }
    }
    return out;
  }
}

function duplicate(appPkgId: string): Conflict {
  return new Conflict(`App package ${appPkgId} already exists.`, 'MEC_PACKAGE_DUPLICATE');
}
