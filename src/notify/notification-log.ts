import type { Db } from '../store/db.js';
import { Conflict, NotFound } from '../errors.js';
import { listDocuments } from '../store/list.js';
import type { ListQuery } from '../query/types.js';
import { getNotification, NOTIFICATION_RECORDS_VIEW, requeue } from '../store/outbox.js';
import { subscriptionExists } from '../store/subscriptions.js';
import { NOTIFICATION_QUERY } from './schemas.js';

// mecano's view of the outbox (/mecano/v1/notifications): what was sent where, how often it was
// tried, the last answer, and a manual redelivery.

export interface NotificationLogDeps {
  db: Db;
  horizonMs: number;
  pageSize: number;
  markerKey: () => Promise<Buffer>;
  nudge: () => void;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class NotificationLog {
  constructor(private readonly deps: NotificationLogDeps) {}

  async list(query: ListQuery): Promise<{ items: Partial<Record<string, unknown>>[]; nextMarker?: string }> {
    return listDocuments<Record<string, unknown>>(this.deps.db, {
      table: NOTIFICATION_RECORDS_VIEW,
      spec: NOTIFICATION_QUERY,
      query,
      pageSize: this.deps.pageSize,
      markerKey: await this.deps.markerKey(),
    });
  }

  async get(id: string): Promise<Record<string, unknown>> {
    const row = UUID_RE.test(id) ? await getNotification(this.deps.db, id) : undefined;
    if (!row) throw notFound(id);
    return row.doc;
  }

  /**
   * Queues a notification again, with a fresh retry horizon, whatever its state. Its
   * subscription must still exist (409 otherwise: deleting a subscription ends its deliveries).
   */
  async redeliver(id: string): Promise<Record<string, unknown>> {
    if (!UUID_RE.test(id)) throw notFound(id);
    const doc = await this.deps.db.tx(async (tx) => {
      const row = await getNotification(tx, id, { forUpdate: true });
      if (!row) throw notFound(id);
      if (row.subscriptionId && !(await subscriptionExists(tx, row.subscriptionId))) {
        throw new Conflict(`Notification ${id} belongs to subscription ${row.subscriptionId}, which no longer exists.`, 'NOTIFICATION_SUBSCRIPTION_GONE');
      }
      await requeue(tx, id, this.deps.horizonMs);
      return (await getNotification(tx, id))!.doc;
    });
    this.deps.nudge();
    return doc;
  }
}

function notFound(id: string): NotFound {
  return new NotFound(`Notification ${id} not found.`, 'NOTIFICATION_NOT_FOUND');
}
