import type { Queryable } from './db.js';
import type { Sealed } from '../mec/secrets.js';

// Kubeconfigs uploaded to an AppLCM, one per host, sealed (never stored or returned in clear).

export async function upsertKubeconfig(q: Queryable, hostIp: string, sealed: Sealed, size: number): Promise<void> {
  await q.query(
    `INSERT INTO mec_edge_kubeconfigs (host_ip, sealed, size) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (host_ip) DO UPDATE SET sealed = EXCLUDED.sealed, size = EXCLUDED.size, updated_at = now()`,
    [hostIp, JSON.stringify(sealed), size],
  );
}

export async function getKubeconfig(q: Queryable, hostIp: string): Promise<{ sealed: Sealed; size: number; updated_at: string } | undefined> {
  const r = await q.query<{ sealed: Sealed; size: number; updated_at: string }>(
    `SELECT sealed, size, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at FROM mec_edge_kubeconfigs WHERE host_ip = $1`,
    [hostIp],
  );
  return r.rows[0];
}

export async function deleteKubeconfig(q: Queryable, hostIp: string): Promise<boolean> {
  return (await q.query('DELETE FROM mec_edge_kubeconfigs WHERE host_ip = $1', [hostIp])).rowCount > 0;
}
