import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { buildSample } from '../../scripts/build-samples.js';
import { http } from './app.js';

// Helpers for lifecycle tests: onboard a sample package over the API, call /vnflcm/v2, wait for
// an op occurrence to settle.

export const V2 = { Version: '2.0.0' };

export async function onboardSample(base: string, name: string, dir: string, opts: Parameters<typeof buildSample>[2] = {}): Promise<{ pkgId: string; vnfdId: string }> {
  const csar = await buildSample(name, dir, opts);
  const created = await http(base, 'POST', '/vnfpkgm/v1/vnf_packages', { body: {} });
  assert.equal(created.status, 201);
  const up = await fetch(`${base}/vnfpkgm/v1/vnf_packages/${created.body.id}/package_content`, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: await readFile(csar) });
  assert.equal(up.status, 202, await up.text());
  const pkg = await http(base, 'GET', `/vnfpkgm/v1/vnf_packages/${created.body.id}`);
  assert.equal(pkg.body.onboardingState, 'ONBOARDED', JSON.stringify(pkg.body.onboardingFailureDetails));
  return { pkgId: created.body.id, vnfdId: pkg.body.vnfdId };
}

export const v2 = (base: string, method: string, url: string, body?: unknown) => http(base, method, `/vnflcm/v2${url}`, { body, headers: V2 });

const SETTLED = ['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK'];

/** Polls an op occurrence until it leaves STARTING/PROCESSING/ROLLING_BACK. */
export async function waitOp(base: string, location: string, timeoutMs = 60_000): Promise<any> {
  const url = new URL(location).pathname.replace(/^\/vnflcm\/v2/, '');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await v2(base, 'GET', url);
    assert.equal(r.status, 200);
    if (SETTLED.includes(r.body.operationState)) return r.body;
    if (Date.now() > until) throw new Error(`operation still ${r.body.operationState} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Starts an operation and waits for its occurrence to settle. */
export async function runOp(base: string, url: string, body?: unknown, method = 'POST'): Promise<any> {
  const r = await v2(base, method, url, body);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const loc = r.headers.get('location');
  assert.ok(loc, 'Location of the op occurrence');
  return waitOp(base, loc);
}
