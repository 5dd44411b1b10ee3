import { createCipheriv } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { buildSample } from '../../scripts/build-samples.js';
import { CLI, startProcess, type Server } from '../lib/harness.js';

// Plumbing of the package benchmarks: a compiled mecano on a fresh data directory (PGlite and the
// file blob store, or PostgreSQL and the chunk store), its resident memory read from /proc, and
// big packages generated as streams so the client never holds them either.

/** The repository root (this file runs from bench/ through tsx or from dist/bench/ compiled). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') dir = path.dirname(dir);
  return dir;
}
const REPO = repoRoot();
export const RESULTS_DIR = path.join(REPO, 'bench', 'results');
export const SAMPLES = path.join(REPO, 'samples', 'packages');
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const MiB = 1024 * 1024;

export interface Mecano extends Server {
  pid: number;
  dataDir: string;
  backend: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** A throwaway PostgreSQL database on the local server; dropped by the returned function. */
export async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `mecano_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** `mecano serve` (compiled) on a loopback port over a fresh data directory. */
export async function startMecano(backend: 'pglite' | 'postgres', env: NodeJS.ProcessEnv = {}, existing?: { dataDir: string; databaseUrl?: string }): Promise<Mecano> {
  const dataDir = existing?.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'mecano-bench-')));
  const db = existing ? undefined : backend === 'postgres' ? await createDatabase() : undefined;
  const databaseUrl = existing?.databaseUrl ?? db?.url;
  const server = await startProcess(CLI, ['serve', '--no-netns'], {
    MECANO_LOG_LEVEL: 'info',
    MECANO_DATA_DIR: dataDir,
    MECANO_WORKERS: 'false',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' }),
    ...env,
  });
  // pino writes a line per request: drain the pipes so the child never blocks on them.
  server.child.stdout?.resume();
  server.child.stderr?.resume();
  return {
    ...server,
    pid: server.child.pid!,
    dataDir,
    backend,
    async close() {
      await server.stop();
      await db?.drop();
      if (!existing) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function status(pid: number, key: 'VmRSS' | 'VmHWM'): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024);
}

/**
 * Samples VmRSS every `everyMs` and reads VmHWM (the kernel's exact peak) at the end; the peak
 * is reset first (clear_refs 5), so it belongs to this measurement only.
 */
export async function measureRss<T>(pid: number, fn: () => Promise<T>, everyMs = 20): Promise<{ result: T; startRss: number; maxSampledRss: number; peakRss: number; samples: number }> {
  await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => undefined);
  const startRss = await status(pid, 'VmRSS');
  let max = startRss;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      max = Math.max(max, await status(pid, 'VmRSS'));
      samples++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  try {
    const result = await fn();
    return { result, startRss, maxSampledRss: max, peakRss: await status(pid, 'VmHWM'), samples };
  } finally {
    running = false;
    await loop;
  }
}

export const mb = (bytes: number) => +(bytes / MiB).toFixed(1);

/** Pseudo-random bytes (AES-256-CTR keystream): incompressible, cheap, never held whole. */
export function noise(bytes: number, seed = 1): Readable {
  const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32, seed), Buffer.alloc(16, 0));
  const zero = Buffer.alloc(MiB);
  let left = bytes;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, MiB);
      left -= n;
      this.push(cipher.update(zero.subarray(0, n)));
    },
  });
}

async function entries(csar: string): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.open(csar, { lazyEntries: true }, (e, z) => (e ? rej(e) : res(z!))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) =>
      zip.openReadStream(entry, (e, s) => {
        if (e) return reject(e);
        const chunks: Buffer[] = [];
        s!.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      }),
    );
    zip.on('end', () => resolve()).on('error', reject);
    zip.readEntry();
  });
  return out;
}

/**
 * A valid single-VDU CSAR carrying an extra `payloadBytes` artifact, as a stream: the sample's
 * files (descriptor id replaced by `vnfdId`, so runs do not collide) plus Files/data/payload.bin
 * stored uncompressed.
 */
export async function bigCsar(payloadBytes: number, vnfdId: string, seed = 1): Promise<Readable> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mecano-bench-csar-'));
  try {
    const yaml = (await readFile(path.join(SAMPLES, 'single-vdu', 'single_vdu.yaml'), 'utf8')).replace(/descriptor_id: [^\n]+/, `descriptor_id: ${vnfdId}`);
    const files = await entries(await buildSample('single-vdu', dir, { sourceDir: path.join(SAMPLES, 'single-vdu'), overrides: { 'single_vdu.yaml': yaml } }));
    const zip = new yazl.ZipFile();
    for (const [name, data] of files) zip.addBuffer(data, name, { mtime: new Date(0), mode: 0o100644 });
    zip.addReadStream(noise(payloadBytes, seed), 'Files/data/payload.bin', { compress: false, size: payloadBytes, mtime: new Date(0), mode: 0o100644 });
    zip.end();
    return zip.outputStream as unknown as Readable;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writeResult(name: string, data: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `packages-${name}-${new Date().toISOString().slice(0, 10)}.json`);
  await writeFile(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}

/** PUT a stream as a new package's content; returns seconds taken and the package. */
export async function uploadStream(url: string, body: Readable, contentType = 'application/zip'): Promise<{ seconds: number; id: string; state: string; detail?: string }> {
  const created = await (await fetch(`${url}/vnfpkgm/v1/vnf_packages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json() as { id: string };
  const t0 = performance.now();
  const r = await fetch(`${url}/vnfpkgm/v1/vnf_packages/${created.id}/package_content`, { method: 'PUT', headers: { 'content-type': contentType }, body: Readable.toWeb(body) as ReadableStream, duplex: 'half' } as RequestInit);
  await r.arrayBuffer();
  const seconds = (performance.now() - t0) / 1000;
  const pkg = await (await fetch(`${url}/vnfpkgm/v1/vnf_packages/${created.id}`)).json() as { onboardingState: string; onboardingFailureDetails?: { detail: string } };
  return { seconds, id: created.id, state: r.status === 202 ? pkg.onboardingState : `HTTP ${r.status}`, detail: pkg.onboardingFailureDetails?.detail };
}

/** Disables and deletes a package (its content goes with it). */
export async function removePackage(url: string, id: string): Promise<void> {
  await fetch(`${url}/vnfpkgm/v1/vnf_packages/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"operationalState":"DISABLED"}' });
  await fetch(`${url}/vnfpkgm/v1/vnf_packages/${id}`, { method: 'DELETE' });
}
