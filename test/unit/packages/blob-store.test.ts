import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { FileBlobStore, PgBlobStore, type BlobStore } from '../../../src/packages/index.js';
import { openPglite } from '../../../src/store/pglite.js';
import { openPostgres } from '../../../src/store/postgres.js';
import type { Db } from '../../../src/store/db.js';
import { ProblemError } from '../../../src/errors.js';

// The blob store contract, run against the file store, PGlite and a PostgreSQL server.

const MIGRATION = new URL('../../../src/store/migrations/0002_packages.sql', import.meta.url);
const PG_ADMIN = process.env.MECANO_TEST_PG_ADMIN ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function text(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A lazily generated stream that records how much of it was pulled. */
function lazy(total: number, chunk = 64 * 1024): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = Readable.from(
    (function* () {
      while (pulled < total) {
        const n = Math.min(chunk, total - pulled);
        pulled += n;
        yield Buffer.alloc(n, 7);
      }
    })(),
    { objectMode: false },
  );
  return { stream, pulled: () => pulled };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

interface Backend {
  name: string;
  open(): Promise<{ store: BlobStore; stored(): Promise<number>; close(): Promise<void> }>;
}

async function migrated(db: Db): Promise<Db> {
  // Only this module's migration: the blob tables depend on nothing else.
  await db.exec(await readFile(MIGRATION, 'utf8'));
  return db;
}

function pgStore(db: Db, cacheDir: string): { store: PgBlobStore; stored(): Promise<number> } {
  return {
    store: new PgBlobStore(db, { cacheDir, chunkSize: 1000 }),
    async stored() {
      const r = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM blobs) + (SELECT count(*) FROM blob_chunks) AS n');
      const tmp = await listFiles(path.join(cacheDir, 'tmp'));
      return Number(r.rows[0].n) + tmp.length;
    },
  };
}

let pgReachable = false;
let pgDbName = '';
before(async () => {
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  try {
    await admin.connect();
    pgDbName = `mecano_test_blobs_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${pgDbName}`);
    pgReachable = true;
  } catch {
    pgReachable = false;
  } finally {
    await admin.end().catch(() => {});
  }
});
after(async () => {
  if (!pgReachable) return;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pgDbName} WITH (FORCE)`);
  await admin.end();
});

const backends: Backend[] = [
  {
    name: 'files',
    async open() {
      const dir = await mkdtemp(path.join(tmpdir(), 'mecano-blobs-'));
      const store = new FileBlobStore(dir);
      return { store, stored: async () => (await listFiles(path.join(dir, 'blobs'))).length, close: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PGlite',
    async open() {
      const dir = await mkdtemp(path.join(tmpdir(), 'mecano-blobs-'));
      const db = await migrated(await openPglite(undefined));
      return { ...pgStore(db, dir), close: async () => (await db.close(), await rm(dir, { recursive: true, force: true })) };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const dir = await mkdtemp(path.join(tmpdir(), 'mecano-blobs-'));
      const db = await openPostgres(PG_ADMIN.replace(/\/postgres$/, `/${pgDbName}`), { max: 2 });
      await db.exec('DROP TABLE IF EXISTS blob_chunks; DROP TABLE IF EXISTS blobs;');
      await migrated(db);
      return { ...pgStore(db, dir), close: async () => (await db.close(), await rm(dir, { recursive: true, force: true })) };
    },
  },
];

for (const b of backends) {
  describe(`blob store on ${b.name}`, () => {
    const it2 = (name: string, fn: (s: Awaited<ReturnType<Backend['open']>>) => Promise<void>) =>
      it(name, async (t) => {
        if (b.name === 'PostgreSQL' && !pgReachable) return t.skip('no PostgreSQL server at ' + PG_ADMIN);
        const s = await b.open();
        try {
          await fn(s);
        } finally {
          await s.close();
        }
      });

    it2('stores content under its SHA-256 and reads it back, whole and by range', async ({ store }) => {
      const data = randomBytes(4567);
      const r = await store.put(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), { maxBytes: 1 << 20 });
      assert.deepEqual(r, { sha256: sha(data), size: 4567 });
      assert.equal(await store.has(r.sha256), true);
      assert.equal(await store.size(r.sha256), 4567);
      assert.ok((await text(await store.openRead(r.sha256))).equals(data));
      for (const [start, end] of [[0, 0], [3, 10], [990, 2010], [999, 1000], [4000, 4566], [4500, 99999]]) {
        assert.ok((await text(await store.openRead(r.sha256, { start, end }))).equals(data.subarray(start, end + 1)), `range ${start}-${end}`);
      }
      await assert.rejects(store.openRead(r.sha256, { start: 4567, end: 5000 }), (e: ProblemError) => e.status === 416 && e.code === 'RANGE_NOT_SATISFIABLE');
      await assert.rejects(store.openRead(r.sha256, { start: 5, end: 2 }), (e: ProblemError) => e.status === 416);
    });

    it2('stores identical content once', async ({ store, stored }) => {
      const data = randomBytes(2500);
      const a = await store.put(Readable.from([data]), { maxBytes: 1 << 20 });
      const before = await stored();
      const b2 = await store.put(Readable.from([data]), { maxBytes: 1 << 20 });
      assert.equal(b2.sha256, a.sha256);
      assert.equal(await stored(), before);
    });

    it2('refuses an upload over the limit while streaming, leaving nothing stored', async ({ store, stored }) => {
      const src = lazy(100 * 1024 * 1024);
      await assert.rejects(store.put(src.stream, { maxBytes: 1024 * 1024 }), (e: ProblemError) => e.status === 413 && e.code === 'PAYLOAD_TOO_LARGE');
      assert.ok(src.pulled() < 8 * 1024 * 1024, `only the first bytes were read (${src.pulled()})`);
      assert.equal(await stored(), 0);
    });

    it2('accepts exactly maxBytes and an empty blob', async ({ store }) => {
      const exact = await store.put(lazy(3000, 700).stream, { maxBytes: 3000 });
      assert.equal(exact.size, 3000);
      const empty = await store.put(Readable.from([], { objectMode: false }), { maxBytes: 10 });
      assert.equal(empty.sha256, sha(Buffer.alloc(0)));
      assert.equal((await text(await store.openRead(empty.sha256))).length, 0);
    });

    it2('materializes a local file for random access', async ({ store }) => {
      const data = randomBytes(3333);
      const { sha256 } = await store.put(Readable.from([data]), { maxBytes: 1 << 20 });
      const file = await store.materialize(sha256);
      assert.ok((await readFile(file)).equals(data));
      await rm(file, { force: true });
      if (store instanceof PgBlobStore) assert.ok((await readFile(await store.materialize(sha256))).equals(data), 'rebuilt from the database');
    });

    it2('deletes, then reports the blob absent', async ({ store, stored }) => {
      const { sha256 } = await store.put(Readable.from([randomBytes(1500)]), { maxBytes: 1 << 20 });
      assert.equal(await store.delete(sha256), true);
      assert.equal(await store.delete(sha256), false);
      assert.equal(await store.has(sha256), false);
      assert.equal(await store.size(sha256), null);
      await assert.rejects(store.openRead(sha256), (e: ProblemError) => e.status === 404 && e.code === 'BLOB_NOT_FOUND');
      await assert.rejects(store.materialize(sha256), (e: ProblemError) => e.status === 404);
      assert.equal(await stored(), 0);
    });

    it2('rejects keys that are not SHA-256 hex', async ({ store }) => {
      await assert.rejects(store.has('../../etc/passwd'), (e: ProblemError) => e.status === 400 && e.code === 'BLOB_KEY_INVALID');
    });
  });
}
