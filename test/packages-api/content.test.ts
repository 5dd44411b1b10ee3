import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildSample, sampleFile } from '../../scripts/build-samples.js';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { assertEtsi, SOL005 } from '../helpers/etsi.js';
import { createPackage, onboard, putContent, unzip } from './helpers.js';

// /vnfpkgm/v1 content: upload (zip and multipart), then package_content with ranges, vnfd per
// Accept, manifest, artifacts, and the same by vnfdId under /onboarded_vnf_packages.

let t: TestApp;
let dir: string;
const csars: Record<string, Buffer> = {};
const pkgs: Record<string, any> = {};

before(async () => {
  t = await startTestApp();
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-pkgapi-'));
  for (const name of ['single-vdu', 'two-vdu', 'tacker-layout']) {
    csars[name] = await readFile(await buildSample(name, dir));
    pkgs[name] = await onboard(t.url, csars[name], name === 'tacker-layout' ? 'multipart' : 'zip');
  }
});
after(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => fetch(t.url + url, { headers });
const base = (name: string) => `/vnfpkgm/v1/vnf_packages/${pkgs[name].id}`;

describe('/vnfpkgm/v1 package content', () => {
  it('onboards the samples (zip and multipart): VnfPkgInfo filled from the package, SOL005-valid, with its report', async () => {
    for (const name of Object.keys(pkgs)) {
      const p = pkgs[name];
      assert.equal(p.onboardingState, 'ONBOARDED', JSON.stringify(p.onboardingFailureDetails));
      assert.equal(p.operationalState, 'ENABLED');
      for (const k of ['vnfdId', 'vnfProvider', 'vnfProductName', 'vnfSoftwareVersion', 'vnfdVersion']) assert.equal(typeof p[k], 'string', `${name}.${k}`);
      assert.equal(p.checksum.algorithm, 'SHA-256');
      assert.ok(p.softwareImages.length >= 1);
      assert.equal(p.packageSecurityOption, 'OPTION_1');
      assert.equal(p.validationReport.passed, true);
      assert.equal(p._links.vnfd.href, `${t.url}${base(name)}/vnfd`);
      assertEtsi(`${SOL005}/vnfPkgInfo.schema.json`, p);
    }
    assert.ok(pkgs['tacker-layout'].additionalArtifacts.some((a: any) => a.artifactClassification === 'HISTORY'));
  });

  it('GET package_content: the CSAR, byte ranges (206), unsatisfiable ranges (416)', async () => {
    const whole = await get(`${base('two-vdu')}/package_content`);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'application/zip');
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), csars['two-vdu']);
    const size = csars['two-vdu'].length;
    for (const [range, start, end] of [['bytes=0-99', 0, 99], ['bytes=100-', 100, size - 1], ['bytes=-50', size - 50, size - 1], [`bytes=10-${size + 1000}`, 10, size - 1]] as const) {
      const r = await get(`${base('two-vdu')}/package_content`, { range });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers.get('content-range'), `bytes ${start}-${end}/${size}`);
      assert.equal(r.headers.get('content-length'), String(end - start + 1));
      assert.deepEqual(Buffer.from(await r.arrayBuffer()), csars['two-vdu'].subarray(start, end + 1));
    }
    const bad = await get(`${base('two-vdu')}/package_content`, { range: `bytes=${size}-` });
    assert.equal(bad.status, 416);
    assert.equal(bad.headers.get('content-range'), `bytes */${size}`);
    assert.match(bad.headers.get('content-type') ?? '', /problem\+json/);
    const multi = await get(`${base('two-vdu')}/package_content`, { range: 'bytes=0-1,5-6' });
    assert.equal(multi.status, 200, 'several ranges: the whole file');
    assert.equal((await multi.arrayBuffer()).byteLength, size);
    assert.equal((await get(`${base('two-vdu')}/package_content`, { accept: 'application/json' })).status, 406);
  });

  it('GET vnfd: text/plain for a single-file VNFD, a ZIP when Accept allows one, 406 for text/plain of several files', async () => {
    const yaml = await sampleFile('single-vdu', 'single_vdu.yaml');
    const text = await get(`${base('single-vdu')}/vnfd`, { accept: 'text/plain' });
    assert.equal(text.status, 200);
    assert.match(text.headers.get('content-type') ?? '', /^text\/plain/);
    const got = await text.text();
    assert.ok(got.startsWith('tosca_definitions_version'), got.slice(0, 80));
    assert.equal(got.split('\n').length, yaml.split('\n').length);
    for (const accept of ['application/zip', 'text/plain, application/zip', '*/*']) {
      const z = await get(`${base('single-vdu')}/vnfd`, { accept });
      assert.equal(z.status, 200, accept);
      assert.equal(z.headers.get('content-type'), 'application/zip');
      assert.deepEqual([...(await unzip(Buffer.from(await z.arrayBuffer()))).keys()], ['single_vdu.yaml']);
    }
    const multi = await get(`${base('tacker-layout')}/vnfd`, { accept: 'text/plain' });
    assert.equal(multi.status, 406);
    assert.match(((await multi.json()) as { detail: string }).detail, /files/);
    const zip = await unzip(Buffer.from(await (await get(`${base('tacker-layout')}/vnfd`, { accept: 'application/zip' })).arrayBuffer()));
    assert.ok(zip.has('TOSCA-Metadata/TOSCA.meta'));
    assert.ok(zip.has('Definitions/tacker_layout_top.vnfd.yaml'));
    assert.ok(zip.has('Definitions/tacker_layout_df_simple.yaml'));
    assert.ok(![...zip.keys()].some((k) => k.startsWith('Files/')), 'only VNFD files');
    assert.equal((await get(`${base('single-vdu')}/vnfd`, { accept: 'application/json' })).status, 406);
  });

  it('GET manifest: the .mf as text/plain', async () => {
    const r = await get(`${base('two-vdu')}/manifest`, { accept: 'text/plain' });
    assert.equal(r.status, 200);
    const mf = await r.text();
    assert.match(mf, /^metadata:/m);
    assert.match(mf, /Source: Files\/images\/vnfc-server\.mjs/);
    const flagged = await get(`${base('two-vdu')}/manifest?include_signatures`);
    assert.match(flagged.headers.get('content-type') ?? '', /^text\/plain/, 'no separate certificate: still the manifest alone');
  });

  it('GET manifest?include_signatures of a signed package: a ZIP with the manifest and its certificate', async (t2) => {
    const run = promisify(execFile);
    try {
      await run('openssl', ['version']);
    } catch {
      return t2.skip('openssl is not installed');
    }
    const keyFile = path.join(dir, 'v.key');
    const certFile = path.join(dir, 'v.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=vendor']);
    const csar = await readFile(await buildSample('two-vdu-v2', dir, { sign: { keyFile, certFile }, fileName: 'signed.csar' }));
    const p = await onboard(t.url, csar);
    assert.equal(p.onboardingState, 'ONBOARDED', JSON.stringify(p.onboardingFailureDetails));
    const r = await get(`/vnfpkgm/v1/vnf_packages/${p.id}/manifest?include_signatures`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/zip');
    const zip = await unzip(Buffer.from(await r.arrayBuffer()));
    assert.deepEqual([...zip.keys()].sort(), ['two_vdu.cert', 'two_vdu.mf']);
    assert.match(zip.get('two_vdu.mf')!.toString(), /-----BEGIN CMS-----/);
    const plain = await get(`/vnfpkgm/v1/vnf_packages/${p.id}/manifest`);
    assert.match(plain.headers.get('content-type') ?? '', /^text\/plain/);
  });

  it('GET artifacts/{path}: any file of the package, with ranges; 404 for files it lacks', async () => {
    const program = await sampleFile('two-vdu', 'Files/images/vnfc-server.mjs');
    const r = await get(`${base('two-vdu')}/artifacts/Files/images/vnfc-server.mjs`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/javascript');
    assert.equal(await r.text(), program);
    const part = await get(`${base('two-vdu')}/artifacts/Files/images/vnfc-server.mjs`, { range: 'bytes=2-11' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 2-11/${Buffer.byteLength(program)}`);
    assert.equal(await part.text(), Buffer.from(program).subarray(2, 12).toString());
    const log = await get(`${base('tacker-layout')}/artifacts/ChangeLog.txt`);
    assert.equal(log.status, 200);
    assert.match(log.headers.get('content-type') ?? '', /^text\/plain/);
    for (const missing of ['Files/nope.bin', '../../etc/passwd', 'Files/images']) {
      const m = await get(`${base('two-vdu')}/artifacts/${missing}`);
      assert.equal(m.status, 404, missing);
    }
    const unsat = await get(`${base('two-vdu')}/artifacts/Files/images/vnfc-server.mjs`, { range: 'bytes=999999-' });
    assert.equal(unsat.status, 416);
  });

  it('the same by vnfdId under /onboarded_vnf_packages/{vnfdId}', async () => {
    const p = pkgs['tacker-layout'];
    const info = await http(t.url, 'GET', `/vnfpkgm/v1/onboarded_vnf_packages/${p.vnfdId}`);
    assert.equal(info.status, 200);
    assert.equal(info.body.id, p.id);
    assertEtsi(`${SOL005}/vnfPkgInfo.schema.json`, info.body);
    const ob = `/vnfpkgm/v1/onboarded_vnf_packages/${p.vnfdId}`;
    const content = await get(`${ob}/package_content`);
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), csars['tacker-layout']);
    assert.equal((await get(`${ob}/vnfd`, { accept: 'application/zip' })).status, 200);
    assert.equal((await get(`${ob}/manifest`)).status, 200);
    assert.equal((await get(`${ob}/artifacts/ChangeLog.txt`)).status, 200);
    assert.equal((await http(t.url, 'GET', '/vnfpkgm/v1/onboarded_vnf_packages/no-such-vnfd')).status, 404);
    assert.equal((await get('/vnfpkgm/v1/onboarded_vnf_packages/no-such-vnfd/package_content')).status, 404);
  });

  it('409 for the content of a package that is not ONBOARDED, 404 for an unknown one, 409 for a second upload', async () => {
    const id = await createPackage(t.url);
    for (const sub of ['package_content', 'vnfd', 'manifest', 'artifacts/Files/x']) {
      const r = await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}/${sub}`);
      assert.equal(r.status, 409, sub);
      assert.match(r.headers.get('content-type') ?? '', /problem\+json/);
      assertEtsi(`${SOL005}/ProblemDetails.schema.json`, r.body);
    }
    assert.equal((await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages/3f1f4a5c-7c55-4f0e-9f8e-2a0d7c2c1b11/package_content')).status, 404);
    const again = await putContent(t.url, pkgs['single-vdu'].id, csars['single-vdu']);
    assert.equal(again.status, 409);
    assert.equal((await http(t.url, 'PUT', `/vnfpkgm/v1/vnf_packages/${id}/package_content`, { raw: 'x', headers: { 'content-type': 'text/csv' } })).status, 415);
    const post = await http(t.url, 'POST', `/vnfpkgm/v1/vnf_packages/${id}/package_content`);
    assert.equal(post.status, 405);
  });

  it('two packages with one vnfdId uploaded at the same moment: exactly one is ONBOARDED', async () => {
    const yaml = (await sampleFile('single-vdu', 'single_vdu.yaml')).replace(/descriptor_id: [^\n]+/, 'descriptor_id: 6c6c6c6c-5555-4e4e-8f8f-000000000005');
    const a = await readFile(await buildSample('single-vdu', dir, { fileName: 'race-a.csar', overrides: { 'single_vdu.yaml': yaml } }));
    // Different bytes (so different blobs), same VNFD.
    const b = await readFile(await buildSample('single-vdu', dir, { fileName: 'race-b.csar', overrides: { 'single_vdu.yaml': `${yaml}# b\n` } }));
    const [x, y] = await Promise.all([createPackage(t.url), createPackage(t.url)]);
    const answers = await Promise.all([putContent(t.url, x, a), putContent(t.url, y, b)]);
    assert.deepEqual(answers.map((r) => r.status), [202, 202]);
    const states = await Promise.all([x, y].map(async (id) => (await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`)).body));
    assert.deepEqual(states.map((p) => p.onboardingState).sort(), ['ERROR', 'ONBOARDED']);
    assert.match(states.find((p) => p.onboardingState === 'ERROR').onboardingFailureDetails.detail, /already onboarded/);
  });

  it('a second package with an onboarded vnfdId goes to ERROR with the reason, and shares no stored state', async () => {
    const p = await onboard(t.url, csars['two-vdu']);
    assert.equal(p.onboardingState, 'ERROR');
    assert.equal(p.onboardingFailureDetails.status, 409);
    assert.match(p.onboardingFailureDetails.detail, new RegExp(`already onboarded as VNF package ${pkgs['two-vdu'].id}`));
    // onboardingState ERROR came with SOL005 v2.7.1; the v2.6.1 schema's enum predates it.
    assertEtsi(`${SOL005}/vnfPkgInfo.schema.json`, p, ['enum']);
    // Same bytes, so same blob: the original must still be readable.
    const r = await get(`${base('two-vdu')}/package_content`);
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), csars['two-vdu']);
  });
});
