import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildSample } from '../../scripts/build-samples.js';
import { http } from '../helpers/app.js';

// Helpers of the MEC tests: tenants, sample MEC packages built from samples/mec, and polling.

export const TENANT_A = '1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
export const TENANT_B = '2a3b4c5d-6e7f-4081-9203-a4b5c6d7e8f9';
/** appId of samples/mec/location-service: location-consumer's AppD requires it. */
export const PROVIDER_APP_ID = '5d0c7a341f2e4b6a9c8d7e6f5a4b3c21';
export const MEC_SAMPLES = path.resolve('samples/mec');

export const hex32 = () => randomBytes(16).toString('hex');
export const providerPkgId = () => PROVIDER_APP_ID + hex32();

export type Http = Awaited<ReturnType<typeof http>>;

export function call(base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Http> {
  return http(base, method, url, { body, headers });
}

export async function sampleCsar(name: 'location-service' | 'location-consumer', dir: string, overrides?: Record<string, string | null>): Promise<Buffer> {
  const file = await buildSample(name, dir, { sourceDir: path.join(MEC_SAMPLES, name), fileName: `${name}-${hex32()}.csar`, overrides });
  return readFile(file);
}

/** POST /tenant/{t}/package/{id} with the CSAR as a raw body; hostList distributes at once. */
export async function upload(base: string, tenant: string, appPkgId: string, csar: Buffer, hostList: string[] = []): Promise<Http> {
  const q = hostList.length ? `?hostList=${hostList.join(',')}` : '';
  return http(base, 'POST', `/tenant/${tenant}/package/${appPkgId}${q}`, { raw: csar, headers: { 'content-type': 'application/zip' } });
}

export async function until<T>(what: string, fn: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (done(last)) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 2000)}`);
    await sleep(everyMs);
  }
}

export async function waitStatus(base: string, tenant: string, id: string, statuses: string[], timeoutMs = 90_000): Promise<Record<string, any>> {
  const r = await until(
    `app instance ${id} in ${statuses.join('|')}`,
    () => call(base, 'GET', `/mec/v1/mgmt/tenant/${tenant}/app_instance/${id}`),
    (x) => x.status === 200 && statuses.includes(x.body.operationalStatus),
    timeoutMs,
  );
  return r.body;
}

export async function waitGone(base: string, tenant: string, id: string, timeoutMs = 60_000): Promise<void> {
  await until(`app instance ${id} removed`, () => call(base, 'GET', `/mec/v1/mgmt/tenant/${tenant}/app_instance/${id}`), (x) => x.status === 404, timeoutMs);
}

export async function waitDistribution(base: string, tenant: string, appPkgId: string, hostIp: string, statuses: string[], timeoutMs = 60_000): Promise<Record<string, any>> {
  const r = await until(
    `package ${appPkgId} on ${hostIp} in ${statuses.join('|')}`,
    () => call(base, 'GET', `/tenant/${tenant}/package/${appPkgId}`),
    (x) => x.status === 200 && (x.body.mecHostInfo as { hostIp: string; status: string }[]).some((h) => h.hostIp === hostIp && statuses.includes(h.status)),
    timeoutMs,
  );
  return (r.body.mecHostInfo as Record<string, any>[]).find((h) => h.hostIp === hostIp)!;
}

/** A problem+json answer with this status; returns its body. */
export function problem(r: Http, status: number): Record<string, any> {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text.slice(0, 500)}`);
  assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
  return r.body;
}

export function invalidNames(r: Http): string[] {
  return ((problem(r, 400).invalidParams ?? []) as { name: string }[]).map((p) => p.name).sort();
}

/** GET an app's /health from the test process (over whatever link reaches it). */
export async function appHealth(ip: string, timeoutMs = 3000): Promise<{ status: number; body: any } | { error: string }> {
  try {
    const r = await fetch(`http://${ip}:8080/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: r.status, body: await r.json() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
