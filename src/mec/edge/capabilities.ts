import type { Db } from '../../store/db.js';
import { listEdgeInstances } from '../../store/mec-instances.js';
import { listEdgePackages } from '../../store/mec-packages.js';
import type { MecAppd } from '../appd.js';
import { checkPathIp, checkTenant } from '../validate.js';
import type { EdgeAppLcm } from './applcm.js';

// mep-capabilities of a host (MEP mm5 shape, reference §3.7: capabilityId, capabilityName,
// status, version, consumers): the services this edge platform itself offers, plus every
// service an app running there produces according to its AppD, with the apps whose AppD
// requires that service as consumers. ACTIVE only while the producing app is Instantiated and
// all its processes run.

export interface Capability {
  capabilityId: string;
  capabilityName: string;
  status: 'ACTIVE' | 'INACTIVE';
  version: string;
  producer?: { appInstanceId: string; appName: string };
  consumers: { applicationInstanceId: string }[];
}

export async function mepCapabilities(deps: { db: Db; applcm: EdgeAppLcm; version: string }, tenant: string, hostIp: string): Promise<Capability[]> {
  checkTenant(tenant);
  checkPathIp(hostIp, 'host_ip');
  const appdOf = new Map((await listEdgePackages(deps.db, tenant, hostIp)).map((p) => [p.app_pkg_id, p.doc.appd as MecAppd]));
  const apps = await Promise.all((await listEdgeInstances(deps.db, { tenant, hostIp })).map(async (r) => ({ row: r, view: await deps.applcm.view(r) })));
  const platform: Capability[] = [
    { capabilityId: 'mecano-applcm', capabilityName: 'AppLCM', status: 'ACTIVE', version: deps.version, consumers: [] },
    { capabilityId: 'mecano-node-kpi', capabilityName: 'NodeKPI', status: 'ACTIVE', version: deps.version, consumers: [] },
  ];
  const produced: Capability[] = [];
  for (const a of apps) {
    for (const s of appdOf.get(a.row.app_pkg_id)?.appServiceProduced ?? []) {
      const running = a.view.status === 'Instantiated' && (a.view.vnfcs as { state: string }[]).every((v) => v.state === 'running');
      const consumers = apps
        .filter((c) => c.row.app_instance_id !== a.row.app_instance_id && (appdOf.get(c.row.app_pkg_id)?.appServiceRequired ?? []).some((r) => r.serName === s.serName))
        .map((c) => ({ applicationInstanceId: c.row.app_instance_id }));
      produced.push({
        capabilityId: `${s.serName}.${a.row.app_instance_id}`,
        capabilityName: s.serName,
        status: running ? 'ACTIVE' : 'INACTIVE',
        version: s.version ?? '',
        producer: { appInstanceId: a.row.app_instance_id, appName: a.row.app_name },
        consumers,
      });
    }
  }
  return [...platform, ...produced];
}
