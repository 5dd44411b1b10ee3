import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../store/db.js';
import { NotFound, ProblemError } from '../errors.js';
import { deleteMecSubscription, getMecSubscription, insertMecSubscription, listMecSubscriptions } from '../store/mec-subscriptions.js';
import { MEC_STATUSES } from './model.js';
import { checkPathUuid, checkTenant, rules, validateBody, type BodySpec, type Rule } from './validate.js';

// Subscriptions to MEC app-instance status changes, so clients need not poll (EdgeGallery's
// portal polls every second). Notifications are written to the shared outbox in the same
// transaction as the status change (durable POST with retries), never sent from here directly.

export const NOTIFICATION_TYPE = 'AppInstanceStatusNotification';
const STATUSES = [...MEC_STATUSES, 'Deleted'];

const uuidList: Rule = (v) => (!Array.isArray(v) ? 'must be an array of UUIDs' : v.length > 50 ? 'must have at most 50 entries' : v.every((x) => rules.uuid()(x) === undefined) ? undefined : 'entries must be UUIDs');
const statusList: Rule = (v) => (Array.isArray(v) && v.every((x) => STATUSES.includes(String(x))) ? undefined : `must be an array of ${STATUSES.join(', ')}`);

const SPEC: BodySpec = {
  callbackUri: { rule: rules.url(1024), required: true, aliases: ['callbackUrl'] },
  appInstanceIds: { rule: uuidList },
  statuses: { rule: statusList },
};

export interface StatusChange {
  tenantId: string;
  appInstanceId: string;
  appName: string;
  appPackageId: string;
  mecHost: string | null;
  previousStatus: string | null;
  operationalStatus: string;
  operationInfo: string;
}

export interface Enqueue {
  enqueueCallback(tx: Queryable, cb: { url: string; body: unknown; kind: string; correlationId?: string }): Promise<string>;
}

export class MecSubscriptions {
  constructor(private readonly deps: { db: Db; outbox: Enqueue; baseUrl: () => string; log: { warn(o: object, m?: string): void } }) {}

  private view(id: string, tenant: string, doc: Record<string, unknown>): Record<string, unknown> {
    return { subscriptionId: id, ...doc, _links: { self: { href: `${this.deps.baseUrl()}/mec/v1/mgmt/tenant/${tenant}/subscriptions/${id}` } } };
  }

  async create(tenant: string, body: unknown): Promise<Record<string, unknown>> {
    checkTenant(tenant);
    const v = validateBody(body, SPEC, 'subscription');
    const id = randomUUID();
    const doc = { callbackUri: v.callbackUri, ...(v.appInstanceIds ? { appInstanceIds: (v.appInstanceIds as string[]).map((x) => x.toLowerCase()) } : {}), ...(v.statuses ? { statuses: v.statuses } : {}), createTime: new Date().toISOString() };
    await insertMecSubscription(this.deps.db, { id, tenant_id: tenant, doc });
    return this.view(id, tenant, doc);
  }

  async list(tenant: string): Promise<Record<string, unknown>[]> {
    checkTenant(tenant);
    return (await listMecSubscriptions(this.deps.db, tenant)).map((r) => this.view(r.id, tenant, r.doc));
  }

  async get(tenant: string, id: string): Promise<Record<string, unknown>> {
    checkTenant(tenant);
    const row = await getMecSubscription(this.deps.db, tenant, checkPathUuid(id, 'subscriptionId'));
    if (!row) throw new NotFound(`No subscription ${id} for this tenant.`, 'MEC_SUBSCRIPTION_NOT_FOUND');
    return this.view(row.id, tenant, row.doc);
  }

  async delete(tenant: string, id: string): Promise<void> {
    checkTenant(tenant);
    if (!(await deleteMecSubscription(this.deps.db, tenant, checkPathUuid(id, 'subscriptionId')))) throw new NotFound(`No subscription ${id} for this tenant.`, 'MEC_SUBSCRIPTION_NOT_FOUND');
  }

  /** Inside the status change's transaction: one outbox row per matching subscription. */
  async notify(tx: Queryable, change: StatusChange): Promise<void> {
    const base = this.deps.baseUrl();
    for (const s of await listMecSubscriptions(tx, change.tenantId)) {
      const ids = s.doc.appInstanceIds as string[] | undefined;
      const statuses = s.doc.statuses as string[] | undefined;
      if (ids && !ids.includes(change.appInstanceId)) continue;
      if (statuses && !statuses.includes(change.operationalStatus)) continue;
      const body = {
        notificationType: NOTIFICATION_TYPE,
        subscriptionId: s.id,
        timeStamp: new Date().toISOString(),
        ...change,
        _links: {
          subscription: { href: `${base}/mec/v1/mgmt/tenant/${change.tenantId}/subscriptions/${s.id}` },
          appInstance: { href: `${base}/mec/v1/mgmt/tenant/${change.tenantId}/app_instance/${change.appInstanceId}` },
        },
      };
      try {
        await this.deps.outbox.enqueueCallback(tx, { url: String(s.doc.callbackUri), body, kind: NOTIFICATION_TYPE, correlationId: change.appInstanceId });
      } catch (e) {
        // The callback policy refused the URI (checked before any SQL): skip this subscriber,
        // never fail the engine's transaction for it.
        if (!(e instanceof ProblemError)) throw e;
        this.deps.log.warn({ subscriptionId: s.id, err: e.message }, 'MEC notification not queued: callback refused by policy');
      }
    }
  }
}
