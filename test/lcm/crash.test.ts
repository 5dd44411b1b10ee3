import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_DB_KIND, createPgDatabase } from '../helpers/db.js';
import { onboardSample, v2, waitOp } from '../helpers/lcm.js';

// kill -9 of mecano in the middle of an instantiate and of a scale: after a restart the
// operations finish (their leases expire and another worker resumes them), and what runs is
// exactly what the database says — no orphan processes or namespaces.

const CLI = path.resolve('dist/src/cli/main.js');
const IS_ROOT = process.getuid?.() === 0;
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

function serve(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve'], { env: { ...process.env, MECANO_PORT: '0', MECANO_LOG_LEVEL: 'info', MECANO_LEASE_MS: '1500', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mecano exited with ${code}: ${out}`));
    });
  });
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Waits until the occurrence is PROCESSING (or already settled), polling fast. */
async function whenProcessing(url: string, location: string): Promise<string> {
  const p = new URL(location).pathname.replace(/^\/vnflcm\/v2/, '');
  for (let i = 0; i < 2000; i++) {
    const r = await v2(url, 'GET', p);
    if (r.body.operationState !== 'STARTING') return r.body.operationState;
    await sleep(5);
  }
  throw new Error('operation never left STARTING');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).startsWith('Z');
  } catch {
    return false;
  }
}

describe('crash recovery (kill -9 of mecano)', { skip: !IS_ROOT && 'needs root for network namespaces' }, () => {
  it('resumes an interrupted instantiate and scale; nothing orphaned; terminate removes all', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mecano-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env: NodeJS.ProcessEnv = { MECANO_DATA_DIR: dataDir };
    if (TEST_DB_KIND === 'postgres') {
      const created = await createPgDatabase();
      env.DATABASE_URL = created.url;
      cleanups.push(created.drop);
    }
    let m = await serve(env);
    cleanups.push(async () => void m.child.kill('SIGKILL'));
    const pkg = await onboardSample(m.url, 'two-vdu', dataDir);
    const id = (await v2(m.url, 'POST', '/vnf_instances', { vnfdId: pkg.vnfdId })).body.id as string;

    // 1. instantiate, killed while PROCESSING
    const inst = await v2(m.url, 'POST', `/vnf_instances/${id}/instantiate`, { flavourId: 'simple', instantiationLevelId: 'instantiation_level_1' });
    assert.equal(inst.status, 202);
    const loc1 = inst.headers.get('location')!;
    const seen1 = await whenProcessing(m.url, loc1);
    await kill9(m.child);
    m = await serve(env);
    const op1 = await waitOp(m.url, loc1.replace(/^http:\/\/[^/]+/, m.url));
    assert.equal(op1.operationState, 'COMPLETED', `${seen1} → ${JSON.stringify(op1.error)}`);

    // 2. scale out, killed while PROCESSING
    const sc = await v2(m.url, 'POST', `/vnf_instances/${id}/scale`, { type: 'SCALE_OUT', aspectId: 'VDU2_scale', numberOfSteps: 2 });
    assert.equal(sc.status, 202);
    const loc2 = sc.headers.get('location')!;
    await whenProcessing(m.url, loc2);
    await kill9(m.child);
    m = await serve(env);
    const op2 = await waitOp(m.url, loc2.replace(/^http:\/\/[^/]+/, m.url));
    assert.equal(op2.operationState, 'COMPLETED', JSON.stringify(op2.error));

    // What runs is what the database says.
    const info = (await v2(m.url, 'GET', `/vnf_instances/${id}`)).body.instantiatedVnfInfo;
    assert.equal(info.vnfcResourceInfo.length, 4);
    const recorded = new Set<string>(info.vnfcResourceInfo.map((v: any) => v.computeResource.resourceId));
    for (const v of info.vnfcResourceInfo) assert.ok(alive(v.metadata.pid), `VNFC ${v.id} runs`);
    const tagOf = (ns: string) => ns.slice(4, 8);
    const tag = tagOf([...recorded][0]);
    const present = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]).filter((n) => n.startsWith(`mcns${tag}`));
    assert.deepEqual(new Set(present), recorded, 'no orphan namespaces');

    // 3. terminate removes everything
    const term = await v2(m.url, 'POST', `/vnf_instances/${id}/terminate`, { terminationType: 'FORCEFUL' });
    const op3 = await waitOp(m.url, term.headers.get('location')!.replace(/^http:\/\/[^/]+/, m.url));
    assert.equal(op3.operationState, 'COMPLETED');
    const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((n) => n.startsWith(`mcns${tag}`));
    assert.deepEqual(left, []);
    for (const v of info.vnfcResourceInfo) assert.ok(!alive(v.metadata.pid));
    await kill9(m.child);
  });
});
