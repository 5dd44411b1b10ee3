import { spawn, type ChildProcess } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { isLiveState, isSameProcessAlive, readStat } from './procfs.js';

// Starting VNFC processes detached from mecano and stopping them again. A VNFC is the leader of
// its own session and process group (setsid through `detached: true`), writes to log files rather
// than pipes, and is unref()ed: like a VM it outlives the mecano process that started it.

export interface SpawnSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  outPath: string;
  errPath: string;
}

export type StartOutcome =
  | { kind: 'alive'; pid: number; startTime: number }
  | { kind: 'exited'; code: number | null; signal: string | null }
  | { kind: 'error'; message: string };

/** Byte sizes of the logs before the spawn, so the failure tail only shows this run's output. */
export interface LogMarks {
  out: number;
  err: number;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

export async function logMarks(outPath: string, errPath: string): Promise<LogMarks> {
  return { out: await sizeOf(outPath), err: await sizeOf(errPath) };
}

export async function spawnDetached(spec: SpawnSpec): Promise<ChildProcess> {
  const out = await open(spec.outPath, 'a', 0o640);
  const err = await open(spec.errPath, 'a', 0o640);
  try {
    return spawn(spec.command, spec.args, { detached: true, stdio: ['ignore', out.fd, err.fd], env: spec.env });
  } finally {
    // The child holds its own copies of the descriptors after fork.
    await out.close();
    await err.close();
  }
}

/**
 * Waits `graceMs` for the process to fail; one that is still alive afterwards is considered
 * started. Then it is unref()ed so that it never holds mecano's event loop open.
 */
export async function awaitStart(child: ChildProcess, graceMs: number): Promise<StartOutcome> {
  const early = await new Promise<StartOutcome | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), graceMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ kind: 'exited', code, signal });
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ kind: 'error', message: e.message });
    });
  });
  child.removeAllListeners('exit');
  child.removeAllListeners('error');
  // A later 'error' (e.g. a failed kill) must not crash mecano as an unhandled event.
  child.on('error', () => undefined);
  child.unref();
  if (early) return early;
  const st = child.pid === undefined ? undefined : await readStat(child.pid);
  if (!st || !isLiveState(st.state)) return { kind: 'exited', code: child.exitCode, signal: child.signalCode };
  return { kind: 'alive', pid: st.pid, startTime: st.startTime };
}

/** The last `n` lines written to `path` after byte offset `from`. */
export async function tailLines(path: string, from: number, n: number, maxBytes = 64 * 1024): Promise<string[]> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = (await fh.stat()).size;
    const start = Math.max(from, size - maxBytes);
    const buf = Buffer.alloc(Math.max(0, size - start));
    await fh.read(buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n').map((l) => l.trimEnd());
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-n);
  } finally {
    await fh.close();
  }
}

/** Signals a whole process group; false when it no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

/** Polls until the process is gone (or a zombie); true if it died within `timeoutMs`. */
export async function waitForExit(pid: number, startTime: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 100)) {
    if (!(await isSameProcessAlive(pid, startTime))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
  }
}

const handedOut = new Set<number>();

/**
 * A free TCP port on 127.0.0.1 for a loopback-mode VNFC. The kernel picks it; ports already given
 * to a VNFC by this process are skipped, since the VNFC may not have bound its port yet.
 */
export async function freeLoopbackPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    if (port > 0 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('could not find a free loopback port');
}

export function releaseLoopbackPort(port: number): void {
  handedOut.delete(port);
}
