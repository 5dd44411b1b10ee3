import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../store/db.js';
import { ProblemError } from '../errors.js';
import { WorkerLoop } from '../runtime/worker-loop.js';
import { allocate, releaseService } from '../store/placement-licenses.js';
import { claimRequest, extendLease, finishRequest, releaseRequest, type PlacementRequestRow } from '../store/placement-requests.js';
import type { PlacementResult } from './model.js';
import { buildOofProblem, type BuildDeps, type BuiltProblem } from './oof-problem.js';
import { DEFAULT_TIMEOUT_S, type OofPlacementRequest } from './oof-request.js';
import { describeExplanation, statusMessage, toOofSolutions, type OofSolutions } from './oof-response.js';
import type { SolverPool } from './worker-pool.js';

// The asynchronous half of the OOF API: claim an accepted request (lease), build its problem
// from the inventory and policies as they are now, solve it on a solver thread, then in one
// transaction record the answer, the licence allocations and the callback (outbox row), so the
// callback exists if and only if the answer does. A process that dies mid-solve leaves a lease
// that expires; the request is solved again (at most MAX_ATTEMPTS times).

export const CALLBACK_KIND = 'OofPlacementCallback';
export const MAX_ATTEMPTS = 3;

export interface CallbackSink {
  enqueueCallback(tx: Queryable, cb: { url: string; headers?: Record<string, string>; body: unknown; kind: string; correlationId?: string }): Promise<string>;
  nudge(): void;
}

export interface RunnerOptions {
  leaseMs: number;
  pollMs: number;
  concurrency: number;
  rehomeThreshold: number;
  maxSolveMs: number;
}

export interface RunnerLog {
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

const now = () => new Date().toISOString();

/** The solver's budget inside the request's timeout, and the hard stop of its thread. */
export function budgets(timeoutS: number, maxSolveMs: number): { solveMs: number; hardMs: number } {
  const solveMs = Math.max(100, Math.min(maxSolveMs, timeoutS * 900));
  return { solveMs, hardMs: hardLimit(solveMs) };
}

/** The solver may overrun its budget to explain an infeasibility (min(2 s, 10 %)); 5 s more for the thread. */
export function hardLimit(solveMs: number): number {
  return solveMs + Math.min(2000, 0.1 * solveMs) + 5000;
}

export class RequestRunner {
  readonly owner = `placement-${randomUUID()}`;
  private readonly loop: WorkerLoop<PlacementRequestRow>;

  constructor(private readonly deps: { db: Db; build: BuildDeps; pool: SolverPool; callbacks: CallbackSink; log: RunnerLog; options: RunnerOptions }) {
    const o = deps.options;
    this.loop = new WorkerLoop({
      name: 'placement-requests',
      fetch: () => claimRequest(deps.db, this.owner, o.leaseMs),
      handle: (row, signal) => this.handle(row, signal),
      pollMs: o.pollMs,
      concurrency: o.concurrency,
      onError: (err, phase) => deps.log.error({ err, phase }, 'placement request runner error'),
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

  private async handle(row: PlacementRequestRow, signal: AbortSignal): Promise<void> {
    const { db, options } = this.deps;
    const hb = setInterval(() => {
      extendLease(db, row.requestId, this.owner, options.leaseMs).catch((err) => this.deps.log.warn({ err, requestId: row.requestId }, 'placement lease heartbeat failed'));
    }, Math.max(200, Math.floor(options.leaseMs / 3)));
    try {
      const req = row.body as unknown as OofPlacementRequest;
      if (row.attempts > MAX_ATTEMPTS) {
        return await this.finish(row, 'failed', `The request was interrupted ${row.attempts - 1} times (the mecano process solving it stopped) and was not tried again.`);
      }
      if (req.requestInfo.requestType === 'delete') {
        const n = await releaseService(db, req.serviceInfo.serviceInstanceId);
        return await this.finish(row, 'completed', `Released ${n} licence allocation(s) of service instance ${req.serviceInfo.serviceInstanceId}.`, { placementSolutions: [], licenseSolutions: [] });
      }
      await this.solveAndFinish(row, req, signal);
    } finally {
      clearInterval(hb);
    }
  }

  private async solveAndFinish(row: PlacementRequestRow, req: OofPlacementRequest, signal: AbortSignal): Promise<void> {
    const { solveMs, hardMs } = budgets(req.requestInfo.timeout ?? DEFAULT_TIMEOUT_S, this.deps.options.maxSolveMs);
    const { built, errors } = await buildOofProblem(this.deps.db, this.deps.build, req, { rehomeThreshold: this.deps.options.rehomeThreshold, timeoutMs: solveMs });
    if (!built) return this.finish(row, 'failed', `The request cannot be solved as the inventory and policies are now: ${errors.join('; ')}.`);
    let result: PlacementResult;
    try {
      result = await this.deps.pool.solve(built.problem, hardMs);
    } catch (e) {
      // Stopping: give the request back for the next process instead of failing it.
      if (signal.aborted) return releaseRequest(this.deps.db, row.requestId, this.owner);
      if (!(e instanceof ProblemError)) throw e;
      return this.finish(row, 'failed', `The solver failed: ${e.message}`);
    }
    const placed = result.solutions.length > 0;
    const solutions = placed ? toOofSolutions(result, built.records, built.existingVia) : { placementSolutions: [], licenseSolutions: [] };
    await this.finish(row, placed ? 'completed' : 'failed', statusMessage(result, built.records), solutions, { result, built });
  }

  private async finish(row: PlacementRequestRow, status: 'completed' | 'failed', message: string, solutions: OofSolutions = { placementSolutions: [], licenseSolutions: [] }, solved?: { result: PlacementResult; built: BuiltProblem }): Promise<void> {
    const req = row.body as unknown as OofPlacementRequest;
    const answer = { requestId: row.requestId, transactionId: row.transactionId, requestStatus: status, statusMessage: message, solutions };
    const doc: Record<string, unknown> = { ...row.doc, ...answer, completedAt: now() };
    if (solved) doc.placement = placementRecord(solved.result, solved.built);
    try {
      await this.deps.db.tx(async (tx) => {
        if (status === 'completed' && solved) {
          for (const l of solved.result.licenseSolutions) {
            await allocate(tx, { serviceInstanceId: req.serviceInfo.serviceInstanceId, serviceResourceId: l.serviceResourceId, poolId: l.poolId, requestId: row.requestId });
          }
        }
        const headers = row.callbackHeader ?? undefined;
        const notificationId = await this.deps.callbacks.enqueueCallback(tx, { url: req.requestInfo.callbackUrl, headers, body: answer, kind: CALLBACK_KIND, correlationId: row.requestId });
        doc.callback = { ...(doc.callback as object), notificationId };
        if (!(await finishRequest(tx, row.requestId, this.owner, status, doc))) throw new LeaseLost();
      });
    } catch (e) {
      if (!(e instanceof LeaseLost)) throw e;
      this.deps.log.warn({ requestId: row.requestId }, 'placement request was taken over by another worker; its answer is theirs');
      return;
    }
    this.deps.callbacks.nudge();
  }
}

/** The fenced write failed: the transaction rolls back, so no second callback is queued. */
class LeaseLost extends Error {
  constructor() {
    super('placement request lease lost');
  }
}

function placementRecord(result: PlacementResult, built: BuiltProblem): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    status: result.status,
    stats: result.stats,
    policies: built.applied,
    notes: built.notes,
    explanation: describeExplanation(result.explanation.perDemand, built.records),
    objectives: result.solutions.map((s) => s.objective),
  };
  if (result.gap !== undefined) rec.gap = result.gap;
  if (result.infeasibility) rec.infeasibility = result.infeasibility;
  return rec;
}
