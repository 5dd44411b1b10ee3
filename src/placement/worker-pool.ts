import { Worker } from 'node:worker_threads';
import { ProblemError } from '../errors.js';
import type { PlacementProblem, PlacementResult } from './model.js';
import type { SolveReplyMessage, SolveRequestMessage } from './worker.js';

// Solver threads for the HTTP-facing process: solvePlacement is CPU-bound (HiGHS runs
// synchronously), so it runs here and the event loop keeps serving requests. Threads start on
// first use and are kept (HiGHS loads once per thread, ~60 ms). A solve that overruns its hard
// limit has its thread terminated: the solver honours its own timeoutMs, so this only catches a
// runaway model, and the next solve gets a fresh thread.

export class SolverTimeout extends ProblemError {
  constructor(ms: number) {
    super(504, 'PLACEMENT_SOLVER_TIMEOUT', `The solver did not finish within ${ms} ms; its thread was stopped.`);
  }
}

interface Job {
  problem: PlacementProblem;
  hardTimeoutMs: number;
  resolve(r: PlacementResult): void;
  reject(e: unknown): void;
}

interface Slot {
  worker?: Worker;
  job?: Job & { id: number; timer: NodeJS.Timeout };
}

function spawn(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./worker.js', self));
  // Running from TypeScript sources (tests, tsx): a thread does not inherit the tsx loader, so a
  // small bootstrap registers it before importing the entry.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', self).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true });
}

export class SolverPool {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(size = 1) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => ({}));
  }

  solve(problem: PlacementProblem, hardTimeoutMs: number): Promise<PlacementResult> {
    if (this.closed) return Promise.reject(new ProblemError(503, 'PLACEMENT_SOLVER_CLOSED', 'The solver is shutting down.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ problem, hardTimeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new ProblemError(503, 'PLACEMENT_SOLVER_CLOSED', 'The solver is shutting down.'));
    await Promise.all(this.slots.map((s) => this.reset(s, new ProblemError(503, 'PLACEMENT_SOLVER_CLOSED', 'The solver is shutting down.'))));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      const worker = (slot.worker ??= this.attach(slot));
      const timer = setTimeout(() => void this.reset(slot, new SolverTimeout(job.hardTimeoutMs)), job.hardTimeoutMs);
      slot.job = { ...job, id, timer };
      worker.postMessage({ id, problem: job.problem } satisfies SolveRequestMessage);
    }
  }

  private attach(slot: Slot): Worker {
    const w = spawn();
    w.unref();
    w.on('message', (msg: SolveReplyMessage) => {
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      clearTimeout(job.timer);
      slot.job = undefined;
      if ('result' in msg) job.resolve(msg.result);
      else if (msg.error.status) job.reject(new ProblemError(msg.error.status, msg.error.code ?? 'PLACEMENT_ERROR', msg.error.message, { extra: msg.error.extra }));
      else job.reject(new Error(`solver failed: ${msg.error.message}`));
      this.dispatch();
    });
    const lost = (why: string) => {
      if (slot.worker !== w) return;
      void this.reset(slot, new Error(`solver thread ${why}`));
    };
    w.on('error', (e) => lost(`failed: ${e.message}`));
    w.on('exit', (code) => lost(`exited with code ${code}`));
    return w;
  }

  /** Ends the slot's thread and fails its job; the next dispatch starts a new thread. */
  private async reset(slot: Slot, why: unknown): Promise<void> {
    const { worker, job } = slot;
    slot.worker = undefined;
    slot.job = undefined;
    if (job) {
      clearTimeout(job.timer);
      job.reject(why);
    }
    if (worker) await worker.terminate().catch(() => undefined);
    if (!this.closed) this.dispatch();
  }
}
