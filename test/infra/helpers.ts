import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

// Shared pieces of the local driver tests: a tiny VNFC program, commands run inside a namespace,
// and readiness polling.

const run = promisify(execFile);

/** An HTTP VNFC: GET /health describes itself; GET /peer?addr=host:port fetches a peer's /health. */
const VNFC_SERVER = `#!/usr/bin/env node
import http from 'node:http';
import os from 'node:os';
const port = Number(process.env.MECANO_HTTP_PORT);
const host = process.env.MECANO_LISTEN_IP;
const cpEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MECANO_')));
function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://vnfc');
  if (url.pathname === '/health') {
    const ifaces = Object.fromEntries(Object.entries(os.networkInterfaces()).map(([k, v]) => [k, v.filter((a) => a.family === 'IPv4').map((a) => a.address)]));
    return send(res, 200, { ok: true, vnfcId: process.env.MECANO_VNFC_ID, pid: process.pid, env: cpEnv, ifaces, secret: process.env.MECANO_TEST_SECRET ?? null });
  }
  if (url.pathname === '/peer') {
    try {
      const r = await fetch('http://' + url.searchParams.get('addr') + '/health', { signal: AbortSignal.timeout(3000) });
      return send(res, 200, { via: process.env.MECANO_VNFC_ID, peer: await r.json() });
    } catch (e) {
      return send(res, 502, { error: String(e) });
    }
  }
  send(res, 404, { error: 'not found' });
});
server.listen(port, host, () => console.log('listening on ' + host + ':' + port));
process.on('SIGTERM', () => {
  console.log('got SIGTERM');
  server.close();
  process.exit(0);
});
`;

const FAILING = `#!/bin/sh
echo "fail-vnfc starting"
echo "fatal: missing configuration file /etc/vnfc.conf" >&2
exit 3
`;

/** Ignores SIGTERM, so a graceful stop has to end with SIGKILL. */
const STUBBORN = `#!/bin/sh
trap '' TERM
echo "stubborn up"
while true; do sleep 1; done
`;

export interface Fixtures {
  dir: string;
  server: string;
  failing: string;
  stubborn: string;
  logDir: string;
  cleanup(): Promise<void>;
}

export async function makeFixtures(): Promise<Fixtures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mecano-infra-'));
  const server = path.join(dir, 'vnfc-server.mjs');
  const failing = path.join(dir, 'fail-vnfc.sh');
  const stubborn = path.join(dir, 'stubborn-vnfc.sh');
  await writeFile(server, VNFC_SERVER);
  await writeFile(failing, FAILING);
  await writeFile(stubborn, STUBBORN);
  for (const f of [server, failing, stubborn]) await chmod(f, 0o755);
  return { dir, server, failing, stubborn, logDir: path.join(dir, 'logs'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** GET a URL with Node's fetch, from inside a namespace when `netns` is given. */
export async function httpGet(url: string, netns?: string): Promise<{ status: number; body: unknown }> {
  const script = `fetch(process.argv[1], { signal: AbortSignal.timeout(4000) })
    .then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.json() })))
    .catch((e) => { process.stderr.write(String(e)); process.exit(1); })`;
  const cmd = netns ? 'ip' : process.execPath;
  const args = netns ? ['netns', 'exec', netns, process.execPath, '-e', script, url] : ['-e', script, url];
  // A clean environment: the test runner's variables must not leak into the probe.
  const { stdout } = await run(cmd, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 10_000 });
  return JSON.parse(stdout) as { status: number; body: unknown };
}

/** Polls until the URL answers 200 (a fresh VNFC needs a moment to listen). */
export async function waitHttp(url: string, netns?: string, timeoutMs = 8000): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const r = await httpGet(url, netns);
      if (r.status === 200) return r;
      last = r;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`${url}${netns ? ` in ${netns}` : ''} did not answer 200: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

export async function sh(cmd: string, args: string[]): Promise<string> {
  return (await run(cmd, args, { timeout: 15_000 })).stdout;
}

export async function kernelNames(): Promise<{ netns: string[]; links: string[] }> {
  const ns = (await sh('ip', ['netns', 'list'])).split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
  const links = (await sh('ip', ['-o', 'link'])).split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0]).filter(Boolean) as string[];
  return { netns: ns, links };
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(25);
  }
  return check();
}
