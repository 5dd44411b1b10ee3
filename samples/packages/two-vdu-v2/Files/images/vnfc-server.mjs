#!/usr/bin/env node
// mecano sample VNFC (software image of the sample VNF packages, see docs/packages.md).
// A dependency-free HTTP server started by the local driver as the VNFC process:
//   GET /health            → {vnfcId, vduId, version}
//   GET /info              → identity, listen address, connection points (MECANO_CP_*), params
//   GET /peer?addr=IP:PORT → fetches http://IP:PORT/health and returns it (VNFC-to-VNFC traffic)
//   POST /echo             → the request body
// SIGTERM closes the server and exits 0.
import http from 'node:http';

const VERSION = '2.0';
const env = process.env;
const port = Number(env.MECANO_HTTP_PORT ?? 8080);
const host = env.MECANO_LISTEN_IP ?? '127.0.0.1';
const identity = { vnfcId: env.MECANO_VNFC_ID ?? null, vduId: env.MECANO_VDU_ID ?? null, version: VERSION };
const ADDR = /^(\[[0-9a-fA-F:]+\]|[0-9.]+|[A-Za-z0-9.-]+):\d{1,5}$/;

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function info() {
  const cps = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('MECANO_CP_')));
  let params = {};
  try {
    params = JSON.parse(env.MECANO_PARAMS ?? '{}');
  } catch {
    params = { unparsable: env.MECANO_PARAMS };
  }
  return { ...identity, instanceId: env.MECANO_INSTANCE_ID ?? null, listen: `${host}:${port}`, cps, params, pid: process.pid };
}

async function peer(res, addr) {
  if (!addr || !ADDR.test(addr)) return send(res, 400, { error: 'addr must be IP:PORT' });
  try {
    const r = await fetch(`http://${addr}/health`, { signal: AbortSignal.timeout(3000) });
    send(res, 200, { from: identity, peer: await r.json(), status: r.status });
  } catch (e) {
    send(res, 502, { from: identity, error: String(e && e.message ? e.message : e) });
  }
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://vnfc');
  if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, identity);
  if (req.method === 'GET' && url.pathname === '/info') return send(res, 200, info());
  if (req.method === 'GET' && url.pathname === '/peer') return void peer(res, url.searchParams.get('addr'));
  if (req.method === 'POST' && url.pathname === '/echo') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' });
      res.end(Buffer.concat(chunks));
    });
    return;
  }
  send(res, 404, { error: 'not found' });
});

server.listen(port, host, () => console.log(`vnfc ${identity.vnfcId} (${identity.vduId}) v${VERSION} listening on ${host}:${port}`));
server.on('error', (e) => {
  console.error(`vnfc ${identity.vnfcId}: ${e.message}`);
  process.exit(1);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
