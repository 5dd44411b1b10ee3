import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import { WorkerLoop } from '../runtime/worker-loop.js';
import { claimDistribution, extendDistributionLease, finishDistribution, getMecPackage, type PackageHostRow } from '../store/mec-packages.js';
import { AppLcmTimeout } from './applcm-client.js';
import type { AppLcms } from './applcms.js';
import type { MecPackageStore } from './package-store.js';

// Sends packages to the AppLCMs of their hosts, one (package, host) at a time and several at
// once, each independent of the others (EdgeGallery aborted the whole host loop at the first
// failure, leaving later hosts Processing forever). A row is claimed with a lease that the
// sender extends while the upload streams; a sender that dies leaves a Distributing row whose
// lease expires, and the next claim resends it (the edge's PUT is idempotent).

export interface DistributionOptions {
  leaseMs?: number;
  concurrency?: number;
  pollMs?: number;
}

export class DistributionWorker {
  readonly owner = `distribution-${randomUUID()}`;
  private readonly loop: WorkerLoop<PackageHostRow>;
  private readonly leaseMs: number;

  constructor(private readonly deps: { db: Db; store: MecPackageStore; applcms: AppLcms; log: { warn(o: object, m?: string): void; info(o: object, m?: string): void }; options?: DistributionOptions }) {
    this.leaseMs = deps.options?.leaseMs ?? 60_000;
    this.loop = new WorkerLoop({
      name: 'mec-distribution',
      fetch: () => claimDistribution(deps.db, this.owner, this.leaseMs),
      handle: (row) => this.send(row),
      pollMs: deps.options?.pollMs ?? 1000,
      concurrency: deps.options?.concurrency ?? 4,
      onError: (err) => deps.log.warn({ err }, 'distribution loop error'),
    });
  }

  start(): void {
    this.loop.start();
  }
  nudge(): void {
    this.loop.nudge();
  }
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async send(row: PackageHostRow): Promise<void> {
    const { db } = this.deps;
    const hb = setInterval(() => {
      extendDistributionLease(db, row.app_pkg_id, row.host_id, this.owner, this.leaseMs).catch(() => undefined);
    }, Math.max(200, Math.floor(this.leaseMs / 3)));
    let status = 'Distributed';
    let error: string | null = null;
    try {
      const pkg = await getMecPackage(db, row.app_pkg_id);
      if (!pkg) return;
      const target = await this.deps.applcms.forHostId(db, row.host_id);
      const content = await this.deps.store.content(pkg.vnf_pkg_id);
      const answer = await target.client.putPackage(row.tenant_id, row.host_ip, row.app_pkg_id, content.stream, content.size);
      if (answer.status !== 'Distributed') {
        status = 'Error';
        error = `the AppLCM answered status ${String(answer.status)}`;
      }
    } catch (e) {
      status = e instanceof AppLcmTimeout ? 'Timeout' : 'Error';
      error = (e as Error).message;
    } finally {
      clearInterval(hb);
    }
    const ok = await finishDistribution(db, row.app_pkg_id, row.host_id, this.owner, status, error);
    if (ok) this.deps.log.info({ appPkgId: row.app_pkg_id, hostIp: row.host_ip, status, error }, 'app package distribution ended');
  }
}
