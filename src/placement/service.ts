import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { NotFound } from '../errors.js';
import type { Db } from '../store/db.js';
import { listDocuments } from '../store/list.js';
import { closedSchema } from '../query/closed-schema.js';
import type { ListQuery, QuerySpec } from '../query/types.js';
import { getRequest, insertRequest, type PlacementRequestRow } from '../store/placement-requests.js';
import type { Notifier } from '../notify/index.js';
import { Inventory } from './inventory.js';
import { LicensePools } from './license-pools.js';
import type { PlacementProblem, PlacementResult } from './model.js';
import { buildOofProblem } from './oof-problem.js';
import { checkOofRequest, echoIds, type OofPlacementRequest } from './oof-request.js';
import type { PlacementOptions } from './options.js';
import { Policies } from './policies.js';
import { hardLimit, RequestRunner, type RunnerLog } from './request-runner.js';
import { DEFAULT_TIMEOUT_MS } from './solve.js';
import { SolverPool } from './worker-pool.js';

// The placement service behind /api/oof/v1/placement and /mecano/v1/placement/*: accepts OOF
// requests (synchronous checks, durable row), answers their status at any time, and owns the
// inventory, the policies, the licence pools, the solver threads and the request runner.

export interface Acceptance {
  status: 202 | 400;
  body: { requestId: string; transactionId: string; requestStatus: 'accepted' | 'failed'; statusMessage: string };
}

export interface PlacementServiceDeps {
  db: Db;
  notifier: Pick<Notifier, 'enqueueCallback' | 'nudge' | 'notifications'>;
  log: RunnerLog;
  pageSize: number;
  markerKey: Buffer;
  options: PlacementOptions & { leaseMs: number; pollMs?: number; concurrency?: number };
}

const open = { additionalProperties: true } as const;
const RequestDocSchema = Type.Object({
  requestId: Type.String(),
  transactionId: Type.String(),
  requestStatus: Type.String(),
  statusMessage: Type.String(),
  requestType: Type.String(),
  sourceId: Type.String(),
  serviceName: Type.String(),
  serviceInstanceId: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Optional(Type.String({ format: 'date-time' })),
  solutions: Type.Optional(Type.Object({}, open)),
  placement: Type.Optional(Type.Object({}, open)),
  callback: Type.Object({}, open),
});
const REQUEST_QUERY: QuerySpec = { resource: 'PlacementRequest', schema: closedSchema(RequestDocSchema), defaultExcluded: ['placement', 'solutions'] };

function shownUrl(raw: string): string {
  const u = new URL(raw);
  u.username = '';
  u.password = '';
  return u.toString();
}

export class PlacementService {
  readonly inventory: Inventory;
  readonly policies: Policies;
  readonly licenses: LicensePools;
  private readonly pool: SolverPool;
  private readonly runner: RequestRunner;

  constructor(private readonly deps: PlacementServiceDeps) {
    const base = { db: deps.db, pageSize: deps.pageSize, markerKey: deps.markerKey };
    this.inventory = new Inventory(base);
    this.policies = new Policies(base);
    this.licenses = new LicensePools(base);
    this.pool = new SolverPool(deps.options.threads);
    const o = deps.options;
    this.runner = new RequestRunner({
      db: deps.db,
      build: this,
      pool: this.pool,
      callbacks: deps.notifier,
      log: deps.log,
      options: { leaseMs: o.leaseMs, pollMs: o.pollMs ?? 1000, concurrency: o.concurrency ?? 4, rehomeThreshold: o.rehomeThreshold, maxSolveMs: o.maxSolveMs },
    });
  }

  async init(): Promise<void> {
    await this.inventory.normalise();
  }

  start(): void {
    this.runner.start();
  }

  /** Stops claiming, gives back what is being solved (its lease is released), ends the threads. */
  async stop(): Promise<void> {
    const stopped = this.runner.stop();
    await this.pool.close();
    await stopped;
  }

  /** A solve on a solver thread, bounded by the problem's own timeout (the LCM placement hook). */
  solve(problem: PlacementProblem): Promise<PlacementResult> {
    return this.pool.solve(problem, hardLimit(problem.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  }

  async accept(body: unknown): Promise<Acceptance> {
    const ids = echoIds(body);
    const refuse = (errors: string[]): Acceptance => ({ status: 400, body: { ...ids, requestStatus: 'failed', statusMessage: `The request cannot be accepted: ${errors.join('; ')}.` } });
    const errors = checkOofRequest(body);
    if (errors.length > 0) return refuse(errors);
    const req = body as OofPlacementRequest;
    const bodyHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const existing = await getRequest(this.deps.db, ids.requestId);
    if (existing) return duplicate(existing, bodyHash);
    const check = await buildOofProblem(this.deps.db, this, req, { rehomeThreshold: this.deps.options.rehomeThreshold, timeoutMs: 1, checkOnly: true });
    if (check.errors.length > 0) return refuse(check.errors);
    const { callbackHeader, ...requestInfo } = req.requestInfo;
    const stored = { ...req, requestInfo };
    const doc = {
      ...ids,
      requestStatus: 'accepted',
      statusMessage: '',
      requestType: req.requestInfo.requestType,
      sourceId: req.requestInfo.sourceId,
      serviceName: req.serviceInfo.serviceName,
      serviceInstanceId: req.serviceInfo.serviceInstanceId,
      createdAt: new Date().toISOString(),
      callback: { url: shownUrl(req.requestInfo.callbackUrl) },
    };
    const created = await insertRequest(this.deps.db, { requestId: ids.requestId, transactionId: ids.transactionId, state: 'accepted', bodyHash, body: stored, callbackHeader, doc });
    if (!created) return duplicate((await getRequest(this.deps.db, ids.requestId))!, bodyHash);
    this.runner.nudge();
    return { status: 202, body: { ...ids, requestStatus: 'accepted', statusMessage: '' } };
  }

  /** The request's status, solutions and explanation, with the callback's delivery state now. */
  async get(requestId: string): Promise<Record<string, unknown>> {
    const row = await getRequest(this.deps.db, requestId);
    if (!row) throw new NotFound(`Placement request ${requestId} not found.`, 'PLACEMENT_REQUEST_NOT_FOUND');
    return this.withDelivery(row.doc);
  }

  list(query: ListQuery): Promise<{ items: Partial<Record<string, unknown>>[]; nextMarker?: string }> {
    return listDocuments<Record<string, unknown>>(this.deps.db, { table: 'placement_requests', spec: REQUEST_QUERY, query, pageSize: this.deps.pageSize, markerKey: this.deps.markerKey });
  }

  private async withDelivery(doc: Record<string, unknown>): Promise<Record<string, unknown>> {
    const cb = doc.callback as { notificationId?: string } | undefined;
    if (!cb?.notificationId) return doc;
    const n = await this.deps.notifier.notifications.get(cb.notificationId).catch(() => undefined);
    if (!n) return doc;
    const delivery = Object.fromEntries(['state', 'attempts', 'lastStatus', 'lastError', 'nextAttemptAt', 'deliveredAt'].filter((k) => n[k] !== undefined).map((k) => [k, n[k]]));
    return { ...doc, callback: { ...cb, ...delivery } };
  }
}

function duplicate(row: PlacementRequestRow, bodyHash: string): Acceptance {
  const created = String(row.doc.createdAt ?? '');
  const differs = row.bodyHash !== bodyHash ? ' The body of this call differs from the accepted one and was ignored.' : '';
  return {
    status: 202,
    body: { requestId: row.requestId, transactionId: row.transactionId, requestStatus: 'accepted', statusMessage: `Request ${row.requestId} was already accepted at ${created}; its status is ${row.state}.${differs}` },
  };
}
