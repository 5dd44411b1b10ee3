import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSample, sampleFile, type BuildOptions } from '../../../scripts/build-samples.js';
import { PackageError, processPackage, type PackageLimits } from '../../../src/packages/index.js';
import { makeZip, tempDir, writeTemp } from '../../fixtures/packages/zips.js';
import type { TestContext } from 'node:test';

// Bad content inside a well-formed archive: YAML bombs and limits, encodings, TOSCA.meta,
// imports, manifests. Each failure names the file (and the YAML path and line where there is one).

async function failure(t: TestContext, sample: string, opts: BuildOptions, limits: Partial<PackageLimits> = {}): Promise<PackageError> {
  const dir = await tempDir(t);
  try {
    await processPackage(await buildSample(sample, dir, opts), limits);
  } catch (e) {
    assert.ok(e instanceof PackageError, `expected a PackageError, got ${String(e)}`);
    assert.equal(e.status, 422);
    return e;
  }
  return assert.fail('the package was accepted');
}

function firstFail(e: PackageError): { id: string; code?: string; file?: string; line?: number; detail?: string } {
  return e.report.checks.find((c) => c.result === 'FAIL')!;
}

const BOMB = [
  'tosca_definitions_version: tosca_simple_yaml_1_3',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
].join('\n');

describe('hostile package content', () => {
  it('YAML alias bomb', async (t) => {
    const e = await failure(t, 'single-vdu', { overrides: { 'single_vdu.yaml': BOMB } });
    assert.equal(e.code, 'YAML_ALIAS_LIMIT');
    assert.equal(firstFail(e).file, 'single_vdu.yaml');
    assert.match(e.detail, /alias expansion exceeds the limit of 100/);
  });

  it('YAML over the size limit', async (t) => {
    const yaml = (await sampleFile('single-vdu', 'single_vdu.yaml')) + `# ${'x'.repeat(20_000)}\n`;
    const e = await failure(t, 'single-vdu', { overrides: { 'single_vdu.yaml': yaml } }, { maxYamlBytes: 16 * 1024 });
    assert.equal(e.code, 'YAML_TOO_LARGE');
    assert.match(e.detail, /larger than the YAML limit of 16384 bytes/);
  });

  it('non-UTF-8 VNFD', async (t) => {
    const yaml = (await sampleFile('single-vdu', 'single_vdu.yaml')).replace('product_name: Sample single-VDU VNF', 'product_name: Caf\u00e9 VNF');
    const e = await failure(t, 'single-vdu', { overrides: { 'single_vdu.yaml': Buffer.from(yaml, 'latin1') } });
    assert.equal(e.code, 'VNFD_NOT_UTF8');
    const f = firstFail(e);
    assert.equal(f.file, 'single_vdu.yaml');
    assert.equal(f.line, yaml.split('\n').findIndex((l) => l.includes('Caf')) + 1);
    assert.match(e.detail, /not valid UTF-8 \(byte 0xe9/);
  });

  it('UTF-16 VNFD', async (t) => {
    const yaml = await sampleFile('single-vdu', 'single_vdu.yaml');
    const e = await failure(t, 'single-vdu', { overrides: { 'single_vdu.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(yaml, 'utf16le')]) } });
    assert.equal(e.code, 'VNFD_NOT_UTF8');
  });

  it('unsupported tosca_definitions_version', async (t) => {
    const yaml = (await sampleFile('single-vdu', 'single_vdu.yaml')).replace('tosca_simple_yaml_1_3', 'tosca_2_0');
    const e = await failure(t, 'single-vdu', { overrides: { 'single_vdu.yaml': yaml } });
    assert.equal(e.code, 'TOSCA_VERSION_UNSUPPORTED');
    assert.match(e.detail, /^single_vdu\.yaml: tosca_definitions_version: tosca_2_0 is not supported/);
    assert.equal(firstFail(e).line, 1);
  });

  it('YAML syntax error and duplicate keys', async (t) => {
    const yaml = (await sampleFile('single-vdu', 'single_vdu.yaml')).replace('        order: 0', '        order: 0\n        order: 1');
    const e = await failure(t, 'single-vdu', { overrides: { 'single_vdu.yaml': yaml } });
    assert.equal(e.code, 'YAML_SYNTAX');
    assert.match(e.detail, /unique/);
    assert.ok(firstFail(e).line! > 1);
  });

  it('missing Entry-Definitions key in TOSCA.meta', async (t) => {
    const meta = (await sampleFile('tacker-layout', 'TOSCA-Metadata/TOSCA.meta')).replace(/^Entry-Definitions:.*\n/m, '');
    const e = await failure(t, 'tacker-layout', { overrides: { 'TOSCA-Metadata/TOSCA.meta': meta } });
    assert.equal(e.code, 'ENTRY_DEFINITIONS_MISSING');
    assert.equal(firstFail(e).file, 'TOSCA-Metadata/TOSCA.meta');
  });

  it('Entry-Definitions naming a file that is not there', async (t) => {
    const e = await failure(t, 'tacker-layout', { overrides: { 'Definitions/tacker_layout_top.vnfd.yaml': null } });
    assert.equal(e.code, 'ENTRY_DEFINITIONS_MISSING');
    assert.match(e.detail, /Entry-Definitions names Definitions\/tacker_layout_top\.vnfd\.yaml, which is not a file/);
  });

  it('no TOSCA.meta and no root YAML', async (t) => {
    const e = await failure(t, 'single-vdu', { overrides: { 'single_vdu.yaml': null } });
    assert.equal(e.code, 'ENTRY_DEFINITIONS_MISSING');
  });

  it('two root YAML files without TOSCA.meta', async (t) => {
    const e = await failure(t, 'single-vdu', { overrides: { 'other.yaml': 'a: 1\n' } });
    assert.equal(e.code, 'ENTRY_DEFINITIONS_MISSING');
    assert.match(e.detail, /exactly one YAML file, found other\.yaml, single_vdu\.yaml/);
  });

  it('unresolved import (file, remote, outside the package)', async (t) => {
    const df = await sampleFile('tacker-layout', 'Definitions/tacker_layout_df_simple.yaml');
    for (const [ref, reason] of [
      ['missing_types.yaml', /import missing_types\.yaml is not in the package \(looked for Definitions\/missing_types\.yaml\)/],
      ['https://example.com/types.yaml', /is remote; mecano does not fetch imports/],
      ['../../outside.yaml', /points outside the package/],
    ] as const) {
      const broken = df.replace('  - tacker_layout_types.yaml\n', `  - tacker_layout_types.yaml\n  - ${ref}\n`);
      const e = await failure(t, 'tacker-layout', { overrides: { 'Definitions/tacker_layout_df_simple.yaml': broken } });
      assert.equal(e.code, 'VNFD_IMPORT_UNRESOLVED');
      const f = firstFail(e);
      assert.equal(f.file, 'Definitions/tacker_layout_df_simple.yaml');
      assert.match(f.detail!, /^Definitions\/tacker_layout_df_simple\.yaml: imports\[3\]: /);
      assert.match(f.detail!, reason);
      assert.equal(f.line, broken.split('\n').findIndex((l) => l.includes(ref)) + 1);
    }
  });

  it('manifest digest mismatch (tampered after signing the digests)', async (t) => {
    const e = await failure(t, 'tacker-layout', { tamper: { 'Licenses/LICENSE.txt': 'tampered\n' } });
    assert.equal(e.code, 'MANIFEST_DIGEST_MISMATCH');
    const f = firstFail(e);
    assert.equal(f.id, 'manifest.digest:Licenses/LICENSE.txt');
    assert.equal(f.file, 'tacker_layout.mf');
    assert.ok(f.line! > 1);
    assert.match(e.detail, /SHA-256 digest of Licenses\/LICENSE\.txt is [0-9a-f]{64}, the manifest says [0-9a-f]{64}$/);
    assert.equal(e.report.checks.filter((c) => c.result === 'FAIL').length, 1);
  });

  it('a tampered image fails both the manifest digest and the sw_image_data checksum', async (t) => {
    const e = await failure(t, 'two-vdu', { tamper: { 'Files/images/vnfc-server.mjs': '#!/bin/sh\necho evil\n' } });
    assert.equal(e.code, 'MANIFEST_DIGEST_MISMATCH');
    assert.match(e.detail, /\(and 2 more problems\)$/);
    assert.deepEqual(e.report.checks.filter((c) => c.result === 'FAIL').map((c) => c.code), ['MANIFEST_DIGEST_MISMATCH', 'SW_IMAGE_INVALID', 'SW_IMAGE_INVALID']);
  });

  it('a file listed in the manifest but absent', async (t) => {
    const e = await failure(t, 'tacker-layout', { tamper: { 'Files/docs/README.txt': null } });
    assert.equal(e.code, 'CSAR_MISSING_ENTRY');
  });

  it('files the manifest does not list, when listing all is required', async (t) => {
    const dir = await tempDir(t);
    const csar = await buildSample('single-vdu', dir, { tamper: { 'Files/extra.txt': 'unlisted\n' } });
    const ok = await processPackage(csar);
    assert.equal(ok.report.checks.find((c) => c.id === 'manifest.coverage')?.result, 'SKIP');
    await assert.rejects(processPackage(csar, { requireAllFilesInManifest: true }), (e: PackageError) => e.code === 'MANIFEST_FILE_NOT_LISTED' && /Files\/extra\.txt/.test(e.detail));
  });

  it('a manifest without metadata, or with a bad release date', async (t) => {
    let e = await failure(t, 'single-vdu', { overrides: { 'single_vdu.mf': 'Source: x\n' }, manifest: 'metadata-only' });
    assert.equal(e.code, 'MANIFEST_INVALID');
    const mf = (await sampleFile('single-vdu', 'single_vdu.mf')).replace('2025-01-15T10:00:00+00:00', '15/01/2025');
    e = await failure(t, 'single-vdu', { overrides: { 'single_vdu.mf': mf } });
    assert.equal(e.code, 'MANIFEST_INVALID');
    assert.match(e.detail, /'15\/01\/2025' is not an RFC 3339 date-time/);
  });

  it('manifest metadata that contradicts the VNFD', async (t) => {
    const mf = (await sampleFile('single-vdu', 'single_vdu.mf')).replace('vnf_provider_id: mecano', 'vnf_provider_id: someone-else');
    const e = await failure(t, 'single-vdu', { overrides: { 'single_vdu.mf': mf } });
    assert.equal(e.code, 'MANIFEST_INVALID');
    assert.match(e.detail, /vnf_provider_id is 'someone-else' but the VNFD says 'mecano'/);
  });

  it('a manifest is required only when configured', async (t) => {
    const dir = await tempDir(t);
    const csar = await buildSample('single-vdu', dir, { manifest: 'none' });
    const ok = await processPackage(csar);
    assert.equal(ok.manifest, null);
    assert.equal(ok.report.checks.find((c) => c.id === 'csar.manifest')?.result, 'SKIP');
    await assert.rejects(processPackage(csar, { requireManifest: true }), (e: PackageError) => e.code === 'MANIFEST_MISSING');
  });

  it('a CRC-32 mismatch in a stored entry', async (t) => {
    const dir = await tempDir(t);
    const zip = await makeZip([{ name: 'a.yaml', data: 'tosca_definitions_version: tosca_simple_yaml_1_3\n# MARKER\n', compress: false }]);
    const i = zip.indexOf('MARKER');
    zip[i] = 'N'.charCodeAt(0);
    const e = await assert.rejects(processPackage(await writeTemp(dir, 'crc.csar', zip)), (err: PackageError) => err.code === 'CSAR_CORRUPT' && /CRC-32 mismatch in entry a\.yaml/.test(err.detail));
    void e;
  });

  it('a SOL004 option 2 package is refused with a reason', async (t) => {
    const dir = await tempDir(t);
    const zip = await makeZip([{ name: 'vnf.csar', data: 'inner' }, { name: 'vnf.cms', data: 'sig' }]);
    await assert.rejects(processPackage(await writeTemp(dir, 'opt2.zip', zip)), (e: PackageError) => e.code === 'CSAR_LAYOUT_INVALID' && /security option 2/.test(e.detail));
  });
});
