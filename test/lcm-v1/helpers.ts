import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { http as request } from '../helpers/app.js';

// Helpers for /vnflcm/v1 tests: calls without a Version header (v1 does not require it), waiting
// for an occurrence through v1, and a loopback notification receiver.

export const v1 = (base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  request(base, method, `/vnflcm/v1${url}`, { body, headers });

const SETTLED = ['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK'];

export async function waitOpV1(base: string, opId: string, timeoutMs = 60_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await v1(base, 'GET', `/vnf_lcm_op_occs/${opId}`);
    assert.equal(r.status, 200, r.text);
    if (SETTLED.includes(r.body.operationState)) return r.body;
    if (Date.now() > until) throw new Error(`operation ${opId} still ${r.body.operationState} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Starts an operation over v1 (202 + Location under /vnflcm/v1) and waits for it to settle. */
export async function runOpV1(base: string, url: string, body?: unknown, method = 'POST'): Promise<any> {
  const r = await v1(base, method, url, body);
  assert.equal(r.status, 202, r.text);
  const loc = r.headers.get('location');
  assert.match(String(loc), /\/vnflcm\/v1\/vnf_lcm_op_occs\/[0-9a-f-]{36}$/);
  return waitOpV1(base, loc!.split('/').pop()!);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).startsWith('Z');
  } catch {
    return false;
  }
}

export interface Receiver {
  url: string;
  received: { headers: http.IncomingHttpHeaders; body: any }[];
  close(): Promise<void>;
}

/** A callback endpoint: 204 to the subscription test GET, records every POSTed notification. */
export async function startReceiver(): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST') received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
