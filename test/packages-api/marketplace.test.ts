import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSample } from '../../scripts/build-samples.js';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { V2 } from '../helpers/lcm.js';
import { multipart, MULTIPART_TYPE, onboard, storedBlobs } from './helpers.js';

// The ONAP marketplace (seed 004) as a view of the package store: upload, PackageMetaData,
// filters that filter, downloads that count, atomic re-upload, delete; and the two views of one
// package (marketplace ⇄ /vnfpkgm/v1). Both paths clients use are served.

const MP = '/onapapi/marketplace/v1';
const SDK = '/onapapi/vnfsdk-marketplace/v1/PackageResource';
let t: TestApp;
let dir: string;
const csars: Record<string, Buffer> = {};

before(async () => {
  t = await startTestApp({ pageSize: 2 });
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-mp-'));
  for (const name of ['single-vdu', 'two-vdu', 'two-vdu-v2', 'tacker-layout']) csars[name] = await readFile(await buildSample(name, dir));
});
after(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

async function upload(prefix: string, csar: Buffer, params?: unknown) {
  const parts = [{ name: 'file', filename: 'NanocellGateway.csar', data: csar }];
  if (params !== undefined) parts.push({ name: 'params', data: JSON.stringify(params) } as never);
  return http(t.url, 'POST', `${prefix}/csars`, { raw: multipart(parts), headers: { 'content-type': MULTIPART_TYPE } });
}

const getCsar = (id: string, prefix = MP) => http(t.url, 'GET', `${prefix}/csars/${id}`);

/** A single-file sample with another descriptor_id (a distinct VNFD). */
async function variant(name: 'single-vdu' | 'two-vdu' | 'two-vdu-v2', vnfdId: string): Promise<Buffer> {
  const file = name === 'single-vdu' ? 'single_vdu.yaml' : 'two_vdu.yaml';
  const yaml = (await readFile(path.join('samples/packages', name, file), 'utf8')).replace(/descriptor_id: [^\n]+/, `descriptor_id: ${vnfdId}`);
  return readFile(await buildSample(name, dir, { fileName: `${vnfdId}.csar`, overrides: { [file]: yaml } }));
}

/** Every page of a list. */
async function all(query: string): Promise<any[]> {
  const out: any[] = [];
  let next: string | undefined = `${MP}/csars${query}`;
  while (next) {
    const r = await http(t.url, 'GET', next);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.length <= 2, 'pages of pageSize');
    out.push(...r.body);
    const link = r.headers.get('link');
    next = link ? ((u) => u.pathname + u.search)(new URL(/<([^>]+)>/.exec(link)![1])) : undefined;
  }
  return out;
}
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('marketplace', () => {
  let twoVdu: string;

  it('upload → {csarId}; PackageMetaData read from the package, with the report', async () => {
    const r = await upload(MP, csars['two-vdu'], { shortDesc: 'demo VNF', details: 'front end and back end', remarks: 'lab' });
    assert.equal(r.status, 200, r.text);
    twoVdu = r.body.csarId;
    assert.equal(r.headers.get('location'), `${t.url}${MP}/csars/${twoVdu}`);
    const m = (await getCsar(twoVdu)).body;
    assert.equal(m.csarId, twoVdu);
    assert.equal(m.name, 'Sample two-VDU VNF');
    assert.equal(m.provider, 'mecano');
    assert.equal(m.version, '1.0');
    assert.equal(m.type, 'CSAR');
    assert.match(m.createTime, TIME);
    assert.match(m.modifyTime, TIME);
    assert.equal(m.sizeBytes, csars['two-vdu'].length);
    assert.match(m.size, /^\d+\.\d{2}[KM]$/);
    assert.equal(m.downloadCount, 0);
    assert.equal(m.downloadUri, `${t.url}${MP}/csars/${twoVdu}/files`);
    assert.equal(m.shortDesc, 'demo VNF');
    assert.equal(m.details, 'front end and back end');
    assert.equal(m.remarks, 'lab');
    assert.match(m.report, /^PASSED: \d+ checks passed/);
    assert.equal(m.validationReport.passed, true);
    assert.equal(m.onboardingState, 'ONBOARDED');
    assert.equal(m.checksum.algorithm, 'SHA-256');
  });

  it('one package, two views: marketplace upload is onboarded in /vnfpkgm/v1, and the reverse', async () => {
    const p = (await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${twoVdu}`)).body;
    assert.equal(p.onboardingState, 'ONBOARDED');
    assert.equal(p.operationalState, 'ENABLED');
    assert.equal(p.vnfProductName, 'Sample two-VDU VNF');
    const viaSol = await onboard(t.url, csars['tacker-layout']);
    const m = (await getCsar(viaSol.id)).body;
    assert.equal(m.name, viaSol.vnfProductName);
    assert.equal(m.provider, viaSol.vnfProvider);
    assert.ok(m.shortDesc.length > 0, 'derived from the VNFD');
    assert.match(m.details, /deployment flavours: simple/);
    const viaSdk = await upload(SDK, csars['single-vdu']);
    assert.equal(viaSdk.status, 200);
    const sdkView = (await getCsar(viaSdk.body.csarId, SDK)).body;
    assert.equal(sdkView.downloadUri, `${t.url}${SDK}/csars/${viaSdk.body.csarId}/files`);
    assert.equal((await getCsar(viaSdk.body.csarId, MP)).body.csarId, viaSdk.body.csarId);
  });

  it('list filters really filter (name, version, provider, type), page, and refuse unknown parameters', async () => {
    const v2 = await upload(MP, csars['two-vdu-v2']);
    assert.equal(v2.status, 200, v2.text);
    assert.equal((await all('')).length, 4);
    const named = await all(`?name=${encodeURIComponent('Sample two-VDU VNF')}`);
    assert.deepEqual(named.map((m) => m.version).sort(), ['1.0', '2.0']);
    const one = await all(`?name=${encodeURIComponent('Sample two-VDU VNF')}&version=2.0`);
    assert.deepEqual(one.map((m) => m.csarId), [v2.body.csarId]);
    assert.equal((await all('?provider=mecano')).length, 4);
    assert.equal((await all('?provider=nobody')).length, 0);
    assert.equal((await all('?type=CSAR')).length, 4);
    assert.equal((await all('?type=NSAR')).length, 0);
    assert.equal((await all('?deletionPending=true')).length, 0);
    assert.equal((await http(t.url, 'GET', `${MP}/csars?nmae=x`)).status, 400, 'a misspelt filter is not ignored');
    assert.equal((await http(t.url, 'GET', `${MP}/csars?name=a&name=b`)).status, 400);
  });

  it('GET /files downloads the CSAR and counts each download atomically; resumed ranges do not count', async () => {
    const f = await fetch(`${t.url}${MP}/csars/${twoVdu}/files`);
    assert.equal(f.status, 200);
    assert.match(f.headers.get('content-disposition') ?? '', /attachment; filename="Sample two-VDU VNF\.csar"/);
    assert.deepEqual(Buffer.from(await f.arrayBuffer()), csars['two-vdu']);
    await Promise.all(Array.from({ length: 10 }, async () => (await fetch(`${t.url}${SDK}/csars/${twoVdu}/files`)).arrayBuffer()));
    assert.equal((await getCsar(twoVdu)).body.downloadCount, 11);
    const tail = await fetch(`${t.url}${MP}/csars/${twoVdu}/files`, { headers: { range: 'bytes=100-' } });
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), csars['two-vdu'].subarray(100));
    assert.equal((await getCsar(twoVdu)).body.downloadCount, 11);
    assert.equal((await http(t.url, 'GET', `${MP}/csars/3f1f4a5c-7c55-4f0e-9f8e-2a0d7c2c1b11/files`)).status, 404);
  });

  it('re-upload replaces the content atomically: a valid one swaps in, an invalid one changes nothing', async () => {
    const target = await upload(MP, await variant('single-vdu', '5e1f0c1e-1111-4a4a-9b9b-000000000001'));
    assert.equal(target.status, 200, target.text);
    const id = target.body.csarId;
    const bad = await http(t.url, 'POST', `${MP}/csars/${id}/reupload`, { raw: multipart([{ name: 'file', filename: 'x.csar', data: Buffer.from('not a zip') }]), headers: { 'content-type': MULTIPART_TYPE } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.validationReport.checks[0].code, 'CSAR_NOT_ZIP');
    assert.equal((await getCsar(id)).body.onboardingState, 'ONBOARDED');
    const dup = await http(t.url, 'POST', `${MP}/csars/${id}/reupload`, { raw: multipart([{ name: 'file', filename: 'x.csar', data: csars['two-vdu'] }]), headers: { 'content-type': MULTIPART_TYPE } });
    assert.equal(dup.status, 409, 'the new content names a vnfdId another package has');
    const fresh = await variant('two-vdu-v2', '7d1b2c3d-2222-4b4b-8c8c-000000000002');
    const ok = await http(t.url, 'POST', `${SDK}/csars/${id}/reupload`, { raw: multipart([{ name: 'file', filename: 'x.csar', data: fresh }]), headers: { 'content-type': MULTIPART_TYPE } });
    assert.equal(ok.status, 200, ok.text);
    const m = (await getCsar(id)).body;
    assert.equal(m.vnfdId, '7d1b2c3d-2222-4b4b-8c8c-000000000002');
    assert.equal(m.sizeBytes, fresh.length);
    const content = await fetch(`${t.url}/vnfpkgm/v1/vnf_packages/${id}/package_content`);
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), fresh);
    assert.equal((await http(t.url, 'GET', '/vnfpkgm/v1/onboarded_vnf_packages/5e1f0c1e-1111-4a4a-9b9b-000000000001')).status, 404, 'the old VNFD is gone');
  });

  it('an invalid or duplicate upload is refused and leaves no package', async () => {
    const before = await storedBlobs(t);
    const count = (await all('')).length;
    const dup = await upload(MP, csars['two-vdu']);
    assert.equal(dup.status, 409);
    assert.match(dup.body.detail, /already onboarded/);
    const notMultipart = await http(t.url, 'POST', `${MP}/csars`, { raw: csars['two-vdu'], headers: { 'content-type': 'application/zip' } });
    assert.equal(notMultipart.status, 400);
    const noFile = await http(t.url, 'POST', `${MP}/csars`, { raw: multipart([{ name: 'params', data: '{}' }]), headers: { 'content-type': MULTIPART_TYPE } });
    assert.equal(noFile.status, 400);
    const badParams = await upload(MP, await variant('single-vdu', '1a2b3c4d-4444-4d4d-8e8e-000000000004'), 'not an object');
    assert.equal(badParams.status, 400);
    assert.match(badParams.body.detail, /'params' must be a JSON object/);
    assert.equal((await http(t.url, 'GET', '/vnfpkgm/v1/onboarded_vnf_packages/1a2b3c4d-4444-4d4d-8e8e-000000000004')).status, 404, 'not kept');
    assert.equal((await all('')).length, count);
    assert.deepEqual(await storedBlobs(t), before);
  });

  it('delete: 204 then 404 in both views; refused while an instance uses the package', async () => {
    const id = (await upload(MP, await variant('two-vdu', '0d0d0d0d-3333-4c4c-8d8d-000000000003'))).body.csarId;
    const inst = await http(t.url, 'POST', '/vnflcm/v2/vnf_instances', { body: { vnfdId: '0d0d0d0d-3333-4c4c-8d8d-000000000003' }, headers: V2 });
    assert.equal(inst.status, 201, inst.text);
    assert.equal((await http(t.url, 'DELETE', `${MP}/csars/${id}`)).status, 409);
    const reup = await http(t.url, 'POST', `${MP}/csars/${id}/reupload`, { raw: multipart([{ name: 'file', filename: 'x.csar', data: csars['single-vdu'] }]), headers: { 'content-type': MULTIPART_TYPE } });
    assert.equal(reup.status, 409);
    assert.equal((await http(t.url, 'DELETE', `/vnflcm/v2/vnf_instances/${inst.body.id}`, { headers: V2 })).status, 204);
    assert.equal((await http(t.url, 'DELETE', `${MP}/csars/${id}`)).status, 204);
    assert.equal((await getCsar(id)).status, 404);
    assert.equal((await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`)).status, 404);
    assert.equal((await http(t.url, 'DELETE', `${MP}/csars/${id}`)).status, 404);
    assert.equal((await getCsar('not-a-uuid')).status, 400);
  });

  it('a package still without a CSAR is not a marketplace entry; a failed one shows its report', async () => {
    const created = (await http(t.url, 'POST', '/vnfpkgm/v1/vnf_packages', { body: {} })).body.id;
    assert.equal((await getCsar(created)).status, 404);
    const failed = await onboard(t.url, Buffer.from('garbage'));
    const m = (await getCsar(failed.id)).body;
    assert.equal(m.onboardingState, 'ERROR');
    assert.match(m.report, /^FAILED: 1 checks failed; first: CSAR_NOT_ZIP/);
    assert.equal((await http(t.url, 'GET', `${MP}/csars/${failed.id}/files`)).status, 409);
    const listed = (await all('')).map((x: any) => x.csarId);
    assert.ok(!listed.includes(failed.id), 'lists show onboarded packages only');
  });
});
