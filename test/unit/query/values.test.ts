import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareCodePoints, compareDecimal, isNumberLiteral, parseDateTime } from '../../../src/query/values.js';

describe('compareDecimal', () => {
  it('compares exactly, like PostgreSQL numeric', () => {
    assert.equal(compareDecimal('1', '1.000'), 0);
    assert.equal(compareDecimal('-0', '0'), 0);
    assert.equal(compareDecimal('0.30000000000000001', '0.3'), 1);
    assert.equal(compareDecimal('1e+21', '999999999999999999999'), 1);
    assert.equal(compareDecimal('-2', '-10'), 1);
    assert.equal(compareDecimal('5e-324', '0'), 1);
    assert.equal(compareDecimal('+007.50', '7.5'), 0);
    assert.equal(compareDecimal('1E-7', '0.0000001'), 0);
  });

  it('agrees with JS ordering on distinct doubles', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (a, b) => {
        const expected = a === b ? 0 : a < b ? -1 : 1;
        assert.equal(compareDecimal(JSON.stringify(a), JSON.stringify(b)), expected);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts only plain, bounded number literals', () => {
    for (const ok of ['0', '-1', '+2', '1.5', '1e10', '1E-7', '007']) assert.equal(isNumberLiteral(ok), true, ok);
    for (const bad of ['', '.5', '1.', '0x10', '1e', 'NaN', 'Infinity', '1e999', '1e-1001', ' 1', '1_000']) assert.equal(isNumberLiteral(bad), false, bad);
  });
});

describe('compareCodePoints', () => {
  it('orders by code point (COLLATE "C" on UTF-8), not UTF-16 unit', () => {
    assert.equal(compareCodePoints('😀', '\uE000'), 1);
    assert.equal('😀' < '\uE000', true);
    assert.equal(compareCodePoints('a', 'ab'), -1);
    assert.equal(compareCodePoints('B', 'a'), -1);
    assert.equal(compareCodePoints('é', 'é'), 0);
  });
});

describe('parseDateTime', () => {
  it('gives the instant in microseconds', () => {
    assert.equal(parseDateTime('1970-01-01T00:00:00Z'), 0n);
    assert.equal(parseDateTime('1970-01-01T01:00:00+01:00'), 0n);
    assert.equal(parseDateTime('2024-01-01T00:00:00.5Z'), BigInt(Date.UTC(2024, 0, 1)) * 1000n + 500_000n);
    assert.equal(parseDateTime('0001-01-01T00:00:00Z'), -62135596800n * 1_000_000n);
  });

  it('rounds fractions as PostgreSQL does (half to even on the double)', () => {
    const base = parseDateTime('2024-01-01T00:00:00Z')!;
    assert.equal(parseDateTime('2024-01-01T00:00:00.0000005Z')! - base, 0n);
    assert.equal(parseDateTime('2024-01-01T00:00:00.0000015Z')! - base, 2n);
    assert.equal(parseDateTime('2024-01-01T00:00:00.1234565Z')! - base, 123456n);
  });

  it('rejects what is not an RFC 3339 date-time with offset', () => {
    for (const bad of ['2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '0000-01-01T00:00:00Z', '2024-01-01T00:00:00', '2024-01-01T24:00:00Z', '2024-01-01T00:00:60Z', '2024-01-01', '2024-01-01T00:00:00+16:00', '2024-01-01T00:00:00.1234567890Z']) {
      assert.equal(parseDateTime(bad), null, bad);
    }
    assert.notEqual(parseDateTime('2024-02-29T00:00:00Z'), null);
  });
});
