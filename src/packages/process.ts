import { digestEntry, imageKind, softwareImageInfo, softwareImagesOf, type FileDigest, type VnfPackageArtifactInfo, type VnfPackageSoftwareImageInfo } from './artifacts.js';
import { detectLayout, type CsarLayout } from './csar/layout.js';
import { digestAlgorithm, manifestSourcePath, parseManifest, type Manifest } from './csar/manifest.js';
import { checkSignatures } from './signatures.js';
import { TOSCA_META_PATH, type ToscaMeta } from './csar/tosca-meta.js';
import { CsarArchive } from './csar/zip-reader.js';
import { PackageError, PKG } from './errors.js';
import { resolveLimits, type PackageLimits } from './limits.js';
import { PackageProblem, ReportBuilder, type ValidationReport } from './report.js';
import type { Vnfd } from './vnfd/model.js';
import { parseVnfd } from './vnfd/parser.js';
import { decodeUtf8 } from './vnfd/yaml-load.js';

// processPackage: one uploaded CSAR → validated VNFD model, SOL005 package info and a validation
// report, or a PackageError (422) carrying that report. Structural problems (unsafe archive, no
// entry definitions, an unparsable VNFD) stop processing; digest, signature and consistency
// problems are all collected before failing, so one upload shows every problem at once.

export interface PackageMeta {
  vnfdId: string;
  vnfProvider: string;
  vnfProductName: string;
  vnfSoftwareVersion: string;
  vnfdVersion: string;
}

export interface ProcessedPackage {
  vnfd: Vnfd;
  meta: PackageMeta;
  softwareImages: VnfPackageSoftwareImageInfo[];
  additionalArtifacts: VnfPackageArtifactInfo[];
  manifest: Manifest | null;
  toscaMeta: ToscaMeta | null;
  layout: CsarLayout;
  entryDefinitions: string;
  /** Every regular file of the package, sorted. */
  files: string[];
  /** SOL005 packageSecurityOption; option 2 (CSAR inside a signed ZIP) is refused. */
  packageSecurityOption: 'OPTION_1';
  /** True when the manifest carries a CMS signature that verified. */
  signed: boolean;
  report: ValidationReport;
}

const D = {
  read: 'Every entry inflates to its declared size and CRC-32',
  zip: 'The archive is a readable ZIP with safe entry names, no links or duplicates, within entry-count, size and compression-ratio limits',
  layout: 'TOSCA-Metadata/TOSCA.meta (or a single root YAML) names entry definitions that exist',
  manifest: 'The manifest is present and well formed (SOL004 4.3.2)',
  digests: 'Every artifact digest listed in the manifest matches the file',
  coverage: 'The manifest lists every file of the package',
  vnfd: 'The VNFD parses as a SOL001 TOSCA VNFD with imports resolved inside the package',
  consistency: 'Manifest metadata matches the VNFD (provider, product name)',
  image: 'The software image artifact exists and matches its sw_image_data checksum',
};

class Abort extends Error {}

function toPackageError(report: ReportBuilder): PackageError {
  const failures = report.failures();
  const first = failures[0];
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more problem${failures.length > 2 ? 's' : ''})` : '';
  return new PackageError(first.code ?? PKG.vnfd, `${first.detail}${more}`, report.toReport());
}

/** A check whose failure stops processing: records PASS or FAIL, then aborts on FAIL. */
async function fatal<T>(report: ReportBuilder, id: string, description: string, fn: () => Promise<T>, pass?: (v: T) => string): Promise<T> {
  try {
    const v = await fn();
    report.pass(id, description, pass ? { detail: pass(v) } : {});
    return v;
  } catch (e) {
    if (!(e instanceof PackageProblem)) throw e;
    report.fail(id, description, e);
    throw new Abort();
  }
}

export async function processPackage(csarPath: string, limits: Partial<PackageLimits> = {}): Promise<ProcessedPackage> {
  const lim = resolveLimits(limits);
  const report = new ReportBuilder();
  try {
    const csar = await fatal(report, 'csar.zip', D.zip, () => CsarArchive.open(csarPath, lim), (c) => `${c.files().length} files`);
    try {
      return await processOpen(csar, lim, report);
    } finally {
      csar.close();
    }
  } catch (e) {
    // An entry that cannot be read while digesting (CRC, size or inflate error) is a damaged package.
    if (e instanceof PackageProblem) report.fail('csar.read', D.read, e);
    if (e instanceof Abort || e instanceof PackageProblem) throw toPackageError(report);
    throw e;
  }
}

async function processOpen(csar: CsarArchive, lim: PackageLimits, report: ReportBuilder): Promise<ProcessedPackage> {
  const layout = await fatal(report, 'csar.layout', D.layout, () => detectLayout(csar, lim), (l) => `${l.kind}: ${l.entryDefinitions}`);
  const manifest = await readManifest(csar, layout, lim, report);
  const digests = new Map<string, FileDigest>();
  const digest = async (name: string, algos: string[] = []): Promise<FileDigest> => {
    const have = digests.get(name);
    if (have && algos.every((a) => have.digests[a])) return have;
    const d = await digestEntry(csar, name, algos);
    digests.set(name, d);
    return d;
  };
  if (manifest) {
    await verifyDigests(csar, manifest, digest, report);
    checkCoverage(csar, layout, manifest, lim, report);
  }
  const signed = await checkSignatures(csar, layout, manifest, lim, report);
  const source = { isFile: (p: string) => csar.isFile(p), read: (p: string, max: number) => csar.read(p, max) };
  const vnfd = await fatal(report, 'vnfd.parse', D.vnfd, () => parseVnfd(source, layout.entryDefinitions, lim), (v) => `${v.files.length} files, flavours ${Object.keys(v.flavours).join(', ')}`);
  if (manifest) checkConsistency(vnfd, manifest, report);
  const createdAt = new Date().toISOString();
  const softwareImages = await imagesOf(vnfd, digest, report, createdAt);
  const imagePaths = new Set(softwareImages.map((i) => i.imagePath).filter((p) => p !== ''));
  const additionalArtifacts = await artifactsOf(csar, layout, manifest, vnfd, imagePaths, digest);
  if (report.failures().length > 0) throw new Abort();
  return {
    vnfd,
    meta: { vnfdId: vnfd.descriptorId, vnfProvider: vnfd.provider, vnfProductName: vnfd.productName, vnfSoftwareVersion: vnfd.softwareVersion, vnfdVersion: vnfd.descriptorVersion },
    softwareImages,
    additionalArtifacts,
    manifest,
    toscaMeta: layout.toscaMeta,
    layout,
    entryDefinitions: layout.entryDefinitions,
    files: csar.files(),
    packageSecurityOption: 'OPTION_1',
    signed,
    report: report.toReport(),
  };
}

async function readManifest(csar: CsarArchive, layout: CsarLayout, lim: PackageLimits, report: ReportBuilder): Promise<Manifest | null> {
  if (!layout.manifestPath) {
    if (lim.requireManifest) {
      report.fail('csar.manifest', D.manifest, new PackageProblem(PKG.manifestMissing, 'the package has no manifest (.mf) file'));
      throw new Abort();
    }
    report.skip('csar.manifest', D.manifest, 'the package has no manifest; digests cannot be verified');
    return null;
  }
  const file = layout.manifestPath;
  return fatal(report, 'csar.manifest', D.manifest, async () => parseManifest(decodeUtf8(await csar.read(file, lim.maxManifestBytes), file), file), (m) => `${file}: ${m.artifacts.length} artifacts`);
}

async function verifyDigests(csar: CsarArchive, m: Manifest, digest: (n: string, a: string[]) => Promise<FileDigest>, report: ReportBuilder): Promise<void> {
  let verified = 0;
  let remote = 0;
  let failed = 0;
  for (const a of m.artifacts) {
    if (a.algorithm === undefined || a.hash === undefined) continue;
    const p = manifestSourcePath(a.source);
    if (p === null) {
      remote++;
      continue;
    }
    const id = `manifest.digest:${a.source}`;
    if (!p || !csar.isFile(p)) {
      failed++;
      report.fail(id, D.digests, new PackageProblem(PKG.missingEntry, `${a.source} is listed in the manifest but is not in the package`, { file: m.path, line: a.line }));
      continue;
    }
    const algo = digestAlgorithm(a.algorithm)!;
    const actual = (await digest(p, [algo.node])).digests[algo.node];
    if (actual !== a.hash.toLowerCase()) {
      failed++;
      report.fail(id, D.digests, new PackageProblem(PKG.digestMismatch, `${algo.canonical} digest of ${p} is ${actual}, the manifest says ${a.hash}`, { file: m.path, line: a.line }));
    } else verified++;
  }
  if (failed === 0) report.pass('manifest.digests', D.digests, { file: m.path, detail: `${verified} verified${remote ? `, ${remote} remote artifacts not fetched` : ''}` });
}

function checkCoverage(csar: CsarArchive, layout: CsarLayout, m: Manifest, lim: PackageLimits, report: ReportBuilder): void {
  const listed = new Set(m.artifacts.map((a) => manifestSourcePath(a.source)));
  const exempt = new Set([m.path, TOSCA_META_PATH, layout.certificatePath]);
  const signatures = new Set(m.artifacts.flatMap((a) => [a.signature, a.certificate]).filter((s): s is string => !!s).map(manifestSourcePath));
  const missing = csar.files().filter((f) => !listed.has(f) && !exempt.has(f) && !signatures.has(f));
  if (missing.length === 0) report.pass('manifest.coverage', D.coverage, { file: m.path });
  else if (lim.requireAllFilesInManifest) {
    report.fail('manifest.coverage', D.coverage, new PackageProblem(PKG.unlisted, `files not listed in the manifest: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', ...' : ''}`, { file: m.path }));
  } else report.skip('manifest.coverage', D.coverage, `not required; ${missing.length} files not listed`, m.path);
}

function checkConsistency(vnfd: Vnfd, m: Manifest, report: ReportBuilder): void {
  const pairs: [string, string][] = [['vnf_provider_id', vnfd.provider], ['vnf_product_name', vnfd.productName]];
  let ok = true;
  for (const [key, want] of pairs) {
    const got = m.metadata[key];
    if (got !== undefined && got !== want) {
      ok = false;
      report.fail(`manifest.metadata:${key}`, D.consistency, new PackageProblem(PKG.manifest, `manifest ${key} is '${got}' but the VNFD says '${want}'`, { file: m.path }));
    }
  }
  if (ok) report.pass('manifest.metadata', D.consistency, { file: m.path });
}

async function imagesOf(vnfd: Vnfd, digest: (n: string, a: string[]) => Promise<FileDigest>, report: ReportBuilder, createdAt: string): Promise<VnfPackageSoftwareImageInfo[]> {
  const out: VnfPackageSoftwareImageInfo[] = [];
  for (const { id, image } of softwareImagesOf(vnfd)) {
    let file: FileDigest | null = null;
    if (image.artifactPath) {
      const algo = image.checksum ? digestAlgorithm(image.checksum.algorithm)! : null;
      file = await digest(image.artifactPath, algo ? [algo.node] : []);
      const check = `image.checksum:${id}`;
      if (algo && file.digests[algo.node] !== image.checksum!.hash) {
        report.fail(check, D.image, new PackageProblem(PKG.swImage, `${image.artifactPath}: ${algo.canonical} is ${file.digests[algo.node]}, sw_image_data.checksum of ${id} says ${image.checksum!.hash}`, { file: image.artifactPath }));
      } else report.pass(check, D.image, { file: image.artifactPath, detail: image.checksum ? 'checksum verified' : 'no checksum in the VNFD' });
    }
    out.push(softwareImageInfo(id, image, vnfd.provider, file, createdAt));
  }
  // The kind is set on every flavour's copy, so the local driver can read it from the model.
  for (const f of Object.values(vnfd.flavours)) {
    for (const img of [...Object.values(f.vdus).map((v) => v.swImage), ...Object.values(f.storages).map((s) => s.swImage)]) {
      if (img) img.kind = imageKind(img, img.artifactPath ? (await digest(img.artifactPath, [])).head : null);
    }
  }
  return out;
}

async function artifactsOf(
  csar: CsarArchive,
  layout: CsarLayout,
  m: Manifest | null,
  vnfd: Vnfd,
  imagePaths: Set<string>,
  digest: (n: string, a: string[]) => Promise<FileDigest>,
): Promise<VnfPackageArtifactInfo[]> {
  const skip = new Set<string>([TOSCA_META_PATH, ...vnfd.files, ...imagePaths]);
  if (m) skip.add(m.path);
  const setOf = new Map<string, string>();
  for (const [set, sources] of Object.entries(m?.nonManoArtifactSets ?? {})) for (const s of sources) setOf.set(manifestSourcePath(s) ?? s, set);
  const listed = new Map((m?.artifacts ?? []).map((a) => [manifestSourcePath(a.source), a]));
  const under = (f: string, dir: string | null): boolean => dir !== null && (f === dir || f.startsWith(dir + '/'));
  const out: VnfPackageArtifactInfo[] = [];
  for (const f of csar.files()) {
    if (skip.has(f)) continue;
    const l = listed.get(f);
    const checksum = l?.algorithm && l.hash ? { algorithm: digestAlgorithm(l.algorithm)!.canonical, hash: l.hash.toLowerCase() } : { algorithm: 'SHA-256', hash: (await digest(f, [])).digests.sha256 };
    const info: VnfPackageArtifactInfo = { artifactPath: f, checksum, isEncrypted: false, metadata: {} };
    if (setOf.has(f)) info.nonManoArtifactSetId = setOf.get(f);
    if (f === layout.changeLogPath) info.artifactClassification = 'HISTORY';
    else if (under(f, layout.licensesPath)) info.artifactClassification = 'LICENSE';
    else if (under(f, layout.testsPath)) info.artifactClassification = 'TESTING';
    out.push(info);
  }
  return out;
}
