import type { Db } from '../store/db.js';
import { allApplcms } from '../store/mec-esr.js';
import { AppLcmRejected } from './applcm-client.js';
import type { AppLcms } from './applcms.js';

// GET /mec/v1/mgmt/esr/health_check: the registry's database and every registered AppLCM,
// each asked (with its registered credentials) for its health in parallel. UP: all are healthy;
// DEGRADED: the database answers, some AppLCM is unreachable, refuses the credentials or is not
// healthy; DOWN (503): the database does not answer.
// NOTE: EdgeGallery's /inventory/v1/health only says "ok" for the inventory process itself.

export interface ApplcmHealth {
  applcmId: string;
  applcmName: string;
  endpoint: string;
  /** It answered HTTP at all. */
  reachable: boolean;
  /** It accepted the registered credentials. */
  authenticated: boolean;
  /** It answered its health request with success (an AppLCM, up). */
  healthy: boolean;
  latencyMs: number;
  error?: string;
}

export async function esrHealth(deps: { db: Db; applcms: AppLcms }): Promise<{ status: 'UP' | 'DEGRADED' | 'DOWN'; body: Record<string, unknown> }> {
  const t0 = Date.now();
  try {
    await deps.db.query('SELECT 1');
  } catch (e) {
    return { status: 'DOWN', body: { status: 'DOWN', database: { kind: deps.db.kind, reachable: false, error: (e as Error).message }, applcms: [] } };
  }
  const database = { kind: deps.db.kind, reachable: true, latencyMs: Date.now() - t0 };
  const rows = await allApplcms(deps.db);
  const applcms: ApplcmHealth[] = await Promise.all(
    rows.map(async (row) => {
      const client = deps.applcms.client(row);
      const start = Date.now();
      const base = { applcmId: row.id, applcmName: String(row.doc.applcmName), endpoint: client.base };
      try {
        await client.health();
        return { ...base, reachable: true, authenticated: true, healthy: true, latencyMs: Date.now() - start };
      } catch (e) {
        const answered = e instanceof AppLcmRejected;
        const refusedAuth = answered && (e.edgeStatus === 401 || e.edgeStatus === 403);
        return { ...base, reachable: answered, authenticated: answered && !refusedAuth, healthy: false, latencyMs: Date.now() - start, error: (e as Error).message };
      }
    }),
  );
  const status = applcms.every((a) => a.healthy) ? 'UP' : 'DEGRADED';
  return { status, body: { status, database, applcms } };
}
