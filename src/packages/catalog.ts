import { TOSCA_META_PATH } from './csar/tosca-meta.js';
import { manifestSourcePath } from './csar/manifest.js';
import type { ProcessedPackage } from './process.js';
import type { ValidationReport } from './report.js';
import type { CatalogEntry, ContentIndex } from '../store/vnf-packages.js';

// What onboarding records beside VnfPkgInfo: the marketplace identity of the package (seed 004
// PackageMetaData) and the index the content endpoints read instead of re-parsing the archive.

/**
 * PackageMetaData name / provider / version / type, from the package itself rather than the
 * upload's file name (ONAP takes the file name, so two uploads of one file under different
 * names become two "packages"). version: the manifest's vnf_package_version (as ONAP reads
 * it), else the VNF software version for packages without a manifest. type: every package
 * here is a SOL004 VNF package CSAR; ONAP's legacy csar.meta `Type` (GSAR/NSAR/...) has no
 * SOL004 counterpart.
 */
export function catalogEntry(p: ProcessedPackage): CatalogEntry {
  return {
    name: p.meta.vnfProductName,
    provider: p.meta.vnfProvider,
    version: p.manifest?.metadata.vnf_package_version ?? p.meta.vnfSoftwareVersion,
    type: 'CSAR',
  };
}

export function contentIndex(p: ProcessedPackage): ContentIndex {
  const signatures: ContentIndex['signatures'] = {};
  for (const a of p.manifest?.artifacts ?? []) {
    const src = manifestSourcePath(a.source);
    if (!src || (!a.signature && !a.certificate)) continue;
    const entry: { signature?: string; certificate?: string } = {};
    const sig = a.signature ? manifestSourcePath(a.signature) : null;
    const cert = a.certificate ? manifestSourcePath(a.certificate) : null;
    if (sig) entry.signature = sig;
    if (cert) entry.certificate = cert;
    signatures[src] = entry;
  }
  return {
    layout: p.layout.kind,
    toscaMeta: p.layout.kind === 'tosca-meta' ? TOSCA_META_PATH : null,
    vnfdFiles: [...p.vnfd.files],
    manifest: p.layout.manifestPath,
    certificate: p.layout.certificatePath,
    signatures,
    shortDesc: p.vnfd.productInfoDescription ?? p.meta.vnfProductName,
    details: vnfdSummary(p),
    report: reportLine(p.report),
  };
}

/** ONAP's PackageMeta `report` string: one line saying whether validation passed, or why not. */
export function reportLine(r: ValidationReport | null | undefined): string {
  if (!r) return '';
  const count = (result: string) => r.checks.filter((c) => c.result === result).length;
  if (r.passed) return `PASSED: ${count('PASS')} checks passed, ${count('SKIP')} skipped`;
  const first = r.checks.find((c) => c.result === 'FAIL');
  return `FAILED: ${count('FAIL')} checks failed; first: ${first?.code ?? ''} ${first?.detail ?? ''}`.trim();
}

/** A one-line summary for the marketplace's `details` when the uploader gives none. */
export function vnfdSummary(p: ProcessedPackage): string {
  const flavours = Object.values(p.vnfd.flavours).map((f) => `${f.flavourId} (${Object.keys(f.vdus).join(', ')})`);
  return `VNFD ${p.meta.vnfdId} version ${p.meta.vnfdVersion}, software ${p.meta.vnfSoftwareVersion}; deployment flavours: ${flavours.join('; ')}`;
}
