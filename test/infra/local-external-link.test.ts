import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { allocateAddress } from '../../src/infra/address-pool.js';
import type { LinkResource, VnfcResource } from '../../src/infra/driver.js';
import { createLocalDriver, type LocalDriver } from '../../src/infra/local/index.js';
import { getLink } from '../../src/infra/local/links.js';
import { httpGet, isRoot, kernelNames, makeFixtures, sh, waitHttp, type Fixtures } from './helpers.js';

// External virtual links: a bridge named in the request, made by mecano when missing (and then
// removed by it) or an operator's bridge that mecano attaches to and never deletes.

const skip = isRoot() ? false : 'needs root: network namespaces and bridges';

describe('local driver external links', { skip }, () => {
  const instanceId = randomUUID();
  const suffix = randomBytes(4).toString('hex');
  // Names outside the driver's naming scheme, as an operator would choose them.
  const madeBridge = `mcx${suffix}`;
  const operatorBridge = `mcop${suffix}`;
  // A random /24 in 10.253.0.0/16 so that parallel runs do not share a subnet.
  const third = 1 + (randomBytes(1)[0] % 250);
  const extCidr = `10.253.${third}.0/24`;
  const opCidr = `10.254.${third}.0/24`;
  let fx: Fixtures;
  let driver: LocalDriver;
  let internal: LinkResource;
  let ext: LinkResource;
  let vnfc: VnfcResource;

  before(async () => {
    fx = await makeFixtures();
    driver = createLocalDriver();
    await sh('ip', ['link', 'add', 'name', operatorBridge, 'type', 'bridge']);
    await sh('ip', ['addr', 'add', `10.254.${third}.1/24`, 'dev', operatorBridge]);
  });

  after(async () => {
    await driver?.gc({ links: [], vnfcs: [] }, { instanceIds: [instanceId] });
    for (const br of [madeBridge, operatorBridge]) await sh('ip', ['link', 'del', 'dev', br]).catch(() => undefined);
    await fx?.cleanup();
  });

  it('creates a missing external bridge, marked as made by mecano, with the gateway address', async () => {
    ext = await driver.ensureLink({ linkId: 'ext_vl', instanceId, cidr: extCidr, external: { bridge: madeBridge } });
    assert.deepEqual(ext, {
      linkId: 'ext_vl',
      instanceId,
      resourceId: madeBridge,
      mode: 'netns',
      external: true,
      createdByMecano: true,
      cidr: extCidr,
      gatewayIp: `10.253.${third}.1`,
    });
    // A retry (e.g. after a crash) reads the marker from the kernel and answers the same.
    assert.deepEqual(await driver.ensureLink({ linkId: 'ext_vl', instanceId, cidr: extCidr, external: { bridge: madeBridge } }), ext);
    assert.match((await getLink(madeBridge))?.alias ?? '', /^mecano:/);
  });

  it('routes a VNFC by default through the external gateway, reachable from the host', async () => {
    internal = await driver.ensureLink({ linkId: 'int_vl', instanceId, cidr: '10.251.8.0/24' });
    const extIp = allocateAddress(extCidr, []);
    vnfc = await driver.startVnfc({
      instanceId,
      vnfcId: 'vnfc-edge',
      vduId: 'VDU2',
      artifactPath: fx.server,
      env: {},
      cps: [
        { cpdId: 'VDU2_CP1', link: internal, ip: '10.251.8.2/24' },
        { cpdId: 'VDU2_CP2-ext', link: ext, ip: extIp },
      ],
      logDir: fx.logDir,
    });
    assert.deepEqual(
      vnfc.ports.map((p) => [p.cpdId, p.ifName, p.ip]),
      [
        ['VDU2_CP1', 'eth0', '10.251.8.2'],
        ['VDU2_CP2-ext', 'eth1', extIp.split('/')[0]],
      ],
    );
    const route = await sh('ip', ['-n', vnfc.resourceId, 'route', 'show', 'default']);
    assert.match(route, new RegExp(`default via 10\\.253\\.${third}\\.1 dev eth1`));
    // The host reaches the VNFC through the bridge's gateway address, without any namespace.
    const res = await waitHttp(`http://${extIp.split('/')[0]}:8080/health`);
    const env = (res.body as { env: Record<string, string> }).env;
    assert.equal(env.MECANO_CP_VDU2_CP2_EXT_IP, extIp.split('/')[0]);
    assert.equal(env.MECANO_CP_VDU2_CP2_EXT_IFACE, 'eth1');
  });

  it('does not delete a mecano-made external bridge while something is attached', async () => {
    await driver.removeLink(ext);
    assert.ok(await getLink(madeBridge), 'still attached to the VNFC, so kept');
    await driver.stopVnfc(vnfc, { graceful: true, timeoutMs: 3000 });
    await driver.removeLink(ext);
    await driver.removeLink(internal);
    const names = await kernelNames();
    assert.ok(!names.links.includes(madeBridge));
    assert.ok(!names.links.includes(internal.resourceId));
    assert.ok(!names.netns.includes(vnfc.resourceId));
  });

  it("attaches to an operator's bridge, uses its address as gateway, and never deletes it", async () => {
    const op = await driver.ensureLink({ linkId: 'op_vl', instanceId, cidr: opCidr, external: { bridge: operatorBridge } });
    assert.equal(op.createdByMecano, false);
    assert.equal(op.gatewayIp, `10.254.${third}.1`);
    const v = await driver.startVnfc({
      instanceId,
      vnfcId: 'vnfc-op',
      vduId: 'VDU1',
      artifactPath: fx.server,
      env: {},
      cps: [{ cpdId: 'CP1', link: op, ip: `10.254.${third}.7/24` }],
      logDir: fx.logDir,
    });
    assert.equal((await waitHttp(`http://10.254.${third}.7:8080/health`)).status, 200);
    await driver.stopVnfc(v, { graceful: false, timeoutMs: 0 });
    await driver.removeLink(op);
    const br = await getLink(operatorBridge);
    assert.equal(br?.kind, 'bridge');
    assert.equal(br?.alias, undefined, 'the operator bridge is not marked');
    assert.match(await sh('ip', ['-o', 'addr', 'show', 'dev', operatorBridge]), new RegExp(`10\\.254\\.${third}\\.1/24`));
    await assert.rejects(httpGet(`http://10.254.${third}.7:8080/health`));
  });

  it('refuses a bridge name the kernel would reject', async () => {
    await assert.rejects(driver.ensureLink({ linkId: 'bad', instanceId, external: { bridge: 'a-name-longer-than-15' } }), { code: 'INVALID_BRIDGE_NAME', status: 422 });
    await assert.rejects(driver.ensureLink({ linkId: 'bad', instanceId, external: { bridge: 'lo' } }), { code: 'NOT_A_BRIDGE' });
  });
});
