import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { migrate } from '../../src/store/migrate.js';
import { installProblemHandlers } from '../../src/http/problem.js';
import { installMedia } from '../../src/http/media.js';
import { enforceVersionHeader, API_VERSIONS } from '../../src/http/versions.js';
import { lcmSubscriptionRoutes } from '../../src/http/vnflcm-v2/subscriptions.js';
import { packageSubscriptionRoutes } from '../../src/http/vnfpkgm/subscriptions.js';
import { notificationRoutes } from '../../src/http/mecano/notifications.js';
import { createNotifier, type Notifier, type NotifierOptions } from '../../src/notify/index.js';
import { openTestDb, type TestDb } from '../helpers/db.js';

// A notifier over a fresh test database (MECANO_TEST_DB=pglite|postgres) and its HTTP routes on
// a loopback port, built from the production pieces (problem handlers, media, Version rules),
// plus real HTTP receivers and a real OAuth 2.0 token endpoint.

export interface Harness {
  testDb: TestDb;
  notifier: Notifier;
  registry: Registry;
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Fast retries for tests; each test file may override. */
export const TEST_OPTIONS: NotifierOptions = { pollMs: 20, requestTimeoutMs: 3000, backoffBaseMs: 40, backoffCapMs: 200, leaseMs: 10_000 };

export async function startHarness(options: NotifierOptions = {}, existing?: TestDb): Promise<Harness> {
  const testDb = existing ?? (await openTestDb());
  await migrate(testDb.db);
  const registry = new Registry();
  let url = '';
  // MECANO_NOTIFY_TEST_LOG=1 prints the notifier's log (delivery errors) while debugging a test.
  const logger = process.env.MECANO_NOTIFY_TEST_LOG ? { info: console.log, warn: console.warn, error: console.error } : undefined;
  const notifier = createNotifier({ db: testDb.db, baseUrl: () => url, registry, logger, options: { ...TEST_OPTIONS, ...options } });
  const app = Fastify({ logger: false, ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: true } } });
  installProblemHandlers(app);
  installMedia(app);
  await app.register(async (s) => {
    enforceVersionHeader(s, { served: [API_VERSIONS.vnflcmV2], required: true, responseVersion: API_VERSIONS.vnflcmV2 });
    lcmSubscriptionRoutes(s, { notifier, baseUrl: () => url });
  }, { prefix: '/vnflcm/v2' });
  await app.register(async (s) => {
    enforceVersionHeader(s, { served: [API_VERSIONS.vnfpkgmV1], required: false });
    packageSubscriptionRoutes(s, { notifier, baseUrl: () => url });
  }, { prefix: '/vnfpkgm/v1' });
  notificationRoutes(app, { notifier });
  url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
  return {
    testDb,
    notifier,
    registry,
    app,
    url,
    async close() {
      await notifier.stop();
      await app.close();
      if (!existing) await testDb.drop();
    },
  };
}

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** What the receiver answered. */
  answered?: Behaviour;
}

/** What the receiver does with one request: a status, or hang (never answer), or reset the connection. */
export type Behaviour = number | 'hang' | 'reset';

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** POSTs only (notifications), in arrival order. */
  posts(): Received[];
  behave: (req: Received) => Behaviour;
  /** Delay before each answer (a slow subscriber). */
  delayMs: number;
  /** Stops listening and drops every connection (the subscriber is down). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(behave: (req: Received) => Behaviour = (r) => (r.method === 'GET' ? 204 : 204), port = 0): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const hung: ServerResponse[] = [];
  let server: Server;
  const r: Receiver = {
    url: '',
    port,
    received: [],
    posts: () => r.received.filter((x) => x.method === 'POST'),
    behave,
    delayMs: 0,
    async down() {
      for (const h of hung.splice(0)) h.destroy();
      await new Promise<void>((res) => {
        server.close(() => res());
        for (const s of sockets) s.destroy();
      });
    },
    async up() {
      server = makeServer();
      await new Promise<void>((res) => server.listen(r.port, '127.0.0.1', () => res()));
    },
    close: () => r.down(),
  };
  const makeServer = () => {
    const s = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const rec: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined };
        r.received.push(rec);
        const b = r.behave(rec);
        rec.answered = b;
        if (b === 'hang') return void hung.push(res);
        if (b === 'reset') return void req.socket.destroy();
        const answer = () => {
          res.writeHead(b, b === 204 ? {} : { 'content-type': 'text/plain' });
          res.end(b === 204 ? undefined : `status ${b}`);
        };
        if (r.delayMs > 0) setTimeout(answer, r.delayMs);
        else answer();
      });
    });
    s.on('connection', (sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    return s;
  };
  server = makeServer();
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', () => res()));
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}`;
  return r;
}

/** A tiny OAuth 2.0 token endpoint (client credentials, Basic client auth) and token checker. */
export interface TokenServer {
  url: string;
  issued: string[];
  /** Makes every token issued so far invalid (the subscriber will answer 401). */
  revokeAll(): void;
  valid(authorization: string | undefined): boolean;
  close(): Promise<void>;
}

export async function startTokenServer(clientId: string, clientSecret: string, expiresIn = 3600): Promise<TokenServer> {
  const issued: string[] = [];
  const revoked = new Set<string>();
  // RFC 6749 2.3.1: id and secret are form-urlencoded inside the Basic credentials.
  const enc = (x: string) => new URLSearchParams({ x }).toString().slice(2);
  const expected = `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        return;
      }
      if (form.get('grant_type') !== 'client_credentials' || req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"unsupported_grant_type"}');
        return;
      }
      const token = `tok-${issued.length + 1}-${Math.random().toString(36).slice(2)}`;
      issued.push(token);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: expiresIn }));
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/token`,
    issued,
    revokeAll: () => issued.forEach((t) => revoked.add(t)),
    valid: (h) => !!h && h.startsWith('Bearer ') && issued.includes(h.slice(7)) && !revoked.has(h.slice(7)),
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}

/** Polls until `cond` holds (deliveries run on the notifier's own loop); fails after `ms`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const V2 = { Version: '2.0.0' };

export function sampleInstance(i = 0) {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    vnfdId: 'b1bb0ce7-ebca-4fa7-95ed-4840d70a1177',
    vnfProvider: 'Company',
    vnfProductName: 'Sample VNF',
    vnfSoftwareVersion: '1.0',
    vnfdVersion: '1.0',
    vnfInstanceName: `vnf-${i}`,
    instantiationState: 'NOT_INSTANTIATED',
  };
}

/** Like helpers/app.ts http(), but never follows redirects (a 303 must be seen as a 303). */
export async function request(
  base: string,
  method: string,
  url: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(base + url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), redirect: 'manual' });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}
