import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collect, isIpAddress, parseCoordinates, rules, validateBody } from '../../../src/mec/validate.js';
import { ProblemError } from '../../../src/errors.js';

// The MECM field rules (EdgeGallery constants, reference §2.0) and the every-violation report.

describe('MEC field rules', () => {
  it('accepts IPv4 without leading zeros and IPv6; nothing else', () => {
    for (const ok of ['10.0.0.1', '255.255.255.255', '0.0.0.0', 'fd00::1', '::1', '2001:db8::8a2e:370:7334']) assert.ok(isIpAddress(ok), ok);
    for (const bad of ['010.0.0.1', '256.1.1.1', '1.2.3', '1.2.3.4.5', 'host.example', '', ' 10.0.0.1', 'fd00::1::2']) assert.ok(!isIpAddress(bad), bad);
  });

  it('names: letters and digits (any script), _ and - only inside, at most 128', () => {
    const name = rules.name();
    for (const ok of ['edge1', 'edge-1_a', '北京节点', 'a']) assert.equal(name(ok), undefined, ok);
    for (const bad of ['-edge', 'edge_', 'a b', 'a.b', 'x'.repeat(129), 5, '']) assert.ok(name(bad), String(bad));
    assert.equal(rules.city()('Xi An/Shaanxi'), undefined);
    assert.ok(rules.city()(' Xi'));
    assert.equal(rules.affinity()('X86,ARM_64'), undefined);
    assert.ok(rules.affinity()('X86,'));
  });

  it('ports, hex ids, URLs, coordinates', () => {
    assert.equal(rules.port()('8080'), undefined);
    assert.equal(rules.port()(65535), undefined);
    for (const bad of [0, 65536, '080a', 1.5, '']) assert.ok(rules.port()(bad), String(bad));
    assert.equal(rules.hex(32, 64)('a'.repeat(40)), undefined);
    assert.ok(rules.hex(32, 64)('A'.repeat(40)));
    assert.ok(rules.url()('ftp://x'));
    assert.ok(rules.url()('/relative'));
    assert.deepEqual(parseCoordinates('116.39, 39.91'), { lon: 116.39, lat: 39.91 });
    assert.equal(parseCoordinates('200,0'), undefined);
    assert.equal(parseCoordinates('116.39'), undefined);
  });

  it('collects canonical names and aliases, and reports every violation at once', () => {
    const spec = { appName: { rule: rules.name(), required: true, aliases: ['app_name'] }, port: { rule: rules.port() } };
    assert.deepEqual(collect({ app_name: 'x', port: 1 }, spec).value, { appName: 'x', port: 1 });
    assert.deepEqual(collect({}, spec).invalid, [{ name: 'appName', reason: 'is required' }]);
    assert.throws(
      () => validateBody({ app_name: '-', port: 0 }, spec, 'request'),
      (e: unknown) => e instanceof ProblemError && e.status === 400 && (e.extra?.invalidParams as { name: string }[]).map((p) => p.name).join() === 'app_name,port',
    );
    assert.deepEqual(collect({}, spec, { partial: true }).invalid, []);
  });
});
