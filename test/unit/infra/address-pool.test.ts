import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AddressPoolExhausted,
  allocateAddress,
  allocateAddresses,
  gatewayOf,
  inSubnet,
  intToIpv4,
  ipv4ToInt,
  parseSubnet,
  poolCapacity,
  releaseAddress,
} from '../../../src/infra/address-pool.js';

describe('address pool', () => {
  it('normalises a CIDR and clears host bits', () => {
    assert.deepEqual(parseSubnet('10.251.0.77/24'), { cidr: '10.251.0.0/24', network: ipv4ToInt('10.251.0.0'), prefix: 24 });
    assert.equal(parseSubnet('192.168.5.9/30').cidr, '192.168.5.8/30');
  });

  it('rejects malformed CIDRs and prefixes without room for hosts', () => {
    for (const bad of ['10.0.0.0', '10.0.0/24', '10.0.0.256/24', 'a.b.c.d/24', '10.0.0.0/31', '10.0.0.0/32', '10.0.0.0/7', '::1/64']) {
      assert.throws(() => parseSubnet(bad), { code: 'INVALID_CIDR' } as object, bad);
    }
  });

  it('skips the network address and the .1 gateway, and hands out lowest first', () => {
    assert.equal(gatewayOf('10.251.0.0/24'), '10.251.0.1');
    assert.equal(allocateAddress('10.251.0.0/24', []), '10.251.0.2/24');
    assert.deepEqual(allocateAddresses('10.251.0.0/24', ['10.251.0.2/24', '10.251.0.4'], 3), ['10.251.0.3/24', '10.251.0.5/24', '10.251.0.6/24']);
  });

  it('never hands out the broadcast address, and says when the pool is empty', () => {
    assert.equal(poolCapacity('10.0.0.0/29'), 5);
    const all = allocateAddresses('10.0.0.0/29', [], 5);
    assert.deepEqual(all, ['10.0.0.2/29', '10.0.0.3/29', '10.0.0.4/29', '10.0.0.5/29', '10.0.0.6/29']);
    assert.throws(() => allocateAddress('10.0.0.0/29', all), AddressPoolExhausted);
    assert.throws(() => allocateAddress('10.0.0.0/30', ['10.0.0.2']), { code: 'ADDRESS_POOL_EXHAUSTED', status: 422 } as object);
  });

  it('releases by address, whatever the prefix notation, without touching the input', () => {
    const used = ['10.0.0.2/24', '10.0.0.3/24'];
    assert.deepEqual(releaseAddress(used, '10.0.0.2'), ['10.0.0.3/24']);
    assert.deepEqual(used, ['10.0.0.2/24', '10.0.0.3/24']);
    assert.equal(allocateAddress('10.0.0.0/24', releaseAddress(used, '10.0.0.2/24')), '10.0.0.2/24');
  });

  it('tells whether an address lies in a subnet', () => {
    assert.equal(inSubnet('10.1.2.0/24', '10.1.2.200/24'), true);
    assert.equal(inSubnet('10.1.2.0/24', '10.1.3.1'), false);
  });

  it('allocates distinct free hosts inside the subnet (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 24, max: 29 }), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), fc.nat(4), (prefix, usedHosts, n) => {
        const cidr = `172.16.9.0/${prefix}`;
        const used = usedHosts.map((h) => `172.16.9.${h}`).filter((a) => inSubnet(cidr, a));
        let got: string[];
        try {
          got = allocateAddresses(cidr, used, n);
        } catch (e) {
          assert.ok(e instanceof AddressPoolExhausted);
          return;
        }
        assert.equal(new Set(got).size, got.length);
        const s = parseSubnet(cidr);
        const broadcast = s.network + 2 ** (32 - prefix) - 1;
        for (const a of got) {
          const v = ipv4ToInt(a.split('/')[0]);
          assert.ok(v > s.network + 1 && v < broadcast, a);
          assert.ok(!used.includes(intToIpv4(v)), a);
        }
      }),
    );
  });
});
