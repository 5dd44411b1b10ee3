import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { VnfcStartError, type LinkResource, type VnfcResource, type VnfcSpec } from '../../src/infra/driver.js';
import { createLocalDriver, type LocalDriver } from '../../src/infra/local/index.js';
import { findMarkedProcesses } from '../../src/infra/local/procfs.js';
import { httpGet, isRoot, kernelNames, makeFixtures, waitHttp, waitUntil, type Fixtures } from './helpers.js';

// Loopback mode (no root, no iproute2, or netns disabled): plain detached processes on 127.0.0.1
// ports, links as bookkeeping. It runs with or without root.

describe('local driver in loopback mode', () => {
  const instanceId = randomUUID();
  let fx: Fixtures;
  let driver: LocalDriver;
  let link: LinkResource;
  let a: VnfcResource;
  let b: VnfcResource;

  const spec = (vnfcId: string, ip: string, artifact?: string): VnfcSpec => ({
    instanceId,
    vnfcId,
    vduId: 'VDU1',
    artifactPath: artifact ?? fx.server,
    env: { GREETING: 'hi' },
    cps: [{ cpdId: 'VDU1_CP1', link, ip }],
    logDir: fx.logDir,
  });

  before(async () => {
    fx = await makeFixtures();
    driver = createLocalDriver({ netns: false });
  });

  after(async () => {
    await driver?.gc({ links: [], vnfcs: [] }, { instanceIds: [instanceId] });
    await fx?.cleanup();
  });

  it('reports loopback mode and why', async () => {
    assert.deepEqual(await driver.capabilities(), { mode: 'loopback', reason: 'network namespaces are disabled by configuration (netns: false)' });
  });

  it('keeps links as bookkeeping only', async () => {
    link = await driver.ensureLink({ linkId: 'internal_vl', instanceId, cidr: '10.251.11.0/24' });
    assert.equal(link.mode, 'loopback');
    assert.deepEqual(await driver.ensureLink({ linkId: 'internal_vl', instanceId, cidr: '10.251.11.0/24' }), link);
    if (isRoot()) assert.ok(!(await kernelNames()).links.includes(link.resourceId), 'no bridge is made');
  });

  it('runs VNFCs on their own 127.0.0.1 ports, reaching each other', async () => {
    [a, b] = await Promise.all([driver.startVnfc(spec('lb-a', '10.251.11.2/24')), driver.startVnfc(spec('lb-b', '10.251.11.3/24'))]);
    assert.notEqual(a.httpPort, b.httpPort);
    assert.equal(a.mode, 'loopback');
    assert.equal(a.resourceId, 'loopback:lb-a');
    assert.deepEqual(a.ports, [{ cpdId: 'VDU1_CP1', linkId: 'internal_vl', ifName: 'lo', ip: '127.0.0.1', address: '10.251.11.2/24' }]);
    const health = (await waitHttp(`http://127.0.0.1:${a.httpPort}/health`)).body as { vnfcId: string; env: Record<string, string> };
    assert.equal(health.vnfcId, 'lb-a');
    assert.equal(health.env.MECANO_LISTEN_IP, '127.0.0.1');
    assert.equal(health.env.MECANO_HTTP_PORT, String(a.httpPort));
    assert.equal(health.env.MECANO_CP_VDU1_CP1_IP, '127.0.0.1');
    assert.equal(health.env.MECANO_CP_VDU1_CP1_IFACE, 'lo');
    await waitHttp(`http://127.0.0.1:${b.httpPort}/health`);
    const peer = await httpGet(`http://127.0.0.1:${b.httpPort}/peer?addr=127.0.0.1:${a.httpPort}`);
    assert.equal((peer.body as { peer: { vnfcId: string } }).peer.vnfcId, 'lb-a');
  });

  it('finds a running VNFC instead of starting a second one', async () => {
    assert.deepEqual(await driver.startVnfc(spec('lb-a', '10.251.11.2/24')), a);
    assert.equal((await findMarkedProcesses()).filter((p) => p.vnfcId === 'lb-a' && p.stat.pid === p.stat.sid).length, 1);
  });

  it('reports the exit code and output of a VNFC that fails to start', async () => {
    await assert.rejects(driver.startVnfc(spec('lb-fail', '10.251.11.4/24', fx.failing)), (e: unknown) => {
      assert.ok(e instanceof VnfcStartError);
      assert.equal(e.exitCode, 3);
      assert.deepEqual(e.stderrTail, ['fatal: missing configuration file /etc/vnfc.conf']);
      return true;
    });
  });

  it('tells a killed VNFC from a running one, and stops the rest', async () => {
    process.kill(a.pid, 'SIGKILL');
    assert.ok(await waitUntil(async () => (await driver.vnfcStatus(a)) === 'dead'));
    const report = await driver.reconcile({ links: [link], vnfcs: [a, b] });
    assert.deepEqual(report.dead, ['lb-a']);
    assert.deepEqual(report.missing, []);
    assert.equal(report.mode, 'loopback');
    assert.deepEqual(await driver.stopVnfc(a, { graceful: true, timeoutMs: 1000 }), { wasRunning: false });
    assert.deepEqual(await driver.stopVnfc(b, { graceful: true, timeoutMs: 5000 }), { wasRunning: true, signal: 'SIGTERM' });
    await driver.removeLink(link);
    assert.deepEqual((await findMarkedProcesses()).filter((p) => p.instanceId === instanceId), []);
  });
});
