import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { buildSample } from '../../../scripts/build-samples.js';
import { verifyCms } from '../../../src/packages/csar/signature.js';
import { PackageError, processPackage, readEntry } from '../../../src/packages/index.js';
import { tempDir } from '../../fixtures/packages/zips.js';

// SOL004 security option 1 with real CMS signatures made by openssl.

const run = promisify(execFile);

async function keyPair(dir: string, name: string): Promise<{ keyFile: string; certFile: string }> {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.pem`);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${name}`]);
  return { keyFile, certFile };
}

async function hasOpenssl(t: TestContext): Promise<boolean> {
  try {
    await run('openssl', ['version']);
    return true;
  } catch {
    t.skip('openssl is not installed');
    return false;
  }
}

describe('package signatures', () => {
  it('a signed manifest verifies, and is reported', async (t) => {
    if (!(await hasOpenssl(t))) return;
    const dir = await tempDir(t);
    const signer = await keyPair(dir, 'vendor');
    const csar = await buildSample('single-vdu', dir, { sign: signer });
    const p = await processPackage(csar);
    assert.equal(p.signed, true);
    assert.equal(p.layout.certificatePath, 'single_vdu.cert');
    const check = p.report.checks.find((c) => c.id === 'manifest.signature');
    assert.equal(check?.result, 'PASS');
    assert.match(check!.detail!, /no trust store configured/);
    assert.ok(p.manifest?.cms?.startsWith('-----BEGIN CMS-----'));
    assert.equal(p.packageSecurityOption, 'OPTION_1');
    // The package certificate is an artifact; the manifest's own digests still verify.
    assert.ok(p.additionalArtifacts.some((a) => a.artifactPath === 'single_vdu.cert'));

    const trusted = await processPackage(csar, { trustedCaFile: signer.certFile });
    assert.match(trusted.report.checks.find((c) => c.id === 'manifest.signature')!.detail!, /chained to a trusted CA/);
    const other = await keyPair(dir, 'someone-else');
    await assert.rejects(processPackage(csar, { trustedCaFile: other.certFile }), (e: PackageError) => e.code === 'SIGNATURE_INVALID');
  });

  it('a manifest changed after signing fails', async (t) => {
    if (!(await hasOpenssl(t))) return;
    const dir = await tempDir(t);
    const signer = await keyPair(dir, 'vendor');
    const signed = (await readEntry(await buildSample('two-vdu', dir, { sign: signer }), 'two_vdu.mf', 1 << 20)).toString('utf8');
    const forged = signed.replace('vnf_package_version: 1.0', 'vnf_package_version: 1.1');
    assert.notEqual(forged, signed);
    const csar = await buildSample('two-vdu', dir, { sign: signer, fileName: 'forged.csar', tamper: { 'two_vdu.mf': forged } });
    await assert.rejects(processPackage(csar), (e: PackageError) => {
      assert.equal(e.code, 'SIGNATURE_INVALID');
      assert.equal(e.report.checks.find((c) => c.id === 'manifest.signature')?.result, 'FAIL');
      return true;
    });
  });

  it('verifies a detached artifact signature and rejects another content', async (t) => {
    if (!(await hasOpenssl(t))) return;
    const dir = await tempDir(t);
    const signer = await keyPair(dir, 'vendor');
    const artifact = path.join(dir, 'image.bin');
    await writeFile(artifact, 'image bytes\n');
    await run('openssl', ['cms', '-sign', '-binary', '-in', artifact, '-signer', signer.certFile, '-inkey', signer.keyFile, '-outform', 'DER', '-out', path.join(dir, 'image.sig.cms')]);
    const signature = await readFile(path.join(dir, 'image.sig.cms'));
    const certificate = await readFile(signer.certFile);
    assert.equal((await verifyCms({ contents: [{ file: artifact }], signature, certificate })).result, 'PASS');
    const bad = await verifyCms({ contents: [Buffer.from('other bytes\n')], signature, certificate });
    assert.equal(bad.result, 'FAIL');
    assert.match(bad.detail, /verification failed/);
  });
});
