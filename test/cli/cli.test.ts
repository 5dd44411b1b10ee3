import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_DB_KIND, createPgDatabase } from '../helpers/db.js';

// The compiled `mecano` command as a user runs it (npm test builds dist/ first).

const CLI = path.resolve('dist/src/cli/main.js');
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir() {
  const d = await mkdtemp(path.join(tmpdir(), 'mecano-cli-'));
  dirs.push(d);
  return d;
}

/** Starts `mecano serve` on an ephemeral port and resolves its URL from the listen log line. */
export function serve(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ReturnType<typeof spawn> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve'], { env: { ...process.env, MECANO_PORT: '0', MECANO_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`mecano did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /mecano \S+ listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mecano exited with ${code}: ${out}`));
    });
  });
}

function stop(child: ReturnType<typeof spawn>, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

describe('mecano CLI', () => {
  it('prints its version and help', () => {
    const v = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
    assert.equal(v.status, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+/);
    const h = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.match(h.stdout, /serve/);
    assert.match(h.stdout, /migrate/);
  });

  it('exits with code 2 and a clear message on bad configuration', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve'], { encoding: 'utf8', env: { ...process.env, MECANO_PORT: 'eighty' } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /MECANO_PORT must be an integer/);
    const r2 = spawnSync(process.execPath, [CLI, 'serve'], { encoding: 'utf8', env: { ...process.env, MECANO_HOST: '0.0.0.0', MECANO_AUTH_USERS: '' } });
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /refusing to listen on 0\.0\.0\.0/);
  });

  it('keeps data across a restart and shuts down gracefully on SIGTERM', async () => {
    const dataDir = await tempDir();
    const env: NodeJS.ProcessEnv = { MECANO_DATA_DIR: dataDir };
    let dropDb: (() => Promise<void>) | undefined;
    if (TEST_DB_KIND === 'postgres') {
      const created = await createPgDatabase();
      env.DATABASE_URL = created.url;
      dropDb = created.drop;
    }
    try {
      const a = await serve(env);
      const created = await (await fetch(`${a.url}/vnfpkgm/v1/vnf_packages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userDefinedData":{"k":"v"}}' })).json() as { id: string };
      assert.equal(await stop(a.child), 0);
      const b = await serve(env);
      const got = await fetch(`${b.url}/vnfpkgm/v1/vnf_packages/${created.id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(((await got.json()) as { userDefinedData: unknown }).userDefinedData, { k: 'v' });
      assert.equal(await stop(b.child), 0);
    } finally {
      await dropDb?.();
    }
  });

  it('migrate applies the schema once, even from several processes at once', async () => {
    const dataDir = await tempDir();
    const env: NodeJS.ProcessEnv = { ...process.env, MECANO_DATA_DIR: dataDir };
    let dropDb: (() => Promise<void>) | undefined;
    if (TEST_DB_KIND === 'postgres') {
      const created = await createPgDatabase();
      env.DATABASE_URL = created.url;
      dropDb = created.drop;
    }
    try {
      // PGlite's data dir belongs to one process at a time; concurrency is a PostgreSQL property.
      const n = TEST_DB_KIND === 'postgres' ? 3 : 1;
      const runs = await Promise.all(
        Array.from({ length: n }, () => new Promise<{ code: number | null; out: string }>((resolve) => {
          const c = spawn(process.execPath, [CLI, 'migrate'], { env });
          let out = '';
          c.stdout.on('data', (b: Buffer) => (out += b));
          c.stderr.on('data', (b: Buffer) => (out += b));
          c.on('exit', (code) => resolve({ code, out }));
        })),
      );
      for (const r of runs) assert.equal(r.code, 0, r.out);
      assert.equal(runs.filter((r) => r.out.includes('applied: 0001_core')).length, 1);
      const again = spawnSync(process.execPath, [CLI, 'migrate'], { env, encoding: 'utf8' });
      assert.match(again.stdout, /schema is current/);
    } finally {
      await dropDb?.();
    }
  });
});
