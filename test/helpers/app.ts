import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type ConfigInput } from '../../src/config.js';
import { startMecano, type Mecano } from '../../src/main.js';
import { openTestDb, type TestDb } from './db.js';

// Starts the real service on an ephemeral loopback port over a fresh test database, with the
// production configuration (the same startMecano as `mecano serve`).

export interface TestApp {
  url: string;
  mecano: Mecano;
  testDb: TestDb;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestApp(overrides: ConfigInput = {}, env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mecano-test-'));
  const config = loadConfig({ port: 0, dataDir, logLevel: process.env.MECANO_TEST_LOG ?? 'silent', ...overrides }, env);
  const testDb = await openTestDb();
  const mecano = await startMecano(config, { db: testDb.db });
  return {
    url: mecano.url,
    mecano,
    testDb,
    dataDir,
    async close() {
      await mecano.close();
      await testDb.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** fetch + JSON, returning status, headers and the parsed body (undefined when empty). */
export async function http(
  base: string,
  method: string,
  url: string,
  opts: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  let payload: string | Buffer | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + url, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}
