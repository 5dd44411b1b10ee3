import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { BadRequest } from '../../../src/errors.js';
import { matchesFilter } from '../../../src/query/evaluate.js';
import { checkFilter, parseFilter, type TypedTerm } from '../../../src/query/filter.js';
import type { QuerySpec } from '../../../src/query/types.js';
import { specWithColumns as spec } from './fixtures.js';

const typed = (filter: string, s: QuerySpec = spec): TypedTerm[] => checkFilter(parseFilter(filter), s);

function rejects(filter: string, position: number, reason: RegExp): void {
  assert.throws(
    () => typed(filter),
    (e: unknown) => {
      assert.ok(e instanceof BadRequest);
      assert.equal(e.code, 'INVALID_FILTER');
      assert.match(e.detail, new RegExp(`^Invalid filter term ${position} `));
      assert.match(e.detail, reason);
      return true;
    },
  );
}

describe('checkFilter: resolution against the schema', () => {
  it('types leaves and picks the navigation', () => {
    const [a, b, c, d, e, f] = typed(
      '(eq,name,x);(gt,images/size,1);(eq,userDefinedData/k/x,1);(eq,metadata/@key,k);(lt,nested/when,2024-01-01T00:00:00Z);(eq,flag,true)',
    );
    assert.deepEqual([a!.kind, a!.nav], ['string', 'direct']);
    assert.deepEqual([b!.kind, b!.nav], ['number', 'lax']);
    assert.deepEqual([c!.kind, c!.nav], ['dynamic', 'lax']);
    assert.deepEqual([d!.kind, d!.nav, d!.mapKeys], ['key', 'lax', true]);
    assert.deepEqual([e!.kind, e!.nav], ['date-time', 'direct']);
    assert.deepEqual([f!.kind, f!.nav], ['boolean', 'direct']);
  });

  it('reads TypeBox intersections, nullable unions and free-form objects', () => {
    const s: QuerySpec = {
      resource: 'R',
      defaultExcluded: [],
      schema: Type.Intersect([
        Type.Object({ a: Type.Union([Type.String(), Type.Null()]) }),
        Type.Object({ b: Type.Object({}), c: Type.Array(Type.Array(Type.Object({ d: Type.Integer() }))) }),
      ]),
    };
    assert.equal(typed('(eq,a,x)', s)[0]!.kind, 'string');
    assert.equal(typed('(eq,b/any/thing,x)', s)[0]!.kind, 'dynamic');
    assert.equal(typed('(gte,c/d,2)', s)[0]!.kind, 'number');
  });
});

describe('checkFilter: client errors name the term and its position', () => {
  const cases: [string, number, RegExp][] = [
    ['(eq,unknown,x)', 1, /unknown attribute "unknown" in TestDoc/],
    ['(eq,name,x);(eq,nested/nope,1)', 2, /unknown attribute "nested\/nope"/],
    ['(eq,name/x,1)', 1, /"name" has no attributes/],
    ['(eq,nested,x)', 1, /structured attribute/],
    ['(eq,images,x)', 1, /structured attribute/],
    ['(cont,count,1)', 1, /operator cont does not apply to number/],
    ['(gt,flag,true)', 1, /operator gt does not apply to boolean/],
    ['(in,flag,true,false)', 1, /operator in does not apply to boolean/],
    ['(gt,state,ENABLED)', 1, /operator gt does not apply to enum/],
    ['(eq,count,ten)', 1, /"ten" is not a number/],
    ['(eq,count,1e999)', 1, /is not a number/],
    ['(eq,count,0x10)', 1, /is not a number/],
    ['(eq,flag,yes)', 1, /not a boolean/],
    ['(in,state,ENABLED,FOO)', 1, /"FOO" is not one of ENABLED, DISABLED/],
    ['(gt,createdAt,yesterday)', 1, /not an RFC 3339 date-time/],
    ['(gt,createdAt,2024-01-01T00:00:00)', 1, /not an RFC 3339 date-time/],
    ['(gt,createdAt,2024-02-30T00:00:00Z)', 1, /not an RFC 3339 date-time/],
    ['(eq,name/@key,x)', 1, /'@key' applies to maps/],
  ];
  for (const [filter, position, reason] of cases) it(filter, () => rejects(filter, position, reason));
});

describe('matchesFilter: SOL013 semantics', () => {
  const doc = {
    id: 'i1',
    name: "it's",
    state: 'ENABLED',
    count: 10,
    flag: false,
    createdAt: '2024-01-01T10:00:00.000Z',
    images: [
      { name: 'a', size: 1, tags: ['x', 'y'] },
      { name: 'b', size: 5 },
    ],
    userDefinedData: { port: 8080, mode: 'fast', on: true, nested: { deep: [1, 'two'] } },
    _links: { self: { href: '/x' } },
  };
  const m = (filter: string) => matchesFilter(doc, typed(filter));

  it('any element of an array matches; negations need no element to match', () => {
    assert.equal(m('(eq,images/name,b)'), true);
    assert.equal(m('(neq,images/name,b)'), false);
    assert.equal(m('(neq,images/name,c)'), true);
    assert.equal(m('(nin,images/name,a,b)'), false);
    assert.equal(m('(eq,images/tags,y)'), true);
    assert.equal(m('(gt,images/size,4)'), true);
    assert.equal(m('(gt,images/size,5)'), false);
  });

  it('a missing attribute fails positive operators and passes negated ones', () => {
    assert.equal(m('(eq,nested/label,x)'), false);
    assert.equal(m('(neq,nested/label,x)'), true);
    assert.equal(m('(nin,labels,x)'), true);
    assert.equal(m('(ncont,metadata/k,x)'), true);
    assert.equal(m('(cont,metadata/k,x)'), false);
  });

  it('compares by type: numbers numerically, date-times as instants, strings by code point', () => {
    assert.equal(m('(eq,count,10.0)'), true);
    assert.equal(m('(gt,count,9.99999999999999999999)'), true);
    assert.equal(m('(eq,createdAt,2024-01-01T11:00:00+01:00)'), true);
    assert.equal(m('(lt,createdAt,2024-01-01T10:00:00.000001Z)'), true);
    assert.equal(m("(eq,name,'it''s')"), true);
    assert.equal(m('(cont,name,t)'), true);
    assert.equal(m('(gt,name,i)'), true);
    assert.equal(m('(eq,flag,false)'), true);
  });

  it('takes the type of open-map values from the stored value', () => {
    assert.equal(m('(gt,userDefinedData/port,999)'), true);
    assert.equal(m('(eq,userDefinedData/port,8080.0)'), true);
    assert.equal(m('(cont,userDefinedData/port,80)'), false);
    assert.equal(m('(gt,userDefinedData/mode,f)'), true);
    assert.equal(m('(eq,userDefinedData/on,true)'), true);
    assert.equal(m('(eq,userDefinedData/nested/deep,two)'), true);
    assert.equal(m('(eq,userDefinedData/nested/deep,1)'), true);
    assert.equal(m('(in,userDefinedData/@key,mode,x)'), true);
    assert.equal(m('(nin,userDefinedData/@key,zzz)'), true);
  });

  it('ANDs the terms', () => {
    assert.equal(m('(eq,state,ENABLED);(eq,flag,false)'), true);
    assert.equal(m('(eq,state,ENABLED);(eq,flag,true)'), false);
  });
});
