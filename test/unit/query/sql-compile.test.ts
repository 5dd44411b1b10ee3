import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { checkFilter, parseFilter } from '../../../src/query/filter.js';
import type { QuerySpec } from '../../../src/query/types.js';
import { compileFilter, jsonPath } from '../../../src/store/sol013-sql.js';
import type { TestDb } from '../../helpers/db.js';
import { BACKENDS, FILTER, TABLE, formatFilter, openDb, specDocOnly, specWithColumns, uuidFor } from './fixtures.js';

const compile = (filter: string, spec: QuerySpec = specWithColumns, first = 1) => compileFilter(checkFilter(parseFilter(filter), spec), spec, first);

describe('compileFilter', () => {
  it('numbers parameters from firstParam', () => {
    const { sql, values } = compile('(eq,name,x);(in,state,ENABLED,DISABLED)', specWithColumns, 4);
    // The JSON document is the containment hint that lets a GIN index answer eq on `name`.
    assert.deepEqual(values, ['name', 'x', '{"name":"x"}', 'ENABLED', 'DISABLED']);
    assert.match(sql, /\$4::text/);
    assert.match(sql, /\$8::text/);
    assert.doesNotMatch(sql, /\$[1-3]\b|\$9/);
  });

  it('uses a column for its exact path, the document otherwise', () => {
    assert.match(compile('(eq,state,ENABLED)').sql, /"state" IS NOT NULL/);
    assert.doesNotMatch(compile('(eq,state,ENABLED)', specDocOnly).sql, /"state"/);
    assert.match(compile('(gt,createdAt,2024-01-01T00:00:00Z)').sql, /"created_at" > \$1::text::timestamptz/);
  });

  it('refuses a column whose type cannot hold the attribute (a spec bug, not a client error)', () => {
    const bad: QuerySpec = { ...specWithColumns, columns: { name: { column: 'cnt', type: 'number' } } };
    assert.throws(() => compile('(eq,name,x)', bad), /column cnt \(number\) cannot serve string attribute name/);
  });

  it('keeps every client-supplied name and value out of the SQL text', () => {
    const token = "XyZ'\"\\;--";
    const { sql, values } = compile(
      `(eq,userDefinedData/${token.replace(/~/g, '~0')},'${token.replace(/'/g, "''")}');(cont,name,'${token.replace(/'/g, "''")}')`,
    );
    assert.equal(sql.includes('XyZ'), false);
    assert.ok(values.some((v) => typeof v === 'string' && v.includes('XyZ')));
  });

  it('depends on the shape of a typed filter only, not on its values', () => {
    fc.assert(
      fc.property(FILTER, (gen) => {
        // Untyped values (open maps) compile per value type: a number also gets a numeric test.
        fc.pre(gen.every((g) => g.mapKeys || (g.path[0] !== 'userDefinedData' && g.path[0] !== 'metadata')));
        const a = compile(formatFilter(gen)).sql;
        const b = compile(formatFilter(gen.map((g) => ({ ...g, values: g.values.map(() => g.values[0]!) })))).sql;
        assert.equal(a.replace(/\$\d+/g, '$'), b.replace(/\$\d+/g, '$'));
      }),
      { numRuns: 200 },
    );
  });

  it('quotes jsonpath member names', () => {
    assert.equal(jsonPath(['a"b', 'c\\d', 'e\u0001'], false), 'lax $."a\\"b"[*]."c\\\\d"[*]."e\\u0001"[*]');
    assert.equal(jsonPath(['m'], true), 'lax $."m"[*] ? (@.type() == "object").keyvalue()."key"');
  });
});

for (const backend of BACKENDS) {
  describe(`compiled filters on malformed stored documents (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDb;
    before(async () => {
      t = await openDb(backend.kind);
      const docs = [
        { id: uuidFor(1), state: 7, count: 'ten', flag: 'true', createdAt: 5, name: ['x'], nested: [{ when: '2024-02-30T00:00:00Z' }] },
        { id: uuidFor(2), state: null, count: { n: 1 }, createdAt: '2024-13-45T99:00:00Z', nested: { when: 'soon', level: '1' }, images: { name: 'a' } },
        { id: uuidFor(3), images: [1, 'x', null, [{ name: 'deep' }]], userDefinedData: 'flat', metadata: [{ k: 1 }] },
      ];
      for (const d of docs) await t.db.query(`INSERT INTO ${TABLE} (id, doc) VALUES ($1, $2::jsonb)`, [d.id, JSON.stringify(d)]);
    });
    after(async () => {
      await t?.drop();
    });

    it('never fails the query, whatever the stored types', async () => {
      const filters = [
        '(gt,count,1)',
        '(eq,flag,true)',
        '(lt,createdAt,2030-01-01T00:00:00Z)',
        '(gte,nested/when,2000-01-01T00:00:00Z)',
        '(eq,nested/level,1)',
        '(cont,name,x)',
        '(in,state,ENABLED)',
        '(eq,images/name,deep)',
        '(gt,userDefinedData/k,0)',
        '(eq,metadata/@key,k)',
        '(neq,images/size,1)',
      ];
      for (const f of filters) {
        const { sql, values } = compile(f, specDocOnly);
        await t.db.query(`SELECT id FROM ${TABLE} WHERE ${sql}`, values);
      }
      const { sql, values } = compile('(eq,images/name,deep)', specDocOnly);
      // lax navigation reaches objects nested one array level deeper, as the evaluator does
      assert.equal((await t.db.query(`SELECT id FROM ${TABLE} WHERE ${sql}`, values)).rows.length, 1);
    });
  });
}
