// Property: for random documents and random filters, the SQL compiled by compileFilter (and run by
// listDocuments) selects exactly the documents the in-memory reference evaluator matches, on
// PGlite and on PostgreSQL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { checkFilter, parseFilter } from '../../../src/query/filter.js';
import { matchesFilter } from '../../../src/query/evaluate.js';
import type { QuerySpec } from '../../../src/query/types.js';
import type { Queryable } from '../../../src/store/db.js';
import { listDocuments } from '../../../src/store/list.js';
import { compileFilter } from '../../../src/store/sol013-sql.js';
import type { TestDb } from '../../helpers/db.js';
import { BACKENDS, DOCS, FILTER, TABLE, formatFilter, insertDocs, openDb, specDocOnly, specWithColumns } from './fixtures.js';

const MARKER_KEY = randomBytes(32);

async function sqlIds(db: Queryable, filter: string, spec: QuerySpec): Promise<string[]> {
  const terms = checkFilter(parseFilter(filter), spec);
  const where = compileFilter(terms, spec, 1);
  const { rows } = await db.query<{ id: string }>(`SELECT doc->>'id' AS id FROM ${TABLE} WHERE ${where.sql}`, where.values);
  return rows.map((r) => r.id).sort();
}

function memoryIds(docs: Record<string, unknown>[], filter: string, spec: QuerySpec): string[] {
  const terms = checkFilter(parseFilter(filter), spec);
  return docs.filter((d) => matchesFilter(d, terms)).map((d) => String(d.id)).sort();
}

for (const backend of BACKENDS) {
  describe(`SOL013 filter: SQL equals the in-memory evaluator (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDb;
    before(async () => {
      t = await openDb(backend.kind);
    });
    after(async () => {
      await t?.drop();
    });

    it('on random documents and filters, with and without indexed columns', async () => {
      const stats = { compared: 0, someButNotAll: 0 };
      await fc.assert(
        fc.asyncProperty(DOCS, fc.array(FILTER, { minLength: 1, maxLength: 4 }), async (docs, filters) => {
          await t.db.query(`DELETE FROM ${TABLE}`);
          await insertDocs(t.db, docs);
          for (const gen of filters) {
            const filter = formatFilter(gen);
            const expected = memoryIds(docs, filter, specDocOnly);
            assert.deepEqual(await sqlIds(t.db, filter, specDocOnly), expected, `doc-only SQL differs for ${filter}`);
            assert.deepEqual(memoryIds(docs, filter, specWithColumns), expected);
            assert.deepEqual(await sqlIds(t.db, filter, specWithColumns), expected, `column SQL differs for ${filter}`);
            stats.compared++;
            if (expected.length > 0 && expected.length < docs.length) stats.someButNotAll++;
          }
        }),
        { numRuns: 150 },
      );
      // The generators must produce discriminating filters, or the equality above proves little.
      assert.ok(stats.someButNotAll > stats.compared / 10, `only ${stats.someButNotAll} of ${stats.compared} filters split the documents`);
    });

    it('listDocuments returns the same documents as the evaluator', async () => {
      await fc.assert(
        fc.asyncProperty(DOCS, FILTER, async (docs, gen) => {
          await t.db.query(`DELETE FROM ${TABLE}`);
          await insertDocs(t.db, docs);
          const filter = formatFilter(gen);
          const page = await listDocuments<{ id: string }>(t.db, {
            table: TABLE,
            spec: specWithColumns,
            query: { filter, all_fields: '' },
            pageSize: 1_000_000,
            markerKey: MARKER_KEY,
          });
          assert.equal(page.nextMarker, undefined);
          // Creation order, and the full documents under all_fields.
          const expected = docs.filter((d) => matchesFilter(d, checkFilter(parseFilter(filter), specWithColumns)));
          assert.deepEqual(page.items, expected);
        }),
        { numRuns: 100 },
      );
    });
  });
}
