import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { allocateAddresses } from '../../src/infra/address-pool.js';
import { VnfcStartError, type LinkResource, type VnfcResource, type VnfcSpec } from '../../src/infra/driver.js';
import { createLocalDriver, type LocalDriver } from '../../src/infra/local/index.js';
import { netnsName, vethPrefix } from '../../src/infra/local/naming.js';
import { findMarkedProcesses, readStat } from '../../src/infra/local/procfs.js';
import { httpGet, isRoot, kernelNames, makeFixtures, sh, waitHttp, waitUntil, type Fixtures } from './helpers.js';

// The local driver in netns mode, on the real kernel: bridges, namespaces, veths, detached processes.

const skip = isRoot() ? false : 'needs root: network namespaces and bridges (the loopback test covers non-root)';

describe('local driver in netns mode', { skip }, () => {
  const instanceId = randomUUID();
  const cidr = '10.251.7.0/24';
  let fx: Fixtures;
  let driver: LocalDriver;
  let link: LinkResource;
  const [ipA, ipB] = allocateAddresses(cidr, [], 2);
  let a: VnfcResource;
  let b: VnfcResource;

  const spec = (vnfcId: string, address: string, artifact?: string): VnfcSpec => ({
    instanceId,
    vnfcId,
    vduId: 'VDU1',
    artifactPath: artifact ?? fx.server,
    env: { GREETING: 'hello' },
    cps: [{ cpdId: 'VDU1_CP1', link, ip: address }],
    logDir: fx.logDir,
  });

  before(async () => {
    fx = await makeFixtures();
    driver = createLocalDriver();
    const caps = await driver.capabilities();
    assert.equal(caps.mode, 'netns', caps.reason);
  });

  after(async () => {
    // Whatever a failed assertion left behind goes, and only this instance's objects.
    await driver?.gc({ links: [], vnfcs: [] }, { instanceIds: [instanceId] });
    await fx?.cleanup();
  });

  it('ensureLink makes one mc bridge and finds it again', async () => {
    link = await driver.ensureLink({ linkId: 'internal_vl', instanceId, cidr });
    assert.match(link.resourceId, /^mcbr[a-z2-7]{10}$/);
    assert.deepEqual(await driver.ensureLink({ linkId: 'internal_vl', instanceId, cidr }), link);
    assert.equal(link.createdByMecano, true);
    assert.equal(link.gatewayIp, undefined, 'an internal link gets no address in the root namespace');
    assert.ok((await kernelNames()).links.includes(link.resourceId));
  });

  it('starts two VNFCs that answer each other over the bridge', async () => {
    process.env.MECANO_TEST_SECRET = 'mecano-only';
    try {
      [a, b] = await Promise.all([driver.startVnfc(spec('vnfc-a', ipA)), driver.startVnfc(spec('vnfc-b', ipB))]);
    } finally {
      delete process.env.MECANO_TEST_SECRET;
    }
    assert.equal(a.resourceId, netnsName(instanceId, 'vnfc-a'));
    assert.equal(a.mode, 'netns');
    assert.equal(a.httpPort, 8080);
    assert.deepEqual(a.ports, [{ cpdId: 'VDU1_CP1', linkId: 'internal_vl', ifName: 'eth0', hostIfName: `${vethPrefix(instanceId, 'vnfc-a')}0`, ip: '10.251.7.2', address: ipA }]);

    // From inside A's namespace, B answers on its link address.
    const fromA = await waitHttp('http://10.251.7.3:8080/health', a.resourceId);
    const health = fromA.body as { vnfcId: string; env: Record<string, string>; ifaces: Record<string, string[]>; secret: unknown };
    assert.equal(health.vnfcId, 'vnfc-b');
    assert.deepEqual(health.ifaces.eth0, ['10.251.7.3']);
    assert.equal(health.env.MECANO_CP_VDU1_CP1_IP, '10.251.7.3');
    assert.equal(health.env.MECANO_CP_VDU1_CP1_IFACE, 'eth0');
    assert.equal(health.env.MECANO_LISTEN_IP, '0.0.0.0');
    assert.equal(health.env.MECANO_INSTANCE_ID, instanceId);
    assert.equal(health.env.MECANO_VDU_ID, 'VDU1');
    assert.equal(health.secret, null, "mecano's own environment does not leak into VNFCs");

    // B's program fetches A's /health over the bridge.
    await waitHttp('http://127.0.0.1:8080/health', a.resourceId);
    const peer = await httpGet(`http://127.0.0.1:8080/peer?addr=${ipA.split('/')[0]}:8080`, b.resourceId);
    assert.equal(peer.status, 200);
    assert.deepEqual((peer.body as { via: string; peer: { vnfcId: string } }).via, 'vnfc-b');
    assert.equal((peer.body as { peer: { vnfcId: string } }).peer.vnfcId, 'vnfc-a');
    assert.match(await readFile(`${a.logPath}.out.log`, 'utf8'), /listening on 0\.0\.0\.0:8080/);
  });

  it('runs each VNFC as the leader of its own session and process group', async () => {
    const self = await readStat(process.pid);
    for (const v of [a, b]) {
      const st = await readStat(v.pid);
      assert.ok(st && self);
      assert.equal(st.sid, v.pid);
      assert.equal(st.pgid, v.pid);
      assert.notEqual(st.sid, self.sid);
      assert.notEqual(st.pgid, self.pgid);
      assert.equal(st.startTime, v.startTime);
    }
  });

  it('startVnfc and ensureLink are idempotent', async () => {
    assert.deepEqual(await driver.startVnfc(spec('vnfc-a', ipA)), a);
    const leaders = (await findMarkedProcesses()).filter((p) => p.vnfcId === 'vnfc-a' && p.instanceId === instanceId && p.stat.sid === p.stat.pid);
    assert.equal(leaders.length, 1, 'no second process for the same VNFC');
    assert.deepEqual(await driver.ensureLink({ linkId: 'internal_vl', instanceId, cidr }), link);
  });

  it('restarts a running VNFC when it is asked for something else', async () => {
    const changed = await driver.startVnfc({ ...spec('vnfc-a', ipA), env: { GREETING: 'changed' } });
    assert.notEqual(changed.pid, a.pid);
    assert.equal(await driver.vnfcStatus(a), 'dead');
    a = changed;
    const health = (await waitHttp('http://127.0.0.1:8080/health', a.resourceId)).body as { pid: number };
    assert.equal(health.pid, a.pid, 'the recorded pid is the VNFC program itself, not a wrapper');
  });

  it('reports a SIGKILLed VNFC as dead, and restarts it with fresh plumbing', async () => {
    process.kill(b.pid, 'SIGKILL');
    assert.ok(await waitUntil(async () => (await driver.vnfcStatus(b)) === 'dead'));
    assert.equal(await driver.vnfcStatus(a), 'running');
    const report = await driver.reconcile({ links: [link], vnfcs: [a, b] });
    assert.deepEqual(report.dead, ['vnfc-b']);
    assert.deepEqual(report.missing, []);
    assert.deepEqual(report.links, [{ instanceId, linkId: 'internal_vl', present: true }]);

    // Heal: stop (safe although dead) and start again.
    assert.deepEqual(await driver.stopVnfc(b, { graceful: true, timeoutMs: 1000 }), { wasRunning: false });
    assert.ok(!(await kernelNames()).netns.includes(b.resourceId));
    const healed = await driver.startVnfc(spec('vnfc-b', ipB));
    assert.notEqual(healed.pid, b.pid);
    b = healed;
    assert.equal(((await waitHttp('http://10.251.7.3:8080/health', a.resourceId)).body as { pid: number }).pid, b.pid);
  });

  it('reports missing kernel objects', async () => {
    const ghost: VnfcResource = { ...b, vnfcId: 'vnfc-ghost', resourceId: netnsName(instanceId, 'vnfc-ghost'), ports: [{ ...b.ports[0], hostIfName: `${vethPrefix(instanceId, 'vnfc-ghost')}0` }] };
    const ghostLink: LinkResource = { ...link, linkId: 'gone', resourceId: 'mcbrgonegone00' };
    const report = await driver.reconcile({ links: [ghostLink], vnfcs: [ghost] });
    assert.deepEqual(
      report.missing.map((m) => m.kind).sort(),
      ['bridge', 'netns', 'veth'],
    );
    assert.deepEqual(report.links, [{ instanceId, linkId: 'gone', present: false }]);
  });

  it('fails a VNFC that exits during start with its exit code and output, leaving nothing', async () => {
    const failing = spec('vnfc-fail', allocateAddresses(cidr, [ipA, ipB], 1)[0], fx.failing);
    const err = await driver.startVnfc(failing).then(
      () => assert.fail('startVnfc should have failed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof VnfcStartError, String(err));
    assert.equal(err.exitCode, 3);
    assert.equal(err.code, 'VNFC_START_FAILED');
    assert.deepEqual(err.stderrTail, ['fatal: missing configuration file /etc/vnfc.conf']);
    assert.deepEqual(err.stdoutTail, ['fail-vnfc starting']);
    assert.match(err.message, /exit code 3/);
    assert.match(err.message, /fatal: missing configuration file/);
    const names = await kernelNames();
    assert.ok(!names.netns.includes(netnsName(instanceId, 'vnfc-fail')));
    assert.ok(!names.links.some((l) => l.startsWith(vethPrefix(instanceId, 'vnfc-fail'))));
  });

  it('refuses an artifact that is not executable before making anything', async () => {
    const err = await driver.startVnfc(spec('vnfc-noexec', '10.251.7.9/24', `${fx.dir}/missing-artifact`)).catch((e: unknown) => e);
    assert.ok(err instanceof VnfcStartError);
    assert.equal(err.exitCode, null);
    assert.match(err.message, /not an executable file/);
    assert.ok(!(await kernelNames()).netns.includes(netnsName(instanceId, 'vnfc-noexec')));
  });

  it('ends a VNFC that ignores SIGTERM with SIGKILL after the timeout', async () => {
    const stubborn = await driver.startVnfc(spec('vnfc-stubborn', '10.251.7.10/24', fx.stubborn));
    assert.deepEqual(await driver.stopVnfc(stubborn, { graceful: true, timeoutMs: 300 }), { wasRunning: true, signal: 'SIGKILL' });
    assert.equal(await driver.vnfcStatus(stubborn), 'dead');
  });

  it('starts over a half-built VNFC that a crash left behind', async () => {
    const ns = netnsName(instanceId, 'vnfc-half');
    const veth = `${vethPrefix(instanceId, 'vnfc-half')}0`;
    await sh('ip', ['netns', 'add', ns]);
    await sh('ip', ['link', 'add', 'name', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    const half = await driver.startVnfc(spec('vnfc-half', '10.251.7.11/24'));
    assert.equal((await waitHttp('http://10.251.7.11:8080/health', a.resourceId)).status, 200);
    await driver.stopVnfc(half, { graceful: true, timeoutMs: 3000 });
    const names = await kernelNames();
    assert.ok(!names.netns.includes(ns) && !names.links.includes(veth));
  });

  it('stops gracefully and removes every kernel object', async () => {
    assert.deepEqual(await driver.stopVnfc(a, { graceful: true, timeoutMs: 5000 }), { wasRunning: true, signal: 'SIGTERM' });
    assert.match(await readFile(`${a.logPath}.out.log`, 'utf8'), /got SIGTERM/);
    assert.deepEqual(await driver.stopVnfc(b, { graceful: false, timeoutMs: 0 }), { wasRunning: true, signal: 'SIGKILL' });
    assert.deepEqual(await driver.stopVnfc(b, { graceful: false, timeoutMs: 0 }), { wasRunning: false }, 'stop is idempotent');
    await driver.removeLink(link);
    await driver.removeLink(link);
    const names = await kernelNames();
    const ours = [a.resourceId, b.resourceId, link.resourceId, ...a.ports.map((p) => p.hostIfName), ...b.ports.map((p) => p.hostIfName)];
    assert.deepEqual(names.netns.filter((n) => ours.includes(n)), []);
    assert.deepEqual(names.links.filter((n) => ours.includes(n)), []);
    assert.deepEqual((await findMarkedProcesses()).filter((p) => p.instanceId === instanceId), []);
  });
});
