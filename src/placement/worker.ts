import { parentPort } from 'node:worker_threads';
import { ProblemError } from '../errors.js';
import { solvePlacement } from './solve.js';
import type { PlacementProblem } from './model.js';

// Entry of a solver thread (worker-pool.ts). HiGHS runs synchronously in WebAssembly, so a
// solve here never blocks the HTTP event loop. One message in, one message out; the thread
// keeps its HiGHS runtime between solves.

export interface SolveRequestMessage {
  id: number;
  problem: PlacementProblem;
}

export type SolveReplyMessage =
  | { id: number; result: Awaited<ReturnType<typeof solvePlacement>> }
  | { id: number; error: { status?: number; code?: string; message: string; extra?: Record<string, unknown> } };

const port = parentPort;
if (port) {
  port.on('message', (msg: SolveRequestMessage) => {
    solvePlacement(msg.problem).then(
      (result) => port.postMessage({ id: msg.id, result } satisfies SolveReplyMessage),
      (e: unknown) => {
        const error = e instanceof ProblemError
          ? { status: e.status, code: e.code, message: e.message, extra: e.extra }
          : { message: e instanceof Error ? e.message : String(e) };
        port.postMessage({ id: msg.id, error } satisfies SolveReplyMessage);
      },
    );
  });
}
