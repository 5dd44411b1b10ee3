import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import { NotFound, Unprocessable } from '../errors.js';
import { listDocuments } from '../store/list.js';
import type { ListQuery, QuerySpec } from '../query/types.js';
import {
  deleteSubscription,
  findByDedupKey,
  getSubscription,
  insertSubscription,
  lockDedupKey,
  subscriptionScope,
  SUBSCRIPTIONS_TABLE,
  type SubscriptionFamily,
} from '../store/subscriptions.js';
import { normalizeAuthentication, TokenError, type Credentials, type StoredAuth } from './auth.js';
import type { CallbackGuard } from './callback-guard.js';
import type { CallbackHttp } from './http-client.js';
import type { SubscriptionAuthenticationInput } from './schemas.js';

// Subscriptions of one family (VNF LCM or VNF packages): create with the callback test and the
// duplicate rule, list (SOL013), read, delete. Each API version is a separate view (`api`).

export interface FamilySpec<Req, Doc> {
  family: SubscriptionFamily;
  /** Resource name in messages, as Tacker words them: "LccnSubscription <id> not found." */
  resource: string;
  query: QuerySpec;
  /** Checks what the schema cannot (400) and builds the stored document. */
  buildDoc(id: string, req: Req): Doc;
  /** What makes two subscriptions identical (SOL003 5.4.18.3.1: callbackUri and filter). */
  identity(doc: Doc): unknown;
  /** Headers of the callback test GET for an API version (e.g. Version). */
  testHeaders(api: string): Record<string, string>;
}

export interface SubscriptionRequest {
  callbackUri: string;
  authentication?: SubscriptionAuthenticationInput;
}

export interface CreateResult<Doc> {
  /** false: an identical subscription exists and is returned instead (303 See Other). */
  created: boolean;
  subscription: Doc;
}

export interface SubscriptionApi {
  api?: string;
}

export interface SubscriptionOps<Req, Doc> {
  create(req: Req, opts?: SubscriptionApi): Promise<CreateResult<Doc>>;
  list(query: ListQuery, opts?: SubscriptionApi): Promise<{ items: Partial<Doc>[]; nextMarker?: string }>;
  get(id: string, opts?: SubscriptionApi): Promise<Doc>;
  delete(id: string, opts?: SubscriptionApi): Promise<void>;
}

export interface ServiceContext {
  db: Db;
  guard: CallbackGuard;
  http: CallbackHttp;
  credentials: Credentials;
  conflict: '303' | '201';
  verifyCallback: boolean;
  pageSize: number;
  markerKey: () => Promise<Buffer>;
  /** After a deletion commits (stops this process's lane of it at once). */
  onDeleted: (id: string) => void;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** JSON with sorted keys, and `{}` / `[]` members dropped, so equal filters give equal text. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).sort().join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined && canonical(x) !== '{}' && canonical(x) !== '[]')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export class SubscriptionService<Req extends SubscriptionRequest, Doc extends { id: string; callbackUri: string }> implements SubscriptionOps<Req, Doc> {
  constructor(
    private readonly spec: FamilySpec<Req, Doc>,
    private readonly ctx: ServiceContext,
    private readonly defaultApi: string,
  ) {}

  async create(req: Req, opts: SubscriptionApi = {}): Promise<CreateResult<Doc>> {
    const api = opts.api ?? this.defaultApi;
    const { db, guard } = this.ctx;
    await guard.check(req.callbackUri);
    const auth = normalizeAuthentication(req.authentication, guard);
    const doc = this.spec.buildDoc(randomUUID(), req);
    const dedupKey = createHash('sha256').update(canonical([this.spec.family, api, this.spec.identity(doc)])).digest('hex');
    if (this.ctx.conflict === '303') {
      const existing = await findByDedupKey<Doc>(db, dedupKey);
      if (existing) return { created: false, subscription: existing };
    }
    // Network I/O stays outside the transaction (PGlite has one connection for everyone).
    if (this.ctx.verifyCallback) await this.testCallback(req.callbackUri, auth, api);
    return db.tx(async (tx) => {
      if (this.ctx.conflict === '303') {
        await lockDedupKey(tx, dedupKey);
        const existing = await findByDedupKey<Doc>(tx, dedupKey);
        if (existing) return { created: false, subscription: existing };
      }
      await insertSubscription(tx, { id: doc.id, family: this.spec.family, api, dedupKey, auth, doc });
      return { created: true, subscription: doc };
    });
  }

  async list(query: ListQuery, opts: SubscriptionApi = {}): Promise<{ items: Partial<Doc>[]; nextMarker?: string }> {
    return listDocuments<Doc>(this.ctx.db, {
      table: SUBSCRIPTIONS_TABLE,
      spec: this.spec.query,
      query,
      pageSize: this.ctx.pageSize,
      markerKey: await this.ctx.markerKey(),
      where: subscriptionScope(this.spec.family, opts.api ?? this.defaultApi),
    });
  }

  async get(id: string, opts: SubscriptionApi = {}): Promise<Doc> {
    const doc = UUID_RE.test(id) ? await getSubscription<Doc>(this.ctx.db, this.spec.family, opts.api ?? this.defaultApi, id) : undefined;
    if (!doc) throw this.notFound(id);
    return doc;
  }

  async delete(id: string, opts: SubscriptionApi = {}): Promise<void> {
    const scope = { family: this.spec.family, api: opts.api ?? this.defaultApi };
    const gone = UUID_RE.test(id) && (await this.ctx.db.tx((tx) => deleteSubscription(tx, id, scope)));
    if (!gone) throw this.notFound(id);
    this.ctx.onDeleted(id);
  }

  private notFound(id: string): NotFound {
    return new NotFound(`${this.spec.resource} ${id} not found.`, 'SUBSCRIPTION_NOT_FOUND');
  }

  /**
   * SOL013 / SOL003 5.4.18.3.1: the endpoint must answer a GET with 204 before the subscription
   * exists. The 422 says what the endpoint did instead (Tacker answers 500 for transport errors).
   */
  private async testCallback(uri: string, auth: StoredAuth | null, api: string): Promise<void> {
    const { http, credentials } = this.ctx;
    let authHeaders: Record<string, string>;
    try {
      authHeaders = await credentials.headers(auth);
    } catch (e) {
      const why = e instanceof TokenError ? e.message : `token request failed (${(e as Error).message})`;
      throw new Unprocessable(`Could not obtain an OAuth 2.0 token for the callback test: ${why}.`, 'CALLBACK_TEST_FAILED');
    }
    let res;
    try {
      res = await http.send('GET', uri, { Accept: 'application/json', ...this.spec.testHeaders(api), ...authHeaders }, undefined, { text: true });
    } catch (e) {
      throw new Unprocessable(`callbackUri could not be reached for the test GET: ${(e as Error).message}.`, 'CALLBACK_TEST_FAILED');
    }
    if (res.status !== 204) {
      const snippet = res.text.trim().slice(0, 200);
      throw new Unprocessable(
        `callbackUri answered the test GET with ${res.status}${snippet ? ` (${snippet})` : ''}; it must answer 204 No Content.`,
        'CALLBACK_TEST_FAILED',
        { callbackStatus: res.status },
      );
    }
  }
}
