import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BadRequest } from '../../../src/errors.js';
import { parseFilter } from '../../../src/query/filter.js';
import { FILTER, formatFilter } from './fixtures.js';

function rejects(filter: string, position: number, reason: RegExp): void {
  assert.throws(
    () => parseFilter(filter),
    (e: unknown) => {
      assert.ok(e instanceof BadRequest, `expected BadRequest for ${filter}`);
      assert.equal(e.status, 400);
      assert.equal(e.code, 'INVALID_FILTER');
      assert.match(e.detail, new RegExp(`^Invalid filter term ${position} `), e.detail);
      assert.match(e.detail, reason);
      return true;
    },
  );
}

describe('parseFilter: accepted syntax', () => {
  it('parses one term', () => {
    assert.deepEqual(parseFilter('(eq,onboardingState,ONBOARDED)'), [
      { op: 'eq', path: ['onboardingState'], values: ['ONBOARDED'], position: 1, text: '(eq,onboardingState,ONBOARDED)' },
    ]);
  });

  it('joins terms with ; and numbers them', () => {
    const terms = parseFilter('(in,a/b,x,y,z);(neq,c,1)');
    assert.equal(terms.length, 2);
    assert.deepEqual(terms[0]!.values, ['x', 'y', 'z']);
    assert.deepEqual(terms[0]!.path, ['a', 'b']);
    assert.equal(terms[1]!.position, 2);
    assert.equal(terms[1]!.text, '(neq,c,1)');
  });

  it('reads unquoted values with : and / (Tacker functional test)', () => {
    assert.deepEqual(parseFilter('(eq,callbackUri,http://127.0.0.1:6789/notification)')[0]!.values, ['http://127.0.0.1:6789/notification']);
  });

  it("reads quoted values with , ) ; and '' escapes", () => {
    const [t] = parseFilter("(cont,name,'a,b)c;d','it''s','')");
    assert.deepEqual(t!.values, ['a,b)c;d', "it's", '']);
  });

  it('unescapes ~1 ~a ~b ~0 in attribute names, not in values', () => {
    const [t] = parseFilter('(eq,x~1y/a~ab/~bk/t~0~01,v~1)');
    assert.deepEqual(t!.path, ['x/y', 'a,b', '@k', 't~~1']);
    assert.deepEqual(t!.values, ['v~1']);
  });

  it('marks a trailing @key', () => {
    const [t] = parseFilter('(eq,userDefinedData/@key,k)');
    assert.deepEqual(t!.path, ['userDefinedData']);
    assert.equal(t!.mapKeys, true);
  });

  it('round-trips generated filters', () => {
    fc.assert(
      fc.property(FILTER, (gen) => {
        const parsed = parseFilter(formatFilter(gen));
        assert.equal(parsed.length, gen.length);
        gen.forEach((g, i) => {
          const t = parsed[i]!;
          assert.equal(t.op, g.op);
          assert.deepEqual(t.path, g.path);
          assert.deepEqual(t.values, g.values);
          assert.equal(t.mapKeys === true, g.mapKeys);
          assert.equal(t.position, i + 1);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseFilter: each fault is a 400 naming the term and its position', () => {
  const cases: [string, number, RegExp][] = [
    ['', 1, /empty/],
    [';', 1, /empty term/],
    ['(eq,a,b);', 2, /empty term/],
    ['(eq,a,b);;(eq,c,d)', 2, /empty term/],
    ['(eq,a,b)(eq,c,d)', 1, /';' expected/],
    ['(eq,a,b', 1, /missing '\)'/],
    ['eq,a,b)', 1, /starts with '\('/],
    ['(eq,a)', 1, /at least one value/],
    ['(eq)', 1, /expected \(op,attrPath,value/],
    ['()', 1, /expected \(op,attrPath,value/],
    ['(EQ,a,b)', 1, /unknown operator "EQ"/],
    ['(eq,a,b);(like,a,b)', 2, /unknown operator "like"/],
    ['(eq,a,b,c)', 1, /exactly one value/],
    ['(gt,a,1);(lte,a,1,2)', 2, /exactly one value/],
    ["(eq,a,'b)", 1, /unterminated/],
    ["(eq,a,'b'c)", 1, /',' or '\)' expected/],
    ["(eq,a,b'c)", 1, /must be quoted/],
    ['(eq,,b)', 1, /empty attribute name/],
    ['(eq,a//b,c)', 1, /empty attribute name/],
    ['(eq,/a,c)', 1, /empty attribute name/],
    ['(eq,a,)', 1, /empty value/],
    ['(in,a,x,)', 1, /empty value/],
    ['(eq,a~x,b)', 1, /invalid escape "~x"/],
    ['(eq,a~,b)', 1, /invalid escape "~"/],
    ['(eq,a@b,c)', 1, /written ~b/],
    ['(eq,@key,c)', 1, /follow the name of a map/],
    ['(eq,m/@key/x,c)', 1, /last name/],
    ['(eq,a(b,c)', 1, /'\(' is not allowed/],
    ['(eq,a,b\u0000)', 1, /NUL/],
    ['(eq,a,b);(eq,c,d);(eq,e', 3, /at least one value/],
  ];
  for (const [filter, position, reason] of cases) {
    it(JSON.stringify(filter), () => rejects(filter, position, reason));
  }

  it('shows the term as written in the detail', () => {
    assert.throws(() => parseFilter("(eq,a,b);(eq,x,'y"), (e: unknown) => e instanceof BadRequest && e.detail.includes(`"(eq,x,'y"`));
  });

  it('bounds the number of terms', () => {
    rejects(Array.from({ length: 101 }, () => '(eq,a,b)').join(';'), 101, /at most 100 terms/);
  });
});
