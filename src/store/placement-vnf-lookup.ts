import type { Queryable } from './db.js';

// OOF candidates named through a VNF (identifierType serviceInstanceId, vnfName, vmId) resolve
// to the VIM the VNF runs on: mecano's VNF instance id, instance name, or VNFC id.

export interface VnfLocation {
  instanceId: string;
  name: string | null;
  vimId: string;
  vnfcIds: string[];
}

export async function locateVnfs(q: Queryable, ids: { instanceIds: string[]; names: string[]; vnfcIds: string[] }): Promise<VnfLocation[]> {
  if (ids.instanceIds.length + ids.names.length + ids.vnfcIds.length === 0) return [];
  const r = await q.query<VnfLocation>(
    `SELECT id::text AS "instanceId", doc ->> 'vnfInstanceName' AS name, resources ->> 'vimId' AS "vimId",
            ARRAY(SELECT jsonb_object_keys(COALESCE(resources -> 'vnfcs', '{}'::jsonb))) AS "vnfcIds"
     FROM vnf_instances
     WHERE resources ? 'vimId' AND (id::text = ANY($1::text[]) OR doc ->> 'vnfInstanceName' = ANY($2::text[]) OR COALESCE(resources -> 'vnfcs', '{}'::jsonb) ?| $3::text[])`,
    [ids.instanceIds, ids.names, ids.vnfcIds],
  );
  return r.rows;
}
