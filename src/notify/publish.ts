import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.js';
import { insertNotifications, type NewNotification } from '../store/outbox.js';
import { subscriptionsOf } from '../store/subscriptions.js';
import type { CallbackGuard } from './callback-guard.js';
import { matchesLcm, matchesPackage } from './match.js';
import { LCM_RENDERERS } from './lcm-renderers.js';
import { PKG_HEADERS, renderPackage } from './render-pkg.js';
import type { LcmSubscriptionDoc, PkgSubscriptionDoc } from './schemas.js';
import type { LcmEvent, NotifyLogger, PackageEvent } from './types.js';

// The write side of the outbox. Runs inside the caller's transaction: subscriptions are matched
// at the moment of the state change and one row per match is written with it, so a notification
// exists if and only if the state change committed.

export interface PublisherDeps {
  baseUrl: () => string;
  guard: CallbackGuard;
  horizonMs: number;
  logger: NotifyLogger;
}

/** SOL003/SOL005 DateTime; seconds precision as Tacker sends it (tacker-v2.md §6.3). */
const timeStamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The URL as the record shows it: without user-info credentials. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

function record(id: string, subscriptionId: string | null, kind: string, url: string, correlationId?: string): Record<string, unknown> {
  const doc: Record<string, unknown> = { id, notificationType: kind, callbackUri: shown(url) };
  if (subscriptionId) doc.subscriptionId = subscriptionId;
  if (correlationId !== undefined) doc.correlationId = correlationId;
  return doc;
}

export class Publisher {
  constructor(private readonly deps: PublisherDeps) {}

  async publishLcm(tx: Queryable, ev: LcmEvent): Promise<void> {
    const subs = await subscriptionsOf<LcmSubscriptionDoc>(tx, 'vnflcm');
    const base = this.deps.baseUrl();
    const rows: NewNotification[] = [];
    for (const s of subs) {
      if (!matchesLcm(s.doc.filter, ev)) continue;
      const renderer = LCM_RENDERERS[s.api];
      if (!renderer) {
        this.deps.logger.warn({ subscriptionId: s.id, api: s.api }, 'no notification renderer for this API version; notification skipped');
        continue;
      }
      const id = randomUUID();
      const body = renderer.render(ev, s.doc, { base, notificationId: id, timeStamp: timeStamp() });
      const target = { url: s.doc.callbackUri, headers: renderer.headers };
      rows.push({ id, subscriptionId: s.id, kind: ev.type, target, payload: JSON.stringify(body), doc: record(id, s.id, ev.type, s.doc.callbackUri) });
    }
    await insertNotifications(tx, rows, this.deps.horizonMs);
  }

  /**
   * NOTE: a package without vnfdId (never onboarded, e.g. deleted after a failed upload) gets no
   * notification: SOL005 9.5.2.8/9.5.2.9 make vnfdId mandatory in both notification types.
   */
  async publishPackage(tx: Queryable, ev: PackageEvent): Promise<void> {
    if (typeof ev.pkg.vnfdId !== 'string' || ev.pkg.vnfdId === '') return;
    const subs = await subscriptionsOf<PkgSubscriptionDoc>(tx, 'vnfpkgm');
    const base = this.deps.baseUrl();
    const rows: NewNotification[] = [];
    for (const s of subs) {
      if (!matchesPackage(s.doc.filter, ev)) continue;
      const id = randomUUID();
      const body = renderPackage(ev, s.doc, { base, notificationId: id, timeStamp: timeStamp() });
      const target = { url: s.doc.callbackUri, headers: PKG_HEADERS };
      rows.push({ id, subscriptionId: s.id, kind: ev.type, target, payload: JSON.stringify(body), doc: record(id, s.id, ev.type, s.doc.callbackUri) });
    }
    await insertNotifications(tx, rows, this.deps.horizonMs);
  }

  /** A durable one-off POST (e.g. a placement answer to its callbackUrl); throws 400/422 for a bad URL. */
  async enqueueCallback(
    tx: Queryable,
    cb: { url: string; headers?: Record<string, string>; body: unknown; kind: string; correlationId?: string },
  ): Promise<string> {
    this.deps.guard.parse(cb.url, 'callbackUrl');
    const id = randomUUID();
    const row: NewNotification = {
      id,
      subscriptionId: null,
      kind: cb.kind,
      correlationId: cb.correlationId,
      target: { url: cb.url, headers: cb.headers },
      payload: JSON.stringify(cb.body ?? null),
      doc: record(id, null, cb.kind, cb.url, cb.correlationId),
    };
    await insertNotifications(tx, [row], this.deps.horizonMs);
    return id;
  }
}
