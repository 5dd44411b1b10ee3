// `npm test`: type-check and build, then run the whole suite twice — on embedded PGlite and on
// PostgreSQL (TEST_DATABASE_URL, else the server on 127.0.0.1:5432, else a throwaway cluster
// from initdb). With CI=true the PostgreSQL run is required.
import { spawnSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

const argv = process.argv.slice(2);
const only = argv.filter((a) => !a.startsWith('--'));
const backends = argv.includes('--pglite-only') ? ['pglite'] : argv.includes('--postgres-only') ? ['postgres'] : ['pglite', 'postgres'];

function findTests(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

async function canConnect(url) {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/** A throwaway cluster when no server answers: initdb + pg_ctl on a private port and socket dir. */
function throwawayCluster() {
  const bin = ['/usr/lib/postgresql'].filter(existsSync).flatMap((d) => readdirSync(d).sort().reverse().map((v) => path.join(d, v, 'bin'))).find((b) => existsSync(path.join(b, 'initdb')));
  if (!bin) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'mecano-pg-'));
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  spawnSync('chown', ['-R', 'postgres', dir]);
  const run = (cmd, args) => spawnSync(asPostgres[0] ?? cmd, asPostgres.length ? [...asPostgres.slice(1), cmd, ...args] : args, { stdio: 'inherit' });
  if (run(path.join(bin, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust']).status !== 0) return undefined;
  const port = 54329;
  if (run(path.join(bin, 'pg_ctl'), ['-D', path.join(dir, 'data'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-w', 'start']).status !== 0) return undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      run(path.join(bin, 'pg_ctl'), ['-D', path.join(dir, 'data'), '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function runSuite(kind, files, env) {
  return new Promise((resolve) => {
    const tap = path.join(tmpdir(), `mecano-${kind}-${process.pid}.tap`);
    const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000',
      '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files];
    console.log(`\n=== test run on ${kind} (${files.length} files) ===`);
    const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env, MECANO_TEST_DB: kind } });
    child.on('exit', (code) => {
      const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
      const num = (k) => Number(new RegExp(`^# ${k} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
      rmSync(tap, { force: true });
      resolve({ code: code ?? 1, pass: num('pass'), fail: num('fail'), skipped: num('skipped') });
    });
  });
}

const build = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('build failed');
  process.exit(1);
}
const files = only.length ? only : findTests('test');
const results = [];
let cluster;
for (const kind of backends) {
  const env = {};
  if (kind === 'postgres') {
    let url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    if (!(await canConnect(url))) {
      cluster = throwawayCluster();
      url = cluster?.url;
    }
    if (!url || !(await canConnect(url))) {
      const msg = 'no PostgreSQL server available for the PostgreSQL run';
      if (process.env.CI === 'true') {
        console.error(`FAIL: ${msg} (required with CI=true)`);
        results.push({ code: 1, pass: 0, fail: 1, skipped: 0 });
        continue;
      }
      console.warn(`SKIP: ${msg}`);
      continue;
    }
    env.TEST_DATABASE_URL = url;
  }
  results.push(await runSuite(kind, files, env));
}
cluster?.stop();
const total = results.reduce((a, r) => ({ pass: a.pass + r.pass, fail: a.fail + r.fail, skipped: a.skipped + r.skipped }), { pass: 0, fail: 0, skipped: 0 });
const ok = results.every((r) => r.code === 0) && total.fail === 0;
console.log(`\n${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped`);
process.exit(ok ? 0 : 1);
