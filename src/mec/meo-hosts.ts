import type { Db } from '../store/db.js';
import { Conflict, NotFound } from '../errors.js';
import { findHostByIp, getEsr, updateEsr } from '../store/mec-esr.js';
import { esrView } from './esr.js';
import type { AppLcms } from './applcms.js';
import type { Meo } from './meo.js';
import { hostCandidate, type CandidateRegistry } from './candidates.js';
import { checkPathIp, checkTenant } from './validate.js';

// The MEO's host queries (seed MEO "hosts/{hostIp}…" and the MECM node-kpi): the registry's
// record, and live facts relayed from the host's AppLCM — node KPI, MEP capabilities, the
// applications that really run there — plus the runtime view of one instance and the
// kubeconfig relay that keeps the host's configUploadStatus.

export class MeoHosts {
  constructor(private readonly deps: { db: Db; applcms: AppLcms; meo: Meo; candidates?: CandidateRegistry }) {}

  private async target(tenant: string, hostIp: string) {
    checkTenant(tenant);
    checkPathIp(hostIp);
    const host = await findHostByIp(this.deps.db, tenant, hostIp);
    if (!host) throw new NotFound(`No MEC host ${hostIp} for this tenant.`, 'MEC_ESR_NOT_FOUND');
    return this.deps.applcms.forHost(this.deps.db, host);
  }

  async host(tenant: string, hostIp: string): Promise<Record<string, unknown>> {
    checkTenant(tenant);
    checkPathIp(hostIp);
    const host = await findHostByIp(this.deps.db, tenant, hostIp);
    if (!host) throw new NotFound(`No MEC host ${hostIp} for this tenant.`, 'MEC_ESR_NOT_FOUND');
    return esrView('host', host);
  }

  async kpi(tenant: string, hostIp: string): Promise<Record<string, unknown>> {
    const t = await this.target(tenant, hostIp);
    return t.client.kpi(tenant, hostIp);
  }

  async capabilities(tenant: string, hostIp: string): Promise<unknown[]> {
    const t = await this.target(tenant, hostIp);
    // A platform host serves every tenant: its platform services are shared, apps are not.
    return t.client.capabilities(tenant, hostIp);
  }

  async appList(tenant: string, hostIp: string): Promise<unknown[]> {
    const t = await this.target(tenant, hostIp);
    return t.client.appList(tenant, hostIp);
  }

  /** The live state of an Instantiated instance, from its AppLCM (EdgeGallery: 412 otherwise). */
  async runtime(tenant: string, id: string): Promise<Record<string, unknown>> {
    const row = await this.deps.meo.row(tenant, id);
    if (row.status !== 'Instantiated' || !row.host_id) throw new Conflict(`Application instance operational status is : ${row.status}; the runtime view needs Instantiated.`, 'MEC_INSTANCE_WRONG_STATUS');
    const t = await this.deps.applcms.forHostId(this.deps.db, row.host_id);
    const doc = await t.client.getInstance(row.id);
    if (!doc) throw new NotFound(`The AppLCM of ${row.host_ip} does not know app instance ${id}.`, 'MEC_INSTANCE_NOT_ON_EDGE');
    return doc;
  }

  async uploadKubeconfig(tenant: string, hostIp: string, content: Buffer): Promise<Record<string, unknown>> {
    const t = await this.target(tenant, hostIp);
    if (t.host.tenant_id === null) throw new Conflict(`MEC host ${hostIp} is a platform host; its kubeconfig is not the tenant's to change.`, 'MEC_SHARED_RECORD');
    const answer = await t.client.uploadKubeconfig(hostIp, content);
    await this.setUploadStatus(t.host.id, tenant, 'Uploaded');
    return answer;
  }

  async deleteKubeconfig(tenant: string, hostIp: string): Promise<Record<string, unknown>> {
    const t = await this.target(tenant, hostIp);
    if (t.host.tenant_id === null) throw new Conflict(`MEC host ${hostIp} is a platform host; its kubeconfig is not the tenant's to change.`, 'MEC_SHARED_RECORD');
    await t.client.deleteKubeconfig(hostIp);
    await this.setUploadStatus(t.host.id, tenant, 'Deleted');
    return { hostIp, configUploadStatus: 'Deleted' };
  }

  private async setUploadStatus(hostId: string, tenant: string, status: string): Promise<void> {
    await this.deps.db.tx(async (tx) => {
      const row = await getEsr(tx, 'host', tenant, hostId, { forUpdate: true });
      if (!row) return;
      const doc: Record<string, unknown> = { ...row.doc, configUploadStatus: status, updateTime: new Date().toISOString() };
      await updateEsr(tx, 'host', { id: row.id, tenantId: tenant, name: String(doc.mechostName), doc, hostIp: row.host_ip, applcmId: row.applcm_id ?? null });
      await this.deps.candidates?.upsertCandidate(tx, hostCandidate(row.id, tenant, doc));
    });
  }
}
