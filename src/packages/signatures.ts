import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CsarLayout } from './csar/layout.js';
import { manifestSourcePath, type Manifest, type ManifestArtifact } from './csar/manifest.js';
import { verifyCms, type SignatureOutcome } from './csar/signature.js';
import type { CsarArchive } from './csar/zip-reader.js';
import { PKG } from './errors.js';
import type { PackageLimits } from './limits.js';
import { PackageProblem, type ReportBuilder } from './report.js';

// SOL004 5.1 security option 1: a CMS signature at the end of the manifest (signer certificate in
// the CMS or named by ETSI-Entry-Certificate) and optional per-artifact signatures (Signature /
// Certificate lines). Every signature is recorded in the report; a bad one fails the package,
// one that cannot be checked (no openssl) is reported as SKIP, never a crash.

const D_MANIFEST = 'The manifest CMS signature is valid';
const D_ARTIFACT = 'The artifact signature is valid';
const MAX_SIGNATURE_BYTES = 1024 * 1024;

function record(report: ReportBuilder, id: string, description: string, o: SignatureOutcome, file: string): boolean {
  if (o.result === 'PASS') report.pass(id, description, { file, detail: o.detail });
  else if (o.result === 'SKIP') report.skip(id, description, o.detail, file);
  else report.fail(id, description, new PackageProblem(PKG.signature, `${file}: ${o.detail}`, { file }));
  return o.result === 'PASS';
}

/** Candidates for the signed bytes: signers differ on the newline before the CMS block. */
function signedForms(text: string): Buffer[] {
  const forms = [text, text.replace(/\s+$/, '\n'), text.replace(/\s+$/, '')];
  return [...new Set(forms)].map((f) => Buffer.from(f, 'utf8'));
}

async function readCert(csar: CsarArchive, p: string | null | undefined): Promise<Buffer | undefined> {
  return p && csar.isFile(p) ? csar.read(p, MAX_SIGNATURE_BYTES) : undefined;
}

async function artifactSignature(csar: CsarArchive, layout: CsarLayout, a: ManifestArtifact, lim: PackageLimits, report: ReportBuilder, manifest: string): Promise<void> {
  const id = `artifact.signature:${a.source}`;
  const sig = manifestSourcePath(a.signature!);
  const target = manifestSourcePath(a.source);
  if (!sig || !csar.isFile(sig) || !target || !csar.isFile(target)) {
    report.fail(id, D_ARTIFACT, new PackageProblem(PKG.signature, `signature ${a.signature} of ${a.source} is not in the package`, { file: manifest, line: a.line }));
    return;
  }
  const certPath = a.certificate ? manifestSourcePath(a.certificate) : layout.certificatePath;
  const dir = await mkdtemp(path.join(tmpdir(), 'mecano-sig-'));
  try {
    const file = path.join(dir, 'artifact');
    await csar.extract(target, file);
    const o = await verifyCms({ contents: [{ file }], signature: await csar.read(sig, MAX_SIGNATURE_BYTES), certificate: await readCert(csar, certPath), trustedCaFile: lim.trustedCaFile });
    record(report, id, D_ARTIFACT, o, target);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Checks every signature the package carries; true when the manifest signature verified. */
export async function checkSignatures(csar: CsarArchive, layout: CsarLayout, m: Manifest | null, lim: PackageLimits, report: ReportBuilder): Promise<boolean> {
  if (!m) return false;
  let signed = false;
  if (m.cms && m.signedText !== null) {
    const o = await verifyCms({
      contents: signedForms(m.signedText),
      signature: Buffer.from(m.cms, 'utf8'),
      certificate: await readCert(csar, layout.certificatePath),
      trustedCaFile: lim.trustedCaFile,
    });
    signed = record(report, 'manifest.signature', D_MANIFEST, o, m.path);
  } else {
    report.skip('manifest.signature', D_MANIFEST, 'the manifest is not signed', m.path);
  }
  for (const a of m.artifacts) if (a.signature) await artifactSignature(csar, layout, a, lim, report, m.path);
  return signed;
}
