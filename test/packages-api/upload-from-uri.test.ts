import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSample } from '../../scripts/build-samples.js';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { assertEtsi, SOL005 } from '../helpers/etsi.js';
import { createPackage, getPackage, storedBlobs, waitState } from './helpers.js';

// POST …/package_content/upload_from_uri against a real loopback file server: 202 at once, the
// states move CREATED → UPLOADING → PROCESSING → ONBOARDED in the background; basic auth,
// redirects, failures (ERROR with the reason), the size limit, and the loopback rule.

const LIMIT = 1024 * 1024;
let t: TestApp;
let strict: TestApp;
let dir: string;
let csar: Buffer;
let server: ReturnType<typeof createServer>;
let origin: string;
const seen: { url: string; authorization?: string }[] = [];
let gate: Promise<void> = Promise.resolve();
let openGate: () => void = () => undefined;

function route(req: IncomingMessage, res: ServerResponse): void {
  seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
  const url = req.url ?? '';
  if (url === '/pkg.csar') return void res.writeHead(200, { 'content-type': 'application/zip', 'content-length': csar.length }).end(csar);
  if (url === '/secret.csar') {
    if (req.headers.authorization !== `Basic ${Buffer.from('vendor:s3cret').toString('base64')}`) return void res.writeHead(401, { 'www-authenticate': 'Basic' }).end();
    return void res.writeHead(200).end(csar);
  }
  if (url === '/moved') return void res.writeHead(302, { location: '/pkg.csar' }).end();
  if (url === '/slow.csar') {
    // Half the package, then wait until the test has seen UPLOADING.
    res.writeHead(200, { 'content-length': csar.length });
    res.write(csar.subarray(0, 100));
    void gate.then(() => res.end(csar.subarray(100)));
    return;
  }
  if (url === '/huge-declared') return void res.writeHead(200, { 'content-length': 10 * LIMIT }).end();
  if (url === '/huge-streamed') {
    res.writeHead(200);
    let sent = 0;
    const pump = () => {
      while (sent < 10 * LIMIT) {
        sent += 64 * 1024;
        if (!res.write(Buffer.alloc(64 * 1024))) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('error', () => undefined);
    return pump();
  }
  res.writeHead(404).end('no such file');
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-uri-'));
  csar = await readFile(await buildSample('two-vdu', dir));
  server = createServer(route);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await startTestApp({ uploadLimit: LIMIT, uploadAllowLoopback: true });
  strict = await startTestApp();
});
after(async () => {
  await t.close();
  await strict.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

const fromUri = (app: TestApp, id: string, body: unknown) => http(app.url, 'POST', `/vnfpkgm/v1/vnf_packages/${id}/package_content/upload_from_uri`, { body });

describe('upload_from_uri', () => {
  it('202 at once, UPLOADING while the transfer runs, then ONBOARDED', async () => {
    gate = new Promise((r) => (openGate = r));
    const id = await createPackage(t.url);
    const r = await fromUri(t, id, { addressInformation: `${origin}/slow.csar` });
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    assert.equal((await getPackage(t.url, id)).onboardingState, 'UPLOADING');
    openGate();
    const p = await waitState(t.url, id, ['ONBOARDED', 'ERROR']);
    assert.equal(p.onboardingState, 'ONBOARDED', JSON.stringify(p.onboardingFailureDetails));
    assert.equal(p.operationalState, 'ENABLED');
    assertEtsi(`${SOL005}/vnfPkgInfo.schema.json`, p);
    const content = await fetch(`${t.url}/vnfpkgm/v1/vnf_packages/${id}/package_content`);
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), csar);
    // Conflicts from here on: the package is no longer CREATED.
    const again = await fromUri(t, id, { addressInformation: `${origin}/pkg.csar` });
    assert.equal(again.status, 409);
    assertEtsi(`${SOL005}/ProblemDetails.schema.json`, again.body);
    await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${id}`, { body: { operationalState: 'DISABLED' } });
    assert.equal((await http(t.url, 'DELETE', `/vnfpkgm/v1/vnf_packages/${id}`)).status, 204);
  });

  it('basic auth with userName/password, and the failure when they are wrong', async () => {
    const ok = await createPackage(t.url);
    assert.equal((await fromUri(t, ok, { addressInformation: `${origin}/secret.csar`, userName: 'vendor', password: 's3cret' })).status, 202);
    assert.equal((await waitState(t.url, ok, ['ONBOARDED', 'ERROR'])).onboardingState, 'ONBOARDED');
    await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${ok}`, { body: { operationalState: 'DISABLED' } });
    await http(t.url, 'DELETE', `/vnfpkgm/v1/vnf_packages/${ok}`);
    const bad = await createPackage(t.url);
    assert.equal((await fromUri(t, bad, { addressInformation: `${origin}/secret.csar`, userName: 'vendor', password: 'wrong' })).status, 202);
    const p = await waitState(t.url, bad, ['ONBOARDED', 'ERROR']);
    assert.equal(p.onboardingState, 'ERROR');
    assert.match(p.onboardingFailureDetails.detail, /answered HTTP 401 \(check userName and password\)/);
    assert.doesNotMatch(JSON.stringify(p), /wrong|s3cret/, 'no credential is stored or echoed');
  });

  it('follows redirects; a 404 ends in ERROR with the reason', async () => {
    const moved = await createPackage(t.url);
    await fromUri(t, moved, { addressInformation: `${origin}/moved` });
    const m = await waitState(t.url, moved, ['ONBOARDED', 'ERROR']);
    assert.equal(m.onboardingState, 'ONBOARDED', JSON.stringify(m.onboardingFailureDetails));
    await http(t.url, 'PATCH', `/vnfpkgm/v1/vnf_packages/${moved}`, { body: { operationalState: 'DISABLED' } });
    await http(t.url, 'DELETE', `/vnfpkgm/v1/vnf_packages/${moved}`);
    const missing = await createPackage(t.url);
    await fromUri(t, missing, { addressInformation: `${origin}/nothing-here.csar` });
    const p = await waitState(t.url, missing, ['ONBOARDED', 'ERROR']);
    assert.equal(p.onboardingState, 'ERROR');
    assert.equal(p.onboardingFailureDetails.status, 422);
    assert.match(p.onboardingFailureDetails.detail, /GET http:\/\/127\.0\.0\.1:\d+\/nothing-here\.csar answered HTTP 404/);
  });

  it('over the upload limit, declared or streamed: ERROR 413, nothing stored', async () => {
    const before = await storedBlobs(t);
    for (const file of ['huge-declared', 'huge-streamed']) {
      const id = await createPackage(t.url);
      await fromUri(t, id, { addressInformation: `${origin}/${file}` });
      const p = await waitState(t.url, id, ['ONBOARDED', 'ERROR']);
      assert.equal(p.onboardingState, 'ERROR', file);
      assert.equal(p.onboardingFailureDetails.status, 413, file);
      assert.match(p.onboardingFailureDetails.detail, /limit of 1048576 bytes/);
    }
    assert.deepEqual(await storedBlobs(t), before);
  });

  it('an unreachable server ends in ERROR naming the cause', async () => {
    const id = await createPackage(t.url);
    await fromUri(t, id, { addressInformation: 'http://127.0.0.1:1/pkg.csar' });
    const p = await waitState(t.url, id, ['ONBOARDED', 'ERROR']);
    assert.equal(p.onboardingState, 'ERROR');
    assert.match(p.onboardingFailureDetails.detail, /ECONNREFUSED/);
  });

  it('refuses bad requests synchronously: 400 malformed, 422 denied, 409 not CREATED, 404 unknown', async () => {
    const id = await createPackage(t.url);
    for (const body of [{}, { addressInformation: 'not a uri' }, { addressInformation: 'ftp://example.com/x.csar' }, { addressInformation: `${origin}/x`, extra: 1 }, { addressInformation: 'http://u:p@example.com/x' }]) {
      const r = await fromUri(t, id, body);
      assert.equal(r.status, 400, JSON.stringify(body));
    }
    const meta = await fromUri(t, id, { addressInformation: 'http://169.254.169.254/latest/meta-data' });
    assert.equal(meta.status, 422);
    assert.equal((await getPackage(t.url, id)).onboardingState, 'CREATED');
    assert.equal((await fromUri(t, '3f1f4a5c-7c55-4f0e-9f8e-2a0d7c2c1b11', { addressInformation: `${origin}/pkg.csar` })).status, 404);
  });

  it('loopback targets only when MECANO_UPLOAD_ALLOW_LOOPBACK is set: a literal address at once, a name at connect time', async () => {
    const id = await createPackage(strict.url);
    const r = await fromUri(strict, id, { addressInformation: `${origin}/pkg.csar` });
    assert.equal(r.status, 422);
    assert.match(r.body.detail, /MECANO_UPLOAD_ALLOW_LOOPBACK/);
    assert.equal((await getPackage(strict.url, id)).onboardingState, 'CREATED');
    const before = seen.length;
    const port = new URL(origin).port;
    assert.equal((await fromUri(strict, id, { addressInformation: `http://localhost:${port}/pkg.csar` })).status, 202);
    const p = await waitState(strict.url, id, ['ONBOARDED', 'ERROR']);
    assert.equal(p.onboardingState, 'ERROR');
    assert.match(p.onboardingFailureDetails.detail, /refused/);
    assert.equal(seen.length, before, 'no request reached the loopback server');
  });
});
