import type { Queryable } from './db.js';

// What mecano's own instances occupy, read from the engine's records rather than kept as a
// counter: the VNFCs each instance's resources list per VIM (they follow instantiate, scale,
// heal and terminate as they complete, and a failed or rolled-back operation leaves exactly what
// it made), plus the requirement recorded by placement for instantiations still in progress.

export interface VnfcCount {
  vimId: string;
  pkgId: string;
  vduId: string;
  flavourId: string | null;
  n: number;
}

export interface InflightReservation {
  vimId: string;
  requirements: { vcpu?: number; memoryMb?: number; storageGb?: number };
}

// An instance whose INSTANTIATE is still running counts through its reservation (below), not
// through the VNFCs started so far, so it is never counted twice.
const INFLIGHT = `SELECT 1 FROM vnf_lcm_op_occs o WHERE o.vnf_instance_id = i.id AND o.operation = 'INSTANTIATE'
  AND o.operation_state IN ('STARTING', 'PROCESSING') AND o.progress -> 'plan' -> 'placement' ? 'requirements'`;

export async function vnfcCounts(q: Queryable): Promise<VnfcCount[]> {
  const r = await q.query<VnfcCount>(
    `SELECT i.resources ->> 'vimId' AS "vimId", v ->> 'pkgId' AS "pkgId", v ->> 'vduId' AS "vduId",
            i.doc -> 'instantiatedVnfInfo' ->> 'flavourId' AS "flavourId", count(*)::int AS n
     FROM vnf_instances i CROSS JOIN LATERAL jsonb_each(COALESCE(i.resources -> 'vnfcs', '{}'::jsonb)) AS e(k, v)
     WHERE i.resources ? 'vimId' AND NOT EXISTS (${INFLIGHT})
     GROUP BY 1, 2, 3, 4`,
  );
  return r.rows.map((x) => ({ ...x, n: Number(x.n) }));
}

export async function inflightReservations(q: Queryable): Promise<InflightReservation[]> {
  const r = await q.query<InflightReservation>(
    `SELECT o.progress -> 'plan' ->> 'vimId' AS "vimId", o.progress -> 'plan' -> 'placement' -> 'requirements' AS requirements
     FROM vnf_lcm_op_occs o
     WHERE o.operation = 'INSTANTIATE' AND o.operation_state IN ('STARTING', 'PROCESSING')
       AND o.progress -> 'plan' -> 'placement' ? 'requirements' AND o.progress -> 'plan' ? 'vimId'`,
  );
  return r.rows;
}

/** The parsed VNFD (SOL001 model) of each package. */
export async function vnfdModels(q: Queryable, pkgIds: string[]): Promise<Map<string, unknown>> {
  if (pkgIds.length === 0) return new Map();
  const r = await q.query<{ id: string; model: unknown }>('SELECT id::text AS id, vnfd_model AS model FROM vnf_packages WHERE id = ANY($1::uuid[]) AND vnfd_model IS NOT NULL', [pkgIds]);
  return new Map(r.rows.map((x) => [x.id, x.model]));
}
