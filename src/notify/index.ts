import type { Registry } from 'prom-client';
import type { Db, Queryable } from '../store/db.js';
import { sharedSecret } from '../store/settings.js';
import { Credentials } from './auth.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import { CallbackGuard } from './callback-guard.js';
import { Delivery } from './delivery.js';
import { CallbackHttp } from './http-client.js';
import { notifyMetrics } from './metrics.js';
import { NotificationLog } from './notification-log.js';
import { Publisher } from './publish.js';
import type { LccnSubscriptionRequestInput, LcmSubscriptionDoc, PkgmSubscriptionRequestInput, PkgSubscriptionDoc } from './schemas.js';
import { SubscriptionService, type SubscriptionOps } from './subscription-service.js';
import { LCM_SPEC, PKG_SPEC } from './subscription-specs.js';
import { SILENT_LOGGER, type LcmEvent, type NotifyLogger, type PackageEvent } from './types.js';

// The notification subsystem behind one object: subscriptions (VNF LCM, VNF packages), the
// transactional outbox (publish* in the caller's transaction) and its delivery workers.

export type { LcmEvent, PackageEvent, VnfInstanceDoc, VnfLcmOpOccDoc, VnfPkgDoc, NotifyLogger } from './types.js';
export type { CreateResult, SubscriptionApi } from './subscription-service.js';
export type { LcmSubscriptionDoc, PkgSubscriptionDoc } from './schemas.js';
export type { NotificationLog } from './notification-log.js';

export interface NotifierOptions {
  /** Retries stop this long after the notification was written (default 24 h). */
  retryHorizonMs?: number;
  /** Per HTTP request: callbacks, test GETs, token requests (default 10 s). */
  requestTimeoutMs?: number;
  /** Idle poll of the delivery loop; nudge() and new work wake it earlier (default 1 s). */
  pollMs?: number;
  /** How long a claimed lane stays with a worker before others may take it (default 60 s). */
  leaseMs?: number;
  /** Loopback callback URIs (127/8, ::1, localhost) allowed (default true). */
  allowLoopbackCallbacks?: boolean;
  /** Extra denied callback targets: IPs, CIDRs, host names, "*.suffix". */
  callbackDenyList?: string[];
  /** When non-empty, callbacks may only go to these targets (same syntax); deny still wins. */
  callbackAllowList?: string[];
  /** Identical subscription: '303' See Other to the existing one (SOL003/SOL005, default) or '201' a new one (Tacker). */
  subscriptionConflict?: '303' | '201';
  /** Test the callback URI with a GET expecting 204 at creation (default true). */
  verifyCallback?: boolean;
  /** Rows taken per lane claim (default 100) and lanes delivered at once per process (default 8). */
  batchSize?: number;
  concurrency?: number;
  /** Retry backoff: first delay and cap (defaults 1 s and 5 min; equal jitter). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Delivered and failed rows are purged after this long (default 7 days). */
  retentionMs?: number;
  /** SOL013 page size of the list endpoints (default 100). */
  pageSize?: number;
  /** Paging-marker key; default the database's shared `paging_marker_key` setting. */
  markerKey?: Buffer;
}

export interface NotifierDeps {
  db: Db;
  baseUrl: () => string;
  registry: Registry;
  logger?: NotifyLogger;
  options?: NotifierOptions;
}

export type LcmSubscriptions = SubscriptionOps<LccnSubscriptionRequestInput, LcmSubscriptionDoc>;
export type PackageSubscriptions = SubscriptionOps<PkgmSubscriptionRequestInput, PkgSubscriptionDoc>;

export interface Notifier {
  /** VNF LCM subscriptions; `api` 'v2' by default ('v1' once its renderer exists). */
  lcm: LcmSubscriptions;
  /** /vnfpkgm/v1 subscriptions. */
  packages: PackageSubscriptions;
  /** The outbox as /mecano/v1/notifications shows it, and redelivery. */
  notifications: NotificationLog;
  /** Inside the caller's transaction: match subscriptions now and write one outbox row per match. */
  publishLcm(tx: Queryable, ev: LcmEvent): Promise<void>;
  publishPackage(tx: Queryable, ev: PackageEvent): Promise<void>;
  /** A durable one-off POST with retries (e.g. placement's answer to its callbackUrl); returns its id. */
  enqueueCallback(tx: Queryable, cb: { url: string; headers?: Record<string, string>; body: unknown; kind: string; correlationId?: string }): Promise<string>;
  /** Call after commit so delivery starts at once. */
  nudge(): void;
  start(): void;
  stop(): Promise<void>;
  /** Claims and delivers whatever is due now (tests, CLI); returns the number of POSTs made. */
  deliverOnce(): Promise<number>;
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const o = deps.options ?? {};
  const logger = deps.logger ?? SILENT_LOGGER;
  const horizonMs = o.retryHorizonMs ?? 24 * 3600_000;
  const guard = new CallbackGuard({ allowLoopback: o.allowLoopbackCallbacks ?? true, deny: o.callbackDenyList, allow: o.callbackAllowList });
  const http = new CallbackHttp(guard, o.requestTimeoutMs ?? 10_000);
  const credentials = new Credentials(http);
  let key: Promise<Buffer> | undefined = o.markerKey ? Promise.resolve(o.markerKey) : undefined;
  const markerKey = () =>
    (key ??= sharedSecret(deps.db, 'paging_marker_key').catch((e: unknown) => {
      key = undefined;
      throw e;
    }));
  const pageSize = o.pageSize ?? 100;
  const ctx = {
    db: deps.db,
    guard,
    http,
    credentials,
    conflict: o.subscriptionConflict ?? '303',
    verifyCallback: o.verifyCallback ?? true,
    pageSize,
    markerKey,
    // `delivery` is created below; deletions only happen after createNotifier returns.
    onDeleted: (id: string) => delivery.subscriptionDeleted(id),
  };
  const delivery = new Delivery({
    db: deps.db,
    http,
    credentials,
    metrics: notifyMetrics(deps.registry),
    logger,
    options: {
      leaseMs: o.leaseMs ?? 60_000,
      pollMs: o.pollMs ?? 1000,
      batch: o.batchSize ?? 100,
      concurrency: o.concurrency ?? 8,
      backoff: { baseMs: o.backoffBaseMs ?? DEFAULT_BACKOFF.baseMs, capMs: o.backoffCapMs ?? DEFAULT_BACKOFF.capMs },
      retentionMs: o.retentionMs ?? 7 * 24 * 3600_000,
    },
  });
  const publisher = new Publisher({ baseUrl: deps.baseUrl, guard, horizonMs, logger });
  return {
    lcm: new SubscriptionService(LCM_SPEC, ctx, 'v2'),
    packages: new SubscriptionService(PKG_SPEC, ctx, 'v1'),
    notifications: new NotificationLog({ db: deps.db, horizonMs, pageSize, markerKey, nudge: () => delivery.nudge() }),
    publishLcm: (tx, ev) => publisher.publishLcm(tx, ev),
    publishPackage: (tx, ev) => publisher.publishPackage(tx, ev),
    enqueueCallback: (tx, cb) => publisher.enqueueCallback(tx, cb),
    nudge: () => delivery.nudge(),
    start: () => delivery.start(),
    async stop() {
      await delivery.stop();
      await http.close();
    },
    deliverOnce: () => delivery.deliverOnce(),
  };
}
