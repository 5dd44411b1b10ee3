#!/usr/bin/env node
// mecano sample MEC application (software image of the samples/mec packages, see docs/mec.md).
// A dependency-free HTTP server started by an edge AppLCM (local driver) as the app's process:
//   GET /health                   → {app, appInstanceId, status, version}
//   GET /info                     → identity, listen address, connection points, parameters
//   GET /location/v1/users/{id}   → a user's position (the "location" service the AppD produces)
//   GET /whereis/{id}?provider=IP:PORT → asks a location provider (what a consumer app does)
// SIGTERM closes the server and exits 0.
import http from 'node:http';
import { createHash } from 'node:crypto';

const VERSION = '1.0';
const env = process.env;
const port = Number(env.MECANO_HTTP_PORT ?? 8080);
const host = env.MECANO_LISTEN_IP ?? '127.0.0.1';
let params = {};
try {
  params = JSON.parse(env.MECANO_PARAMS ?? '{}');
} catch {
  params = {};
}
const identity = { app: params.appName ?? null, appInstanceId: params.appInstanceId ?? null, vnfcId: env.MECANO_VNFC_ID ?? null, version: VERSION };
const ADDR = /^(\[[0-9a-fA-F:]+\]|[0-9.]+|[A-Za-z0-9.-]+):\d{1,5}$/;

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A stable position per user id, around Beijing (the EdgeGallery portal's default map). */
function position(userId) {
  const h = createHash('sha256').update(userId).digest();
  return { userId, latitude: 39.9 + h[0] / 2550, longitude: 116.4 + h[1] / 2550, accuracyM: 10 + (h[2] % 40), timeStamp: new Date().toISOString() };
}

async function whereis(res, userId, provider) {
  if (!provider || !ADDR.test(provider)) return send(res, 400, { error: 'provider must be IP:PORT' });
  try {
    const r = await fetch(`http://${provider}/location/v1/users/${encodeURIComponent(userId)}`, { signal: AbortSignal.timeout(3000) });
    send(res, 200, { from: identity, location: await r.json(), status: r.status });
  } catch (e) {
    send(res, 502, { from: identity, error: String(e && e.message ? e.message : e) });
  }
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://app');
  if (req.method !== 'GET') return send(res, 405, { error: 'GET only' });
  if (url.pathname === '/health') return send(res, 200, { ...identity, status: 'UP' });
  if (url.pathname === '/info') {
    const cps = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('MECANO_CP_')));
    return send(res, 200, { ...identity, listen: `${host}:${port}`, cps, params, pid: process.pid });
  }
  const loc = /^\/location\/v1\/users\/([^/]+)$/.exec(url.pathname);
  if (loc) return send(res, 200, position(decodeURIComponent(loc[1])));
  const who = /^\/whereis\/([^/]+)$/.exec(url.pathname);
  if (who) return void whereis(res, decodeURIComponent(who[1]), url.searchParams.get('provider'));
  send(res, 404, { error: 'not found' });
});

server.listen(port, host, () => console.log(`mec app ${identity.app} (${identity.appInstanceId}) listening on ${host}:${port}`));
server.on('error', (e) => {
  console.error(`mec app: ${e.message}`);
  process.exit(1);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
