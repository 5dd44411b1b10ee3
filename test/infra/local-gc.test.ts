import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { VnfcResource, VnfcSpec } from '../../src/infra/driver.js';
import { createLocalDriver, localGc, type LocalDriver } from '../../src/infra/local/index.js';
import { netnsName } from '../../src/infra/local/naming.js';
import { findMarkedProcesses, isSameProcessAlive, readStat } from '../../src/infra/local/procfs.js';
import { isRoot, kernelNames, makeFixtures, sh, waitUntil, type Fixtures } from './helpers.js';

// gc removes what no instance owns: VNFC processes (by their marker, or by living in an orphan
// namespace), mc namespaces, veths and bridges; owned objects and other instances stay. The tests
// scope gc to their own instances, since other suites may run on this machine at the same time.

const skip = isRoot() ? false : 'needs root: network namespaces and bridges';

describe('local driver gc', { skip }, () => {
  const orphanInstance: string = randomUUID();
  const otherInstance: string = randomUUID();
  let fx: Fixtures;
  let driver: LocalDriver;
  let kept: VnfcResource;
  let orphan: VnfcResource;
  let bystander: VnfcResource;
  let ghostPid: number;
  let ghostStart: number;
  let orphanBridge: string;
  let otherBridge: string;
  const ghostNs = netnsName(orphanInstance, 'ghost');

  const spec = (instanceId: string, vnfcId: string, link: VnfcSpec['cps'][0]['link'], ip: string): VnfcSpec => ({
    instanceId,
    vnfcId,
    vduId: 'VDU1',
    artifactPath: fx.server,
    env: {},
    cps: [{ cpdId: 'CP1', link, ip }],
    logDir: fx.logDir,
  });

  before(async () => {
    fx = await makeFixtures();
    driver = createLocalDriver();
    const link = await driver.ensureLink({ linkId: 'vl', instanceId: orphanInstance, cidr: '10.251.10.0/24' });
    orphanBridge = link.resourceId;
    const otherLink = await driver.ensureLink({ linkId: 'vl', instanceId: otherInstance, cidr: '10.251.10.0/24' });
    otherBridge = otherLink.resourceId;
    [kept, orphan, bystander] = await Promise.all([
      driver.startVnfc(spec(orphanInstance, 'kept', link, '10.251.10.2/24')),
      driver.startVnfc(spec(orphanInstance, 'orphan', link, '10.251.10.3/24')),
      driver.startVnfc(spec(otherInstance, 'bystander', otherLink, '10.251.10.4/24')),
    ]);
    // A namespace with an unmarked process in it, as a crash half-way through a start could leave.
    await sh('ip', ['netns', 'add', ghostNs]);
    const ghost = spawn('ip', ['netns', 'exec', ghostNs, 'sleep', '600'], { detached: true, stdio: 'ignore' });
    ghost.unref();
    ghostPid = ghost.pid as number;
    assert.ok(await waitUntil(async () => (await readStat(ghostPid))?.comm === 'sleep'));
    ghostStart = (await readStat(ghostPid))?.startTime as number;
  });

  after(async () => {
    await driver?.gc({ links: [], vnfcs: [] }, { instanceIds: [orphanInstance, otherInstance] });
    await fx?.cleanup();
  });

  it('removes the orphans of the instances in scope and keeps what is owned', async () => {
    const report = await driver.gc({ links: [], vnfcs: [kept] }, { instanceIds: [orphanInstance] });
    assert.deepEqual(report.processes.filter((p) => p.vnfcId).map((p) => p.vnfcId), ['orphan']);
    assert.ok(report.processes.some((p) => p.pid === ghostPid && p.vnfcId === undefined), 'the unmarked process in the orphan namespace');
    assert.deepEqual(report.netns.sort(), [ghostNs, orphan.resourceId].sort());
    assert.deepEqual(report.links.sort(), [orphan.ports[0].hostIfName, orphanBridge].sort());

    assert.equal(await isSameProcessAlive(ghostPid, ghostStart), false);
    assert.equal(await driver.vnfcStatus(orphan), 'dead');
    assert.equal(await driver.vnfcStatus(kept), 'running');
    assert.equal(await driver.vnfcStatus(bystander), 'running', 'another instance is out of scope');
    const names = await kernelNames();
    assert.ok(names.netns.includes(kept.resourceId));
    assert.ok(names.links.includes(kept.ports[0].hostIfName as string), 'the owned veth stays (its bridge was not owned)');
    assert.ok(names.netns.includes(bystander.resourceId));
  });

  it('finds nothing more to do the second time', async () => {
    assert.deepEqual(await driver.gc({ links: [], vnfcs: [kept] }, { instanceIds: [orphanInstance] }), { processes: [], netns: [], links: [] });
  });

  it('localGc with an empty owned set clears the rest', async () => {
    const report = await localGc({ links: [], vnfcs: [] }, { instanceIds: [orphanInstance, otherInstance] });
    assert.deepEqual(report.processes.map((p) => p.vnfcId).sort(), ['bystander', 'kept']);
    assert.deepEqual(report.netns.sort(), [bystander.resourceId, kept.resourceId].sort());
    const names = await kernelNames();
    for (const v of [kept, orphan, bystander]) {
      assert.ok(!names.netns.includes(v.resourceId));
      assert.ok(!names.links.includes(v.ports[0].hostIfName as string));
    }
    assert.deepEqual(report.links.filter((l) => l === otherBridge), [otherBridge]);
    assert.ok(!names.links.includes(otherBridge));
    assert.deepEqual((await findMarkedProcesses()).filter((p) => [orphanInstance, otherInstance].includes(p.instanceId)), []);
  });
});
