import type { Db } from '../store/db.js';
import type { InfraDriver, LinkResource, VnfcResource } from '../infra/driver.js';
import { getInstance, updateInstance } from '../store/vnf-instances.js';
import type { InstanceResources } from './model.js';

// Keeps instantiatedVnfInfo true to what runs: at start and periodically, each recorded VNFC is
// checked with the driver; a dead one shows vnfcState STOPPED (and can be healed), a revived
// (healed) one STARTED again. Runs beside operations: it only writes when the state changed,
// inside a transaction that re-reads the instance.

export async function reconcileOnce(db: Db, driver: InfraDriver): Promise<{ dead: string[] }> {
  const rows = await db.query<{ id: string; resources: InstanceResources }>(`SELECT id, resources FROM vnf_instances WHERE instantiation_state = 'INSTANTIATED'`);
  const dead: string[] = [];
  for (const row of rows.rows) {
    const vnfcs = Object.values(row.resources?.vnfcs ?? {});
    if (vnfcs.length === 0) continue;
    const report = await driver.reconcile({
      links: Object.values(row.resources.links ?? {}).map((l) => l.resource as unknown as LinkResource),
      vnfcs: vnfcs.map((v) => v.resource as unknown as VnfcResource),
    });
    const deadHere = new Set(report.dead);
    dead.push(...deadHere);
    await db.tx(async (tx) => {
      const inst = await getInstance(tx, row.id, { forUpdate: true });
      const info = inst?.doc.instantiatedVnfInfo;
      if (!inst || !info?.vnfcInfo) return;
      let changed = false;
      for (const v of info.vnfcInfo) {
        const state = deadHere.has(v.vnfcResourceInfoId) ? 'STOPPED' : 'STARTED';
        if (v.vnfcState !== state) {
          v.vnfcState = state;
          changed = true;
        }
      }
      if (changed) await updateInstance(tx, inst.doc);
    });
  }
  return { dead };
}

/** Everything the database says the local driver made, for `mecano local gc`. */
export async function ownedResources(db: Db): Promise<{ links: LinkResource[]; vnfcs: VnfcResource[] }> {
  const rows = await db.query<{ resources: InstanceResources }>('SELECT resources FROM vnf_instances');
  return {
    links: rows.rows.flatMap((r) => Object.values(r.resources?.links ?? {}).map((l) => l.resource as unknown as LinkResource)),
    vnfcs: rows.rows.flatMap((r) => Object.values(r.resources?.vnfcs ?? {}).map((v) => v.resource as unknown as VnfcResource)),
  };
}
