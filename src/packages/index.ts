// Public API of the package core (no HTTP): blob stores, CSAR processing, VNFD model, entry access.
export { processPackage, type ProcessedPackage, type PackageMeta } from './process.js';
export { PackageError, PKG } from './errors.js';
export { DEFAULT_PACKAGE_LIMITS, resolveLimits, type PackageLimits } from './limits.js';
export type { ValidationReport, ValidationCheck, CheckResult } from './report.js';
export { readEntry, openEntryStream, extractArtifact, vnfdFiles, vnfdZip } from './entries.js';
export { RangeNotSatisfiable, type BlobStore, type BlobRange } from './blob-store.js';
export { FileBlobStore } from './blob-store-fs.js';
export { PgBlobStore, type PgBlobStoreOptions } from './blob-store-pg.js';
export { createBlobStore } from './blob-stores.js';
export type { VnfPackageSoftwareImageInfo, VnfPackageArtifactInfo } from './artifacts.js';
export type { Manifest, ManifestArtifact } from './csar/manifest.js';
export type { ToscaMeta } from './csar/tosca-meta.js';
export type { CsarLayout } from './csar/layout.js';
export { cpEnvPrefix, vnfcEnvironment, type VnfcEnvInput } from './vnfc-env.js';
export type * from './vnfd/model.js';
export { parseVnfd, type VnfdSource } from './vnfd/parser.js';
