import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LinkResource, VnfcSpec } from '../../../src/infra/driver.js';
import { defaultGateway, validateCps } from '../../../src/infra/local/plumbing.js';
import { vnfcEnv } from '../../../src/infra/local/vnfc.js';

const internal: LinkResource = { linkId: 'int', instanceId: 'i', resourceId: 'mcbrxxxx', mode: 'netns', external: false, createdByMecano: true, cidr: '10.251.0.0/24' };
const external: LinkResource = { linkId: 'ext', instanceId: 'i', resourceId: 'br-ext', mode: 'netns', external: true, createdByMecano: false, cidr: '192.168.50.0/24', gatewayIp: '192.168.50.1' };

const spec: VnfcSpec = {
  instanceId: 'inst-1',
  vnfcId: 'vnfc-1',
  vduId: 'VDU1',
  artifactPath: '/opt/vnfc',
  env: { MODE: 'fast', MECANO_VNFC_ID: 'spoofed' },
  cps: [
    { cpdId: 'VDU1_CP1', link: internal, ip: '10.251.0.5/24' },
    { cpdId: 'vdu1-ext', link: external, ip: '192.168.50.9/24' },
  ],
  logDir: '/tmp/logs',
};

describe('VNFC environment and CP checks', () => {
  it('sets the documented variables in netns mode', () => {
    const env = vnfcEnv(spec, 'netns', 8080);
    assert.equal(env.MODE, 'fast');
    assert.equal(env.MECANO_INSTANCE_ID, 'inst-1');
    assert.equal(env.MECANO_VNFC_ID, 'vnfc-1', 'the marker cannot be overridden by the spec');
    assert.equal(env.MECANO_VDU_ID, 'VDU1');
    assert.equal(env.MECANO_HTTP_PORT, '8080');
    assert.equal(env.MECANO_LISTEN_IP, '0.0.0.0');
    assert.equal(env.MECANO_CP_VDU1_CP1_IP, '10.251.0.5');
    assert.equal(env.MECANO_CP_VDU1_CP1_IFACE, 'eth0');
    assert.equal(env.MECANO_CP_VDU1_EXT_IP, '192.168.50.9');
    assert.equal(env.MECANO_CP_VDU1_EXT_IFACE, 'eth1');
    assert.ok(env.PATH);
  });

  it('points everything at loopback in loopback mode', () => {
    const env = vnfcEnv(spec, 'loopback', 41234);
    assert.equal(env.MECANO_LISTEN_IP, '127.0.0.1');
    assert.equal(env.MECANO_HTTP_PORT, '41234');
    assert.equal(env.MECANO_CP_VDU1_EXT_IP, '127.0.0.1');
    assert.equal(env.MECANO_CP_VDU1_EXT_IFACE, 'lo');
  });

  it('routes by default through the first external link with a gateway', () => {
    assert.deepEqual(defaultGateway(spec.cps), { index: 1, gateway: '192.168.50.1' });
    assert.equal(defaultGateway([spec.cps[0]]), undefined);
  });

  it('rejects CP addresses without prefix, outside the link subnet, or CPs listed twice', () => {
    assert.throws(() => validateCps([{ ...spec.cps[0], ip: '10.251.0.5' }]), { code: 'INVALID_ADDRESS' } as object);
    assert.throws(() => validateCps([{ ...spec.cps[0], ip: '10.9.0.5/24' }]), /outside 10\.251\.0\.0\/24/);
    assert.throws(() => validateCps([spec.cps[0], spec.cps[0]]), { code: 'DUPLICATE_CP' } as object);
    validateCps(spec.cps);
  });
});
