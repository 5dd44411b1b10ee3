import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifest, digestAlgorithm } from '../../../src/packages/csar/manifest.js';
import { parseToscaMeta } from '../../../src/packages/csar/tosca-meta.js';
import { unsafeEntryName } from '../../../src/packages/csar/zip-reader.js';
import { PackageProblem } from '../../../src/packages/report.js';
import { firstInvalidUtf8, loadYaml } from '../../../src/packages/vnfd/yaml-load.js';

// Pure parsers: TOSCA.meta, the SOL004 manifest, entry names, UTF-8 and YAML loading.

const problem = (code: string, line?: number) => (e: unknown) => e instanceof PackageProblem && e.code === code && (line === undefined || e.line === line);

describe('TOSCA.meta', () => {
  it('reads SOL004 keys whatever their case, and the v2.4.1 unprefixed forms', () => {
    const m = parseToscaMeta('TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-by: Onboarding portal\nEntry-Definitions: Definitions/a.yaml\nEntry-Manifest: a.mf\nETSI-Entry-Certificate: a.cert\n\nName: Files/x\nContent-Type: text/plain\n');
    assert.equal(m.createdBy, 'Onboarding portal');
    assert.equal(m.entryManifest, 'a.mf');
    assert.equal(m.entryCertificate, 'a.cert');
    assert.equal(m.raw['Name'], undefined, 'later blocks describe files, not the CSAR');
  });

  it('refuses unsupported versions, missing keys, malformed lines', () => {
    const base = 'TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: x\nEntry-Definitions: a.yaml\n';
    assert.throws(() => parseToscaMeta(base.replace('CSAR-Version: 1.1', 'CSAR-Version: 9.0')), problem('TOSCA_META_INVALID', 2));
    assert.throws(() => parseToscaMeta(base.replace('Created-By: x\n', '')), problem('TOSCA_META_INVALID'));
    assert.throws(() => parseToscaMeta(base + 'no colon here\n'), problem('TOSCA_META_INVALID', 5));
    assert.throws(() => parseToscaMeta(base + 'Created-by: y\n'), problem('TOSCA_META_INVALID', 5));
    assert.throws(() => parseToscaMeta(base + 'ETSI-Entry-Manifest: a.mf\nEntry-Manifest: b.mf\n'), problem('TOSCA_META_INVALID'));
  });
});

describe('manifest', () => {
  const META = 'metadata:\nvnf_provider_id: Acme\nvnf_product_name: vMRF\nvnf_release_date_time: 2017-01-01T10:00:00+03:00\nvnf_package_version: 1.0\n';

  it('parses metadata, non-MANO sets, digest blocks and the CMS signature', () => {
    const text = `${META}\nnon_mano_artifact_sets:\n  onap_ves_events:\n    Source: Files/Events/ves.yaml\n\n  onap_others:\n    Source: Files/a.txt\n    Source: Files/b.txt\n\nSource: MRF.yaml\nAlgorithm: SHA-256\nHash: 09e5a788acb180162c51679ae4c998039fa6644505db2415e35107d1ee213943\n\nSource: scripts/install.sh\nAlgorithm: SHA-512\nHash: ABCDEF\nSignature: scripts/install.sh.sig.cms\nCertificate: scripts/install.cert\n\n-----BEGIN CMS-----\nMIIB\n-----END CMS-----\n`;
    const m = parseManifest(text, 'a.mf');
    assert.equal(m.metadata.vnf_product_name, 'vMRF');
    assert.deepEqual(m.nonManoArtifactSets, { onap_ves_events: ['Files/Events/ves.yaml'], onap_others: ['Files/a.txt', 'Files/b.txt'] });
    assert.deepEqual(m.artifacts.map((a) => [a.source, a.algorithm, a.signature ?? null, a.line]), [['MRF.yaml', 'SHA-256', null, 15], ['scripts/install.sh', 'SHA-512', 'scripts/install.sh.sig.cms', 19]]);
    assert.equal(m.cms, '-----BEGIN CMS-----\nMIIB\n-----END CMS-----\n');
    assert.equal(m.signedText, text.slice(0, text.indexOf('-----BEGIN CMS-----')));
  });

  it('accepts the ONAP vnf_release_data_time spelling and PNF metadata', () => {
    assert.equal(parseManifest(META.replace('date_time', 'data_time'), 'a.mf').metadata.vnf_release_date_time, '2017-01-01T10:00:00+03:00');
    parseManifest('metadata:\npnfd_provider: A\npnfd_name: B\npnfd_release_date_time: 2019-01-01T00:00:00Z\npnfd_archive_version: 1\n', 'p.mf');
  });

  it('reports malformed manifests with the line', () => {
    assert.throws(() => parseManifest(`${META}\nSource: a\nAlgorithm: MD5\nHash: 00\n`, 'a.mf'), problem('MANIFEST_INVALID', 7));
    assert.throws(() => parseManifest(`${META}\nSource: a\nHash: 00\n`, 'a.mf'), problem('MANIFEST_INVALID', 7));
    assert.throws(() => parseManifest(`${META}\nSource: a\nAlgorithm: SHA-256\nHash: xyz\n`, 'a.mf'), problem('MANIFEST_INVALID', 7));
    assert.throws(() => parseManifest(`${META}\nSource: a\nSource: a\n`, 'a.mf'), problem('MANIFEST_INVALID'));
    assert.throws(() => parseManifest(`${META}\ngarbage\n`, 'a.mf'), problem('MANIFEST_INVALID', 7));
    assert.throws(() => parseManifest(`${META}\n-----BEGIN CMS-----\nMIIB\n-----END CMS-----\nSource: late\n`, 'a.mf'), problem('MANIFEST_INVALID'));
    assert.throws(() => parseManifest(META.replace('vnf_product_name: vMRF\n', ''), 'a.mf'), problem('MANIFEST_INVALID'));
  });

  it('knows the SOL004 digest algorithms', () => {
    assert.deepEqual(digestAlgorithm('sha-256'), { canonical: 'SHA-256', node: 'sha256' });
    assert.deepEqual(digestAlgorithm('SHA512'), { canonical: 'SHA-512', node: 'sha512' });
    assert.equal(digestAlgorithm('MD5'), null);
  });
});

describe('entry names', () => {
  it('accepts package paths and rejects traversal, absolute, drive, backslash and odd segments', () => {
    for (const ok of ['TOSCA-Metadata/TOSCA.meta', 'Files/images/a.img', 'Definitions/', 'a..b/c']) assert.equal(unsafeEntryName(ok), null, ok);
    for (const bad of ['../a', 'a/../../b', '/etc/passwd', 'C:/x', 'c:x', 'a\\b', 'a//b', './a', 'a/./b', 'a\u0000b', '']) assert.notEqual(unsafeEntryName(bad), null, bad);
  });
});

describe('UTF-8 and YAML loading', () => {
  it('finds the first invalid UTF-8 byte', () => {
    assert.equal(firstInvalidUtf8(Buffer.from('héllo ✓ 𝄞', 'utf8')), -1);
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xe9, 0x62])), 1);
    assert.equal(firstInvalidUtf8(Buffer.from([0xc0, 0xaf])), 0, 'overlong');
    assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0, 'surrogate');
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82])), 1, 'truncated sequence');
    assert.equal(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0, 'above U+10FFFF');
  });

  it('keeps the text of decimals YAML would shorten, strips a BOM, limits aliases', () => {
    const y = loadYaml('a.yaml', Buffer.from('\ufeffv: 1.0\nw: 1.5\nn: 3\ns: [*x]\nx: &x 1\n'.replace('s: [*x]\n', ''), 'utf8'), { maxYamlBytes: 1000, maxYamlAliasCount: 100 });
    assert.deepEqual(y.value, { v: '1.0', w: 1.5, n: 3, x: 1 });
    assert.throws(() => loadYaml('a.yaml', Buffer.from('a: &a [1,2]\nb: [*a,*a,*a]\n'), { maxYamlBytes: 1000, maxYamlAliasCount: 2 }), problem('YAML_ALIAS_LIMIT'));
  });
});
