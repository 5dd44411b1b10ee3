import type { Queryable } from '../store/db.js';
import { Unprocessable } from '../errors.js';
import { findHostByIp, getEsr, type EsrRow } from '../store/mec-esr.js';
import { AppLcmClient, type AppLcmClientOptions } from './applcm-client.js';
import type { Esr } from './esr.js';
import { checkPathIp } from './validate.js';

// From a registered MEC host to the client of the AppLCM that manages it (its credentials
// opened from the registry), the way EdgeGallery resolves host → mepmIp → mepmPort, in one
// database read instead of two inventory calls.

export interface HostTarget {
  host: EsrRow;
  applcm: EsrRow;
  client: AppLcmClient;
}

export class AppLcms {
  constructor(private readonly deps: { esr: Esr; options?: AppLcmClientOptions }) {}

  client(applcm: EsrRow): AppLcmClient {
    const secret = this.deps.esr.openSecret(applcm);
    const d = applcm.doc;
    return new AppLcmClient(
      { scheme: d.scheme === 'https' ? 'https' : 'http', ip: String(d.applcmIp), port: Number(d.applcmPort), userName: (d.userName as string | undefined) ?? '', password: secret.password },
      this.deps.options,
    );
  }

  /** The tenant's host (or a platform host) with this IP and its AppLCM; 404/422 otherwise. */
  async forHostIp(q: Queryable, tenant: string, hostIp: string): Promise<HostTarget> {
    checkPathIp(hostIp);
    const host = await findHostByIp(q, tenant, hostIp);
    if (!host) throw new Unprocessable(`MEC host ${hostIp} is not registered for this tenant.`, 'MEC_HOST_NOT_FOUND', { invalidParams: [{ name: 'hostIp', reason: 'no such MEC host' }] });
    return this.forHost(q, host);
  }

  async forHostId(q: Queryable, hostId: string): Promise<HostTarget> {
    const r = await q.query<EsrRow>(`SELECT id, tenant_id, doc, NULL::jsonb AS secret, host_ip, applcm_id FROM mec_hosts WHERE id = $1`, [hostId]);
    if (!r.rows[0]) throw new Unprocessable(`MEC host ${hostId} is no longer registered.`, 'MEC_HOST_NOT_FOUND');
    return this.forHost(q, r.rows[0]);
  }

  async forHost(q: Queryable, host: EsrRow): Promise<HostTarget> {
    const applcm = host.applcm_id ? await getEsr(q, 'applcm', host.tenant_id, host.applcm_id, { shared: true }) : undefined;
    if (!applcm) throw new Unprocessable(`MEC host ${host.host_ip} has no AppLCM; link one (applcmId or applcmIp) in the registry.`, 'MEC_HOST_NO_APPLCM');
    return { host, applcm, client: this.client(applcm) };
  }
}
