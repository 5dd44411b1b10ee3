import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import yazl from 'yazl';
import { zipToBuffer } from '../src/packages/zip-write.js';

// Builds the sample VNF packages (samples/packages/<name>/) into CSARs. At build time it
//  - replaces @sha256(<path>) and @size(<path>) in YAML files by the digest / size ("<n> B") of
//    that package file, so sw_image_data always matches the shipped program;
//  - appends a Source / Algorithm / Hash block per file to the manifest template (every file
//    except the manifest itself and TOSCA.meta, as the ONAP VNF SDK does);
//  - optionally signs the manifest (CMS, `openssl cms -sign`), as SOL004 security option 1.
// Entries get a fixed mtime, so a build is byte-for-byte reproducible.
// Run: node --import tsx scripts/build-samples.ts [name ...]   (writes samples/build/<name>.csar)

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SAMPLES_DIR = path.join(ROOT, 'samples', 'packages');
export const SAMPLE_NAMES = ['single-vdu', 'two-vdu', 'two-vdu-v2', 'tacker-layout', 'failing'] as const;
const FIXED_MTIME = new Date('2025-01-15T10:00:00Z');
const execFileP = promisify(execFile);

type Content = string | Buffer | null;

export interface BuildOptions {
  /** Source tree root (default samples/packages/<name>). */
  sourceDir?: string;
  /** Output file name (default <name>.csar). */
  fileName?: string;
  /** Files replaced (string/Buffer) or removed (null) before tokens and the manifest are processed. */
  overrides?: Record<string, Content>;
  /** Files replaced or removed after the manifest is written (their digests no longer match). */
  tamper?: Record<string, Content>;
  /** 'digests' (default): metadata + one digest block per file; 'metadata-only'; 'none': no manifest. */
  manifest?: 'digests' | 'metadata-only' | 'none';
  /** Sign the manifest with this key and certificate (PEM files); the certificate is shipped at certPath. */
  sign?: { keyFile: string; certFile: string; certPath?: string };
}

interface TreeFile {
  data: Buffer;
  mode: number;
}

async function readTree(dir: string, base = ''): Promise<Map<string, TreeFile>> {
  const out = new Map<string, TreeFile>();
  for (const e of await readdir(path.join(dir, base), { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of await readTree(dir, rel)) out.set(k, v);
    else if (e.isFile()) out.set(rel, { data: await readFile(path.join(dir, rel)), mode: (await stat(path.join(dir, rel))).mode & 0o777 });
  }
  return out;
}

function apply(files: Map<string, TreeFile>, changes: Record<string, Content> | undefined): void {
  for (const [p, c] of Object.entries(changes ?? {})) {
    if (c === null) files.delete(p);
    else files.set(p, { data: Buffer.isBuffer(c) ? c : Buffer.from(c, 'utf8'), mode: files.get(p)?.mode ?? 0o644 });
  }
}

function substituteTokens(files: Map<string, TreeFile>): void {
  for (const [p, f] of files) {
    if (!/\.ya?ml$/.test(p) || (f.data.indexOf('@sha256(') < 0 && f.data.indexOf('@size(') < 0)) continue;
    // latin1 maps bytes 1:1, so a file that is not UTF-8 (hostile-input tests) keeps its bytes.
    const text = f.data.toString('latin1').replace(/@(sha256|size)\(([^)]+)\)/g, (_m, kind: string, ref: string) => {
      const target = files.get(ref);
      if (!target) throw new Error(`${p}: @${kind}(${ref}) names a file that is not in the package`);
      return kind === 'sha256' ? createHash('sha256').update(target.data).digest('hex') : `${target.data.length} B`;
    });
    f.data = Buffer.from(text, 'latin1');
  }
}

function manifestPath(files: Map<string, TreeFile>): string | null {
  const meta = files.get('TOSCA-Metadata/TOSCA.meta');
  if (meta) return /^ETSI-Entry-Manifest:\s*(\S+)\s*$/m.exec(meta.data.toString('utf8'))?.[1] ?? null;
  const mfs = [...files.keys()].filter((f) => !f.includes('/') && f.endsWith('.mf'));
  return mfs.length === 1 ? mfs[0] : null;
}

function digestBlocks(files: Map<string, TreeFile>, mf: string): string {
  return [...files.keys()]
    .filter((f) => f !== mf && f !== 'TOSCA-Metadata/TOSCA.meta')
    .sort()
    .map((f) => `Source: ${f}\nAlgorithm: SHA-256\nHash: ${createHash('sha256').update(files.get(f)!.data).digest('hex')}\n`)
    .join('\n');
}

async function cmsSign(body: string, sign: NonNullable<BuildOptions['sign']>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mecano-sign-'));
  try {
    await writeFile(path.join(dir, 'mf'), body);
    const { stdout } = await execFileP('openssl', ['cms', '-sign', '-binary', '-in', path.join(dir, 'mf'), '-signer', sign.certFile, '-inkey', sign.keyFile, '-outform', 'PEM']);
    return stdout.replace(/-----BEGIN PKCS7-----/, '-----BEGIN CMS-----').replace(/-----END PKCS7-----/, '-----END CMS-----');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeManifest(files: Map<string, TreeFile>, opts: BuildOptions): Promise<void> {
  const mf = manifestPath(files);
  if (!mf || !files.has(mf)) return;
  if (opts.manifest === 'none') {
    files.delete(mf);
    return;
  }
  if (opts.sign) {
    const certPath = opts.sign.certPath ?? mf.replace(/\.mf$/, '.cert');
    files.set(certPath, { data: await readFile(opts.sign.certFile), mode: 0o644 });
  }
  let body = files.get(mf)!.data.toString('utf8').trimEnd() + '\n';
  if (opts.manifest !== 'metadata-only') body += '\n' + digestBlocks(files, mf);
  if (opts.sign) body += await cmsSign(body, opts.sign);
  files.get(mf)!.data = Buffer.from(body, 'utf8');
}

async function writeZip(files: Map<string, TreeFile>, out: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const p of [...files.keys()].sort()) {
    const f = files.get(p)!;
    zip.addBuffer(f.data, p, { mtime: FIXED_MTIME, mode: 0o100000 | f.mode });
  }
  await writeFile(out, await zipToBuffer(zip));
}

/** Builds one sample (or any source tree, with opts.sourceDir) into outDir; returns the CSAR path. */
export async function buildSample(name: string, outDir: string, opts: BuildOptions = {}): Promise<string> {
  const files = await readTree(opts.sourceDir ?? path.join(SAMPLES_DIR, name));
  apply(files, opts.overrides);
  substituteTokens(files);
  await writeManifest(files, opts);
  apply(files, opts.tamper);
  await mkdir(outDir, { recursive: true });
  const out = path.join(outDir, opts.fileName ?? `${name}.csar`);
  await writeZip(files, out);
  return out;
}

/** The text of one file of a sample's source tree (for tests building variants). */
export async function sampleFile(name: string, rel: string): Promise<string> {
  return readFile(path.join(SAMPLES_DIR, name, rel), 'utf8');
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const outDir = path.join(ROOT, 'samples', 'build');
  for (const n of names.length > 0 ? names : SAMPLE_NAMES) {
    console.log(await buildSample(n, outDir));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
