import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { buildSample } from '../../../scripts/build-samples.js';
import { PackageError, processPackage, type PackageLimits } from '../../../src/packages/index.js';
import { makeZip, patchName, tempDir, writeTemp } from '../../fixtures/packages/zips.js';

// Hostile archives: each is refused before any entry is inflated, with a precise code and the
// failing check in the report.

async function rejects(file: string, code: string, detail: RegExp, limits: Partial<PackageLimits> = {}): Promise<PackageError> {
  try {
    await processPackage(file, limits);
  } catch (e) {
    assert.ok(e instanceof PackageError, `expected a PackageError, got ${String(e)}`);
    assert.equal(e.status, 422);
    assert.equal(e.code, code);
    assert.match(e.detail, detail);
    assert.equal(e.report.passed, false);
    const failed = e.report.checks.filter((c) => c.result === 'FAIL');
    assert.equal(failed[0].code, code);
    return e;
  }
  assert.fail(`${file} was accepted`);
}

const VNFD = 'tosca_definitions_version: tosca_simple_yaml_1_3\n';

describe('hostile archives', () => {
  it('not a zip', async (t) => {
    const dir = await tempDir(t);
    const e = await rejects(await writeTemp(dir, 'x.csar', Buffer.from('this is plain text, not an archive\n'.repeat(10))), 'CSAR_NOT_ZIP', /not a ZIP archive/);
    assert.equal(e.report.checks[0].id, 'csar.zip');
  });

  it('empty file', async (t) => {
    const dir = await tempDir(t);
    await rejects(await writeTemp(dir, 'x.csar', Buffer.alloc(0)), 'CSAR_NOT_ZIP', /not a ZIP/);
  });

  it('truncated zip', async (t) => {
    const dir = await tempDir(t);
    const whole = await readFile(await buildSample('two-vdu', dir));
    await rejects(await writeTemp(dir, 'cut.csar', whole.subarray(0, Math.floor(whole.length / 2))), 'CSAR_TRUNCATED', /truncated or damaged/);
  });

  for (const [label, evil, reason] of [
    ['parent-directory segment', '../../etc/evil', /parent-directory segment/],
    ['nested parent-directory segment', 'Files/../../ev', /parent-directory segment/],
    ['absolute path', '/etc/cron.d/xx', /absolute path/],
    ['drive letter', 'C:/Windows/evil', /drive letter/],
    ['backslashes', 'Files\\..\\evil1', /backslash/],
  ] as const) {
    it(`zip-slip: ${label}`, async (t) => {
      const dir = await tempDir(t);
      const placeholder = 'x'.repeat(Buffer.byteLength(evil));
      const zip = patchName(await makeZip([{ name: 'a.yaml', data: VNFD }, { name: placeholder, data: 'pwned' }]), placeholder, evil);
      const e = await rejects(await writeTemp(dir, 'slip.csar', zip), 'CSAR_UNSAFE_PATH', reason);
      assert.equal(e.report.checks[0].file, evil);
    });
  }

  it('symlink entry', async (t) => {
    const dir = await tempDir(t);
    const zip = await makeZip([{ name: 'a.yaml', data: VNFD }, { name: 'Files/link', data: '/etc/passwd', mode: 0o120777 }]);
    await rejects(await writeTemp(dir, 'link.csar', zip), 'CSAR_SYMLINK_ENTRY', /Files\/link' is a symbolic link/);
  });

  it('device and FIFO entries', async (t) => {
    const dir = await tempDir(t);
    const zip = await makeZip([{ name: 'a.yaml', data: VNFD }, { name: 'Files/fifo', data: '', mode: 0o010644 }]);
    await rejects(await writeTemp(dir, 'fifo.csar', zip), 'CSAR_UNSAFE_PATH', /special file/);
  });

  it('duplicate entry names', async (t) => {
    const dir = await tempDir(t);
    const zip = patchName(await makeZip([{ name: 'a.yaml', data: VNFD }, { name: 'b.yaml', data: 'tosca_definitions_version: evil\n' }]), 'b.yaml', 'a.yaml');
    await rejects(await writeTemp(dir, 'dup.csar', zip), 'CSAR_DUPLICATE_ENTRY', /duplicate entry name 'a.yaml'/);
  });

  it('more entries than the limit (10 000 by default)', async (t) => {
    const dir = await tempDir(t);
    const entries = Array.from({ length: 10_001 }, (_, i) => ({ name: `Files/f${i}`, data: '', compress: false }));
    await rejects(await writeTemp(dir, 'many.csar', await makeZip(entries)), 'CSAR_TOO_MANY_ENTRIES', /10001 entries, more than the limit of 10000/);
  });

  it('zip bomb: compression ratio over the limit', async (t) => {
    const dir = await tempDir(t);
    const zip = await makeZip([{ name: 'a.yaml', data: VNFD }, { name: 'Files/zeros', data: Buffer.alloc(32 * 1024 * 1024) }]);
    assert.ok(zip.length < 100 * 1024, 'the bomb is small on disk');
    await rejects(await writeTemp(dir, 'bomb.csar', zip), 'CSAR_COMPRESSION_RATIO', /Files\/zeros' has a compression ratio of \d+:1, above the limit of 200:1/);
  });

  it('zip bomb: total uncompressed size over the limit', async (t) => {
    const dir = await tempDir(t);
    const zip = await makeZip([{ name: 'a.yaml', data: VNFD }, { name: 'Files/zeros', data: Buffer.alloc(8 * 1024 * 1024) }]);
    await rejects(await writeTemp(dir, 'big.csar', zip), 'CSAR_UNCOMPRESSED_TOO_LARGE', /exceeds the limit of 4194304 bytes/, {
      maxTotalUncompressedBytes: 4 * 1024 * 1024,
      maxCompressionRatio: 100_000,
    });
  });

  it('a declared size that the data contradicts is caught while streaming', async (t) => {
    const dir = await tempDir(t);
    const csar = await buildSample('single-vdu', dir);
    const buf = await readFile(csar);
    // Lower the uncompressed size of the program in the central directory (signature 0x02014b50).
    const name = Buffer.from('Files/images/vnfc-server.mjs');
    let cd = -1;
    for (let i = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); i >= 0; i = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 1)) {
      if (buf.subarray(i + 46, i + 46 + name.length).equals(name)) cd = i;
    }
    assert.ok(cd > 0);
    buf.writeUInt32LE(buf.readUInt32LE(cd + 24) - 100, cd + 24);
    const e = await rejects(await writeTemp(dir, 'liar.csar', buf), 'CSAR_CORRUPT', /vnfc-server.mjs/);
    assert.ok(e.report.checks.some((c) => c.id === 'csar.zip' && c.result === 'PASS'));
  });
});
