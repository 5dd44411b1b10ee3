import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { onboardSample, runOp, v2 } from '../helpers/lcm.js';

// --no-netns (or no root): VNFCs are plain processes on loopback ports, and the health document
// says which mode is active.

let t: TestApp;
let dir: string;
before(async () => {
  t = await startTestApp({ netns: false });
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-lo-'));
});
after(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('loopback mode', () => {
  it('runs the VNFCs on 127.0.0.1 and reports the mode', async () => {
    const health = await http(t.url, 'GET', '/mecano/v1/health');
    assert.equal(health.body.infrastructure.mode, 'loopback');
    const pkg = await onboardSample(t.url, 'single-vdu', dir);
    const id = (await v2(t.url, 'POST', '/vnf_instances', { vnfdId: pkg.vnfdId })).body.id;
    const op = await runOp(t.url, `/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    const vnfc = (await v2(t.url, 'GET', `/vnf_instances/${id}`)).body.instantiatedVnfInfo.vnfcResourceInfo[0];
    assert.equal(vnfc.metadata.mode, 'loopback');
    const r = await fetch(`http://127.0.0.1:${vnfc.metadata.httpPort}/health`);
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { vduId: string }).vduId, 'VDU1');
    assert.equal((await runOp(t.url, `/vnf_instances/${id}/terminate`, { terminationType: 'GRACEFUL', gracefulTerminationTimeout: 3 })).operationState, 'COMPLETED');
    await assert.rejects(fetch(`http://127.0.0.1:${vnfc.metadata.httpPort}/health`));
  });
});
