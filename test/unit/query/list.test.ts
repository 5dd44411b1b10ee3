// listDocuments on a real table: keyset paging, marker binding, fixed conditions, selectors.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { BadRequest } from '../../../src/errors.js';
import type { ListQuery } from '../../../src/query/types.js';
import { listDocuments } from '../../../src/store/list.js';
import type { TestDb } from '../../helpers/db.js';
import { BACKENDS, TABLE, insertDocs, openDb, specWithColumns as spec, uuidFor } from './fixtures.js';

const markerKey = randomBytes(32);

function makeDoc(n: number): Record<string, unknown> {
  return {
    id: uuidFor(n),
    name: `doc-${n}`,
    state: n % 2 === 0 ? 'ENABLED' : 'DISABLED',
    count: n,
    images: [{ name: `img-${n % 3}` }],
    _links: { self: { href: `/x/${n}` } },
  };
}

type Doc = ReturnType<typeof makeDoc>;

for (const backend of BACKENDS) {
  describe(`listDocuments (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDb;
    const list = (query: ListQuery, pageSize = 10, extra: { where?: { sql: string; values: unknown[] }; markerTtlSeconds?: number } = {}) =>
      listDocuments<Doc>(t.db, { table: TABLE, spec, query, pageSize, markerKey, ...extra });

    async function all(query: ListQuery, pageSize: number, where?: { sql: string; values: unknown[] }): Promise<Partial<Doc>[]> {
      const out: Partial<Doc>[] = [];
      let marker: string | undefined;
      do {
        const page = await list({ ...query, ...(marker ? { nextpage_opaque_marker: marker } : {}) }, pageSize, { where });
        assert.ok(page.items.length <= pageSize);
        out.push(...page.items);
        marker = page.nextMarker;
      } while (marker);
      return out;
    }

    before(async () => {
      t = await openDb(backend.kind);
    });
    after(async () => {
      await t?.drop();
    });
    beforeEach(async () => {
      await t.db.query(`DELETE FROM ${TABLE}`);
    });

    it('pages in creation order with a marker until the last page', async () => {
      await insertDocs(t.db, Array.from({ length: 25 }, (_, i) => makeDoc(i + 1)));
      const p1 = await list({});
      assert.deepEqual(p1.items.map((d) => d.name), Array.from({ length: 10 }, (_, i) => `doc-${i + 1}`));
      assert.ok(p1.nextMarker);
      const p2 = await list({ nextpage_opaque_marker: p1.nextMarker });
      assert.equal(p2.items[0]!.name, 'doc-11');
      const p3 = await list({ nextpage_opaque_marker: p2.nextMarker });
      assert.equal(p3.items.length, 5);
      assert.equal(p3.nextMarker, undefined);
      // default selector: images is default-excluded
      assert.equal('images' in p1.items[0]!, false);
    });

    it('gives no marker when the last page is exactly full', async () => {
      await insertDocs(t.db, Array.from({ length: 10 }, (_, i) => makeDoc(i + 1)));
      assert.equal((await list({})).nextMarker, undefined);
    });

    it('pages through filtered results and applies selectors', async () => {
      await insertDocs(t.db, Array.from({ length: 30 }, (_, i) => makeDoc(i + 1)));
      const items = await all({ filter: '(eq,state,ENABLED);(eq,images/name,img-0)', fields: 'images' }, 2);
      assert.deepEqual(items.map((d) => d.count), [6, 12, 18, 24, 30]);
      assert.deepEqual(items[0]!.images, [{ name: 'img-0' }]);
    });

    it('binds the marker to the query', async () => {
      await insertDocs(t.db, Array.from({ length: 25 }, (_, i) => makeDoc(i + 1)));
      const { nextMarker } = await list({ filter: '(gt,count,1)' });
      const reuse = (q: ListQuery) =>
        assert.rejects(list({ ...q, nextpage_opaque_marker: nextMarker }), (e: unknown) => e instanceof BadRequest && e.code === 'INVALID_PAGING_MARKER');
      await reuse({ filter: '(gt,count,2)' });
      await reuse({});
      await reuse({ filter: '(gt,count,1)', all_fields: '' });
      await reuse({ filter: '(gt,count,1)', exclude_fields: 'images' });
      assert.equal((await list({ filter: '(gt,count,1)', nextpage_opaque_marker: nextMarker })).items[0]!.count, 12);
    });

    it('rejects expired and tampered markers', async () => {
      await insertDocs(t.db, Array.from({ length: 12 }, (_, i) => makeDoc(i + 1)));
      const expired = (await list({}, 10, { markerTtlSeconds: 0 })).nextMarker!;
      await assert.rejects(list({ nextpage_opaque_marker: expired }), /expired/);
      const good = (await list({})).nextMarker!;
      const tampered = (good[0] === 'A' ? 'B' : 'A') + good.slice(1);
      await assert.rejects(list({ nextpage_opaque_marker: tampered }), (e: unknown) => e instanceof BadRequest && e.status === 400);
    });

    it('ANDs a fixed condition written with $1..$n before the filter parameters', async () => {
      await insertDocs(t.db, Array.from({ length: 6 }, (_, i) => makeDoc(i + 1)), 'tenant-a');
      await insertDocs(t.db, Array.from({ length: 6 }, (_, i) => makeDoc(i + 101)), 'tenant-b');
      const where = { sql: 'tenant = $1 AND seq > $2', values: ['tenant-b', 0] };
      const items = await all({ filter: '(in,state,ENABLED);(lt,count,105)' }, 1, where);
      assert.deepEqual(items.map((d) => d.count), [102, 104]);
      const { nextMarker } = await list({}, 1, { where });
      await assert.rejects(list({ nextpage_opaque_marker: nextMarker }, 1, { where: { sql: 'tenant = $1', values: ['tenant-a'] } }), /another query/);
    });

    it('validates the request before touching the database', async () => {
      await assert.rejects(list({ filter: '(eq,nope,1)' }), (e: unknown) => e instanceof BadRequest && e.code === 'INVALID_FILTER');
      await assert.rejects(list({ fields: 'nope' }), (e: unknown) => e instanceof BadRequest && e.code === 'INVALID_ATTRIBUTE_SELECTOR');
      await assert.rejects(list({ nextpage_opaque_marker: 'x' }), (e: unknown) => e instanceof BadRequest && e.code === 'INVALID_PAGING_MARKER');
    });

    it('never repeats or skips an existing row while rows are inserted between and during pages', async () => {
      const old = Array.from({ length: 40 }, (_, i) => makeDoc(i + 1));
      await insertDocs(t.db, old);
      let next = 1000;
      const writer = async () => {
        for (let i = 0; i < 30; i++) {
          // Some writers hold their transaction open, so on PostgreSQL sequence order and commit
          // order differ: a later page may then miss such a new row, but never an old one.
          await t.db.tx(async (tx) => {
            await insertDocs(tx, [makeDoc(next++)]);
            if (i % 3 === 0) await sleep(2);
          });
          await sleep(1);
        }
      };
      const reader = async () => {
        const seen: Partial<Doc>[] = [];
        let marker: string | undefined;
        do {
          const page = await list({ all_fields: '', ...(marker ? { nextpage_opaque_marker: marker } : {}) }, 7);
          seen.push(...page.items);
          marker = page.nextMarker;
          await sleep(3);
        } while (marker);
        return seen;
      };
      const [seen] = await Promise.all([reader(), writer(), writer()]);
      const ids = seen.map((d) => d.id);
      assert.equal(new Set(ids).size, ids.length, 'a row was served twice');
      for (const d of old) assert.ok(ids.includes(d.id as string), `old row ${String(d.id)} was skipped`);
      assert.deepEqual(ids.slice(0, old.length), old.map((d) => d.id), 'old rows in creation order');
    });
  });
}
