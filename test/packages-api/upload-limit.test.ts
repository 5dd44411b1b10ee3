import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { createPackage, MULTIPART_TYPE, rawRequest, storedBlobs, streamingMultipart, zeros } from './helpers.js';

// Uploads over the size limit (MECANO_UPLOAD_LIMIT, here 1 MiB): 413 without reading the body
// when its declared length is too large, and as soon as the limit is passed when it streams
// (chunked). The client below writes with backpressure, so the bytes it managed to produce
// bound what the server read: far less than the 64 MiB it tried to send. Nothing is stored,
// and the package can be uploaded again.

const LIMIT = 1024 * 1024;
const SENT = 64 * 1024 * 1024;
// Socket buffers on both sides hold a few MiB at most on loopback.
const READ_BOUND = 16 * 1024 * 1024;

let t: TestApp;
before(async () => {
  t = await startTestApp({ uploadLimit: LIMIT });
});
after(async () => {
  await t.close();
});

async function expect413(r: { status: number; text: string; error?: string }, counter: { produced: number }) {
  // The 413 is sent with Connection: close; a client still writing may see the reset first.
  if (r.status !== 0) {
    assert.equal(r.status, 413, r.text);
    assert.equal(JSON.parse(r.text).status, 413);
  } else assert.ok(['ECONNRESET', 'EPIPE'].includes(r.error ?? ''), r.error);
  assert.ok(counter.produced < READ_BOUND, `the server stopped reading early (client produced ${counter.produced} bytes)`);
}

describe('upload size limit', () => {
  it('a declared Content-Length over the limit: 413 before reading, package still CREATED', async () => {
    const id = await createPackage(t.url);
    const counter = { produced: 0 };
    const r = await rawRequest(`${t.url}/vnfpkgm/v1/vnf_packages/${id}/package_content`, {
      method: 'PUT',
      headers: { 'content-type': 'application/zip', 'content-length': String(SENT) },
      body: zeros(SENT, counter),
    });
    await expect413(r, counter);
    assert.equal((await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`)).body.onboardingState, 'CREATED');
  });

  it('a streamed (chunked) body over the limit: 413 once the limit is passed, nothing stored', async () => {
    const before = await storedBlobs(t);
    const id = await createPackage(t.url);
    const counter = { produced: 0 };
    const r = await rawRequest(`${t.url}/vnfpkgm/v1/vnf_packages/${id}/package_content`, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: zeros(SENT, counter) });
    await expect413(r, counter);
    assert.equal((await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`)).body.onboardingState, 'CREATED');
    assert.deepEqual(await storedBlobs(t), before);
  });

  it('a streamed multipart body over the limit: the same', async () => {
    const before = await storedBlobs(t);
    const id = await createPackage(t.url);
    const counter = { produced: 0 };
    const r = await rawRequest(`${t.url}/vnfpkgm/v1/vnf_packages/${id}/package_content`, { method: 'PUT', headers: { 'content-type': MULTIPART_TYPE }, body: streamingMultipart(SENT, counter) });
    await expect413(r, counter);
    assert.equal((await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`)).body.onboardingState, 'CREATED');
    assert.deepEqual(await storedBlobs(t), before);
  });

  it('the marketplace: 413 and no package left', async () => {
    const before = await storedBlobs(t);
    const count = (await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages')).body.length;
    const counter = { produced: 0 };
    const r = await rawRequest(`${t.url}/onapapi/marketplace/v1/csars`, { method: 'POST', headers: { 'content-type': MULTIPART_TYPE }, body: streamingMultipart(SENT, counter) });
    await expect413(r, counter);
    assert.equal((await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages')).body.length, count);
    assert.deepEqual(await storedBlobs(t), before);
  });

  it('the server keeps serving, and the package takes a valid upload afterwards', async () => {
    const id = await createPackage(t.url);
    const counter = { produced: 0 };
    await rawRequest(`${t.url}/vnfpkgm/v1/vnf_packages/${id}/package_content`, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: zeros(SENT, counter) });
    const small = await http(t.url, 'PUT', `/vnfpkgm/v1/vnf_packages/${id}/package_content`, { raw: Buffer.from('not a zip at all'), headers: { 'content-type': 'application/zip' } });
    assert.equal(small.status, 202);
    assert.equal((await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`)).body.onboardingState, 'ERROR');
  });
});
