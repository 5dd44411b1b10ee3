import { setTimeout as sleep } from 'node:timers/promises';

// One generic background loop (modelled on pg-boss's Worker): fetch → handle → wait, where the
// wait is cut short by nudge() (new work was just committed) or stop(). Fetch errors back off
// exponentially instead of spinning; handler errors are reported, never thrown into the void.

export interface WorkerLoopOptions<J> {
  name: string;
  /** Claims the next unit of work, or returns undefined when there is none. */
  fetch: () => Promise<J | undefined>;
  handle: (job: J, signal: AbortSignal) => Promise<void>;
  /** Idle poll interval (ms); nudge() wakes the loop earlier. */
  pollMs: number;
  maxBackoffMs?: number;
  onError?: (err: unknown, phase: 'fetch' | 'handle') => void;
  /** How many jobs may run at once in this loop. */
  concurrency?: number;
}

export class WorkerLoop<J> {
  private running = false;
  private wake: AbortController = new AbortController();
  private readonly stopCtl = new AbortController();
  private readonly active = new Set<Promise<void>>();
  private loopDone: Promise<void> = Promise.resolve();

  constructor(private readonly opts: WorkerLoopOptions<J>) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** New work is available: stop waiting. */
  nudge(): void {
    this.wake.abort();
  }

  /** Stops fetching, aborts the signal handed to running jobs, and waits for them. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopCtl.abort();
    this.wake.abort();
    await this.loopDone;
    await Promise.allSettled([...this.active]);
  }

  private async loop(): Promise<void> {
    let backoff = 0;
    const concurrency = this.opts.concurrency ?? 1;
    while (this.running) {
      if (this.active.size >= concurrency) {
        await Promise.race(this.active);
        continue;
      }
      let job: J | undefined;
      try {
        job = await this.opts.fetch();
        backoff = 0;
      } catch (err) {
        this.opts.onError?.(err, 'fetch');
        backoff = Math.min(backoff ? backoff * 2 : 100, this.opts.maxBackoffMs ?? 5000);
        await this.idle(backoff);
        continue;
      }
      if (job === undefined) {
        await this.idle(this.opts.pollMs);
        continue;
      }
      const p = this.opts
        .handle(job, this.stopCtl.signal)
        .catch((err) => this.opts.onError?.(err, 'handle'))
        .finally(() => this.active.delete(p));
      this.active.add(p);
    }
  }

  private async idle(ms: number): Promise<void> {
    if (this.wake.signal.aborted) {
      this.wake = new AbortController();
      return;
    }
    const race: Promise<unknown>[] = [sleep(ms, undefined, { signal: this.wake.signal }).catch(() => undefined)];
    if (this.active.size > 0) race.push(Promise.race(this.active));
    await Promise.race(race);
    if (this.wake.signal.aborted) this.wake = new AbortController();
  }
}
