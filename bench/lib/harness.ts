import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

// Shared benchmark plumbing: start the compiled mecano (or the bare-Fastify floor) as a child
// process on a loopback port, load it with autocannon for a bounded time, and report req/s and
// latency percentiles. Everything targets 127.0.0.1 only.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REPO = ROOT.endsWith('dist') ? path.dirname(ROOT) : ROOT;
export const CLI = path.join(REPO, 'dist/src/cli/main.js');
export const FLOOR = path.join(REPO, 'dist/bench/lib/floor.js');

export interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startProcess(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, MECANO_PORT: '0', MECANO_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 120_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /(?:listening at|LISTENING) (http:\/\/127\.0\.0\.1:\d+)/i.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          child,
          stop: () => new Promise((res) => {
            child.once('exit', () => res());
            child.kill('SIGTERM');
          }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${out}`));
    });
  });
}

export interface LoadResult {
  name: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export async function load(name: string, url: string, opts: { seconds?: number; connections?: number; headers?: Record<string, string> } = {}): Promise<LoadResult> {
  const r = await autocannon({ url, duration: opts.seconds ?? 5, connections: opts.connections ?? 10, headers: opts.headers });
  return {
    name,
    reqPerSec: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
