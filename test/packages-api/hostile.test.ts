import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSample, sampleFile, type BuildOptions } from '../../scripts/build-samples.js';
import { startTestApp, http, type TestApp } from '../helpers/app.js';
import { makeZip, patchName } from '../fixtures/packages/zips.js';
import { createPackage, firstFailure, multipart, MULTIPART_TYPE, putContent, storedBlobs } from './helpers.js';

// Hostile and bad packages over HTTP (issue 4): each upload is answered, the package ends in
// ERROR with the precise reason (onboardingFailureDetails, and the failing check with its file
// in validationReport), and nothing of the upload stays stored. The same inputs through the
// marketplace are refused with 422 and leave no package at all.

let t: TestApp;
let dir: string;
before(async () => {
  t = await startTestApp();
  dir = await mkdtemp(path.join(tmpdir(), 'mecano-hostile-'));
});
after(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

const VNFD = 'tosca_definitions_version: tosca_simple_yaml_1_3\n';
const BOMB = [
  'tosca_definitions_version: tosca_simple_yaml_1_3',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
].join('\n');

const sample = async (name: string, opts: BuildOptions) => readFile(await buildSample(name, dir, { ...opts, fileName: `h-${randomBytes(4).toString('hex')}.csar` }));
const slip = async (evil: string) => {
  const placeholder = 'x'.repeat(Buffer.byteLength(evil));
  return patchName(await makeZip([{ name: 'a.yaml', data: VNFD }, { name: placeholder, data: 'pwned' }]), placeholder, evil);
};

interface Case {
  label: string;
  body: () => Promise<Buffer>;
  code: string;
  detail: RegExp;
  file?: string;
}

const CASES: Case[] = [
  { label: 'not a zip', body: async () => Buffer.from('this is plain text, not an archive\n'.repeat(20)), code: 'CSAR_NOT_ZIP', detail: /not a ZIP archive/ },
  { label: 'truncated zip', body: async () => (await sample('two-vdu', {})).subarray(0, 1500), code: 'CSAR_TRUNCATED', detail: /truncated or damaged/ },
  { label: 'zip-slip ../', body: () => slip('../../etc/evil'), code: 'CSAR_UNSAFE_PATH', detail: /parent-directory segment/, file: '../../etc/evil' },
  { label: 'zip-slip absolute path', body: () => slip('/etc/cron.d/xx'), code: 'CSAR_UNSAFE_PATH', detail: /absolute path/ },
  { label: 'zip-slip backslashes', body: () => slip('Files\\..\\evil1'), code: 'CSAR_UNSAFE_PATH', detail: /backslash/ },
  {
    label: 'symlink entry',
    body: () => makeZip([{ name: 'a.yaml', data: VNFD }, { name: 'Files/link', data: '/etc/passwd', mode: 0o120777 }]),
    code: 'CSAR_SYMLINK_ENTRY',
    detail: /symbolic link/,
  },
  {
    label: 'duplicate entry names',
    body: async () => patchName(await makeZip([{ name: 'a.yaml', data: VNFD }, { name: 'b.yaml', data: 'tosca_definitions_version: evil\n' }]), 'b.yaml', 'a.yaml'),
    code: 'CSAR_DUPLICATE_ENTRY',
    detail: /duplicate entry name 'a.yaml'/,
  },
  {
    label: 'more than 10 000 entries',
    body: () => makeZip(Array.from({ length: 10_001 }, (_, i) => ({ name: `Files/f${i}`, data: '', compress: false }))),
    code: 'CSAR_TOO_MANY_ENTRIES',
    detail: /10001 entries, more than the limit of 10000/,
  },
  {
    label: 'zip bomb (compression ratio)',
    body: () => makeZip([{ name: 'a.yaml', data: VNFD }, { name: 'Files/zeros', data: Buffer.alloc(64 * 1024 * 1024) }]),
    code: 'CSAR_COMPRESSION_RATIO',
    detail: /compression ratio of \d+:1, above the limit of 200:1/,
  },
  { label: 'YAML alias bomb', body: () => sample('single-vdu', { overrides: { 'single_vdu.yaml': BOMB } }), code: 'YAML_ALIAS_LIMIT', detail: /alias expansion exceeds the limit/, file: 'single_vdu.yaml' },
  {
    label: 'YAML over the size limit (2 MiB)',
    body: async () => sample('single-vdu', { overrides: { 'single_vdu.yaml': (await sampleFile('single-vdu', 'single_vdu.yaml')) + `# ${randomBytes(1_700_000).toString('base64')}\n` } }),
    code: 'YAML_TOO_LARGE',
    detail: /larger than the YAML limit/,
  },
  {
    label: 'missing Entry-Definitions',
    body: async () => sample('tacker-layout', { overrides: { 'TOSCA-Metadata/TOSCA.meta': (await sampleFile('tacker-layout', 'TOSCA-Metadata/TOSCA.meta')).replace(/^Entry-Definitions:.*\n/m, '') } }),
    code: 'ENTRY_DEFINITIONS_MISSING',
    detail: /Entry-Definitions/,
    file: 'TOSCA-Metadata/TOSCA.meta',
  },
  {
    label: 'unresolved import',
    body: async () => {
      const df = await sampleFile('tacker-layout', 'Definitions/tacker_layout_df_simple.yaml');
      return sample('tacker-layout', { overrides: { 'Definitions/tacker_layout_df_simple.yaml': df.replace('  - tacker_layout_types.yaml\n', '  - tacker_layout_types.yaml\n  - missing_types.yaml\n') } });
    },
    code: 'VNFD_IMPORT_UNRESOLVED',
    detail: /import missing_types\.yaml is not in the package/,
    file: 'Definitions/tacker_layout_df_simple.yaml',
  },
  { label: 'manifest digest mismatch', body: () => sample('tacker-layout', { tamper: { 'Licenses/LICENSE.txt': 'tampered\n' } }), code: 'MANIFEST_DIGEST_MISMATCH', detail: /SHA-256 digest of Licenses\/LICENSE\.txt/, file: 'tacker_layout.mf' },
  {
    label: 'non-UTF-8 VNFD',
    body: async () => {
      const yaml = (await sampleFile('single-vdu', 'single_vdu.yaml')).replace('product_name: Sample single-VDU VNF', 'product_name: Caf\u00e9 VNF');
      return sample('single-vdu', { overrides: { 'single_vdu.yaml': Buffer.from(yaml, 'latin1') } });
    },
    code: 'VNFD_NOT_UTF8',
    detail: /not valid UTF-8/,
    file: 'single_vdu.yaml',
  },
  {
    label: 'unsupported tosca_definitions_version',
    body: async () => sample('single-vdu', { overrides: { 'single_vdu.yaml': (await sampleFile('single-vdu', 'single_vdu.yaml')).replace('tosca_simple_yaml_1_3', 'tosca_2_0') } }),
    code: 'TOSCA_VERSION_UNSUPPORTED',
    detail: /tosca_definitions_version: tosca_2_0 is not supported/,
  },
];

describe('hostile packages over HTTP', () => {
  for (const c of CASES) {
    it(`${c.label}: ERROR with the reason, nothing stored`, async () => {
      const body = await c.body();
      const before = await storedBlobs(t);
      const id = await createPackage(t.url);
      const r = await putContent(t.url, id, body);
      assert.equal(r.status, 202, r.text);
      const p = (await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`)).body;
      assert.equal(p.onboardingState, 'ERROR');
      assert.equal(p.onboardingFailureDetails.status, 422);
      assert.match(p.onboardingFailureDetails.detail, c.detail);
      const f = firstFailure(p);
      assert.equal(f?.code, c.code);
      if (c.file) assert.equal(f?.file, c.file);
      assert.equal(p._links.vnfd, undefined);
      assert.deepEqual(await storedBlobs(t), before, 'the rejected content is not kept');
      assert.equal((await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}/package_content`)).status, 409);
    });
  }

  it('multipart uploads get the same treatment', async () => {
    const before = await storedBlobs(t);
    const id = await createPackage(t.url);
    const r = await putContent(t.url, id, multipart([{ name: 'file', filename: 'bomb.csar', data: await CASES[9].body() }]), MULTIPART_TYPE);
    assert.equal(r.status, 202);
    const p = (await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`)).body;
    assert.equal(firstFailure(p)?.code, 'YAML_ALIAS_LIMIT');
    assert.deepEqual(await storedBlobs(t), before);
  });

  it('malformed multipart bodies are 400 and leave the package CREATED', async () => {
    const id = await createPackage(t.url);
    const noFile = await putContent(t.url, id, multipart([{ name: 'other', data: 'x' }]), MULTIPART_TYPE);
    assert.equal(noFile.status, 400);
    assert.match(noFile.body.detail, /no part named 'file'/);
    const cut = multipart([{ name: 'file', filename: 'a.csar', data: Buffer.alloc(5000, 1) }]).subarray(0, 3000);
    const truncated = await putContent(t.url, id, cut, MULTIPART_TYPE);
    assert.equal(truncated.status, 400, truncated.text);
    assert.equal((await http(t.url, 'GET', `/vnfpkgm/v1/vnf_packages/${id}`)).body.onboardingState, 'CREATED');
  });

  it('through the marketplace: 422 with the validation report, and no package left', async () => {
    const before = await storedBlobs(t);
    const count = (await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages')).body.length;
    for (const c of [CASES[0], CASES[2], CASES[8], CASES[13]]) {
      const r = await http(t.url, 'POST', '/onapapi/marketplace/v1/csars', { raw: multipart([{ name: 'file', filename: 'x.csar', data: await c.body() }]), headers: { 'content-type': MULTIPART_TYPE } });
      assert.equal(r.status, 422, c.label);
      assert.match(r.headers.get('content-type') ?? '', /problem\+json/);
      assert.match(r.body.detail, c.detail);
      assert.equal(r.body.validationReport.passed, false);
      assert.equal(r.body.validationReport.checks.find((x: any) => x.result === 'FAIL').code, c.code);
    }
    assert.equal((await http(t.url, 'GET', '/vnfpkgm/v1/vnf_packages')).body.length, count);
    assert.deepEqual(await storedBlobs(t), before);
  });
});
