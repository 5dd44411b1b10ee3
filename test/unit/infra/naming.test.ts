import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bridgeName,
  cpEnvPrefix,
  IFNAME_MAX,
  instanceTag,
  isValidIfName,
  macAddress,
  MAX_CPS,
  netnsName,
  parseName,
  vethName,
  vethPrefix,
} from '../../../src/infra/local/naming.js';

describe('kernel object naming', () => {
  it('keeps every name within 15 characters, mc-prefixed, deterministic (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.string({ minLength: 1, maxLength: 200 }), fc.integer({ min: 0, max: MAX_CPS - 1 }), (inst, id, n) => {
        for (const name of [bridgeName(inst, id), netnsName(inst, id), vethName(inst, id, n)]) {
          assert.ok(name.length <= IFNAME_MAX, name);
          assert.ok(name.startsWith('mc'), name);
          assert.ok(isValidIfName(name), name);
          assert.equal(parseName(name)?.instanceTag, instanceTag(inst));
        }
        assert.equal(netnsName(inst, id), netnsName(inst, id));
        assert.ok(vethName(inst, id, n).startsWith(vethPrefix(inst, id)));
      }),
    );
  });

  it('gives different objects and instances different names', () => {
    const i = '9f0e6a4c-6f0b-4a57-9d55-2d5b7b4c1e01';
    assert.notEqual(netnsName(i, 'vnfc-1'), netnsName(i, 'vnfc-2'));
    assert.notEqual(bridgeName(i, 'vl'), bridgeName('another', 'vl'));
    assert.equal(parseName(netnsName(i, 'x'))?.kind, 'netns');
    assert.equal(parseName(bridgeName(i, 'x'))?.kind, 'bridge');
    assert.deepEqual(parseName(vethName(i, 'x', 42)), { kind: 'veth', instanceTag: instanceTag(i), objectTag: vethPrefix(i, 'x').slice(7) });
    assert.equal(vethName(i, 'x', 99).length, 15);
  });

  it('does not claim names it did not make', () => {
    for (const other of ['eth0', 'mcbr', 'mcbrshort', 'mcnsABCDEFGHIJ', 'mcv0123456789a', 'docker0', 'mcx12345678']) {
      assert.equal(parseName(other), undefined, other);
    }
  });

  it('refuses more CPs than the names can number', () => {
    assert.throws(() => vethName('i', 'v', MAX_CPS), { code: 'TOO_MANY_CPS' } as object);
  });

  it('makes stable locally administered unicast MACs', () => {
    const mac = macAddress('i', 'v', 0);
    assert.match(mac, /^02(:[0-9a-f]{2}){5}$/);
    assert.equal(macAddress('i', 'v', 0), mac);
    assert.notEqual(macAddress('i', 'v', 1), mac);
  });

  it('validates interface names as the kernel does', () => {
    assert.equal(isValidIfName('br-ext_0.1'), true);
    for (const bad of ['', 'a'.repeat(16), 'has space', 'a/b', 'a:b', '.', '..']) assert.equal(isValidIfName(bad), false, bad);
  });

  it('derives CP environment variable names from the cpdId', () => {
    assert.equal(cpEnvPrefix('VDU1_CP1'), 'MECANO_CP_VDU1_CP1');
    assert.equal(cpEnvPrefix('vdu1-cp.ext'), 'MECANO_CP_VDU1_CP_EXT');
  });
});
