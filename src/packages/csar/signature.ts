import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

// CMS (PKCS#7) signatures of SOL004 packages. Node's crypto has no CMS verifier, so this runs
// `openssl cms -verify`, as the ONAP VNF SDK does. Without a configured trust store only the
// signature's integrity against the package's own certificate is checked (`-noverify`): the
// certificate travels inside the package, so it proves integrity, not who signed.

export type SignatureOutcome =
  | { result: 'PASS'; detail: string }
  | { result: 'FAIL'; detail: string }
  | { result: 'SKIP'; detail: string };

export interface CmsInput {
  /** The signed bytes (or a file holding them); several candidates when the signed form is ambiguous. */
  contents: (Buffer | { file: string })[];
  /** The signature, PEM ("-----BEGIN CMS-----") or DER. */
  signature: Buffer;
  /** The signer's certificate (PEM), when the package names one. */
  certificate?: Buffer;
  trustedCaFile?: string;
}

const OPENSSL_TIMEOUT_MS = 30_000;

function run(args: string[]): Promise<{ code: number | null; stderr: string; missing: boolean }> {
  return new Promise((resolve) => {
    execFile('openssl', args, { timeout: OPENSSL_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (err, _stdout, stderr) => {
      const missing = (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stderr: String(stderr), missing });
    });
  });
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'no reason given';
}

export async function verifyCms(input: CmsInput): Promise<SignatureOutcome> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mecano-cms-'));
  try {
    const pem = input.signature.subarray(0, 64).toString('latin1').includes('-----BEGIN');
    const sig = path.join(dir, pem ? 'sig.pem' : 'sig.der');
    await writeFile(sig, input.signature);
    const args = ['cms', '-verify', '-binary', '-inform', pem ? 'PEM' : 'DER', '-in', sig, '-out', path.join(dir, 'out')];
    if (input.certificate) {
      await writeFile(path.join(dir, 'cert.pem'), input.certificate);
      args.push('-certfile', path.join(dir, 'cert.pem'));
    }
    if (input.trustedCaFile) args.push('-CAfile', input.trustedCaFile, '-purpose', 'any');
    else args.push('-noverify');
    let last = '';
    for (let i = 0; i < input.contents.length; i++) {
      const c = input.contents[i];
      const content = Buffer.isBuffer(c) ? path.join(dir, `content${i}`) : c.file;
      if (Buffer.isBuffer(c)) await writeFile(content, c);
      const r = await run([...args, '-content', content]);
      if (r.missing) return { result: 'SKIP', detail: 'openssl is not installed; the CMS signature was recorded but not verified' };
      if (r.code === 0) {
        return {
          result: 'PASS',
          detail: input.trustedCaFile ? 'CMS signature valid and chained to a trusted CA' : 'CMS signature valid for the enclosed certificate (no trust store configured)',
        };
      }
      last = firstLine(r.stderr);
    }
    return { result: 'FAIL', detail: `CMS signature verification failed: ${last}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
