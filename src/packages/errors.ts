import { ProblemError } from '../errors.js';
import type { ValidationReport } from './report.js';

// An invalid package: 422 with the first failure as `detail` and its stable code, and the whole
// validation report attached (onboardingFailureDetails, marketplace `details`).
export class PackageError extends ProblemError {
  readonly report: ValidationReport;

  constructor(code: string, detail: string, report: ValidationReport) {
    super(422, code, detail, { title: 'Invalid VNF package' });
    this.name = 'PackageError';
    this.report = report;
  }
}

/** Stable codes of package problems (asserted by tests and shown in reports). */
export const PKG = {
  notZip: 'CSAR_NOT_ZIP',
  truncated: 'CSAR_TRUNCATED',
  corrupt: 'CSAR_CORRUPT',
  unsafePath: 'CSAR_UNSAFE_PATH',
  symlink: 'CSAR_SYMLINK_ENTRY',
  duplicate: 'CSAR_DUPLICATE_ENTRY',
  tooManyEntries: 'CSAR_TOO_MANY_ENTRIES',
  tooLarge: 'CSAR_UNCOMPRESSED_TOO_LARGE',
  ratio: 'CSAR_COMPRESSION_RATIO',
  encrypted: 'CSAR_ENCRYPTED_ENTRY',
  compression: 'CSAR_UNSUPPORTED_COMPRESSION',
  entryTooLarge: 'CSAR_ENTRY_TOO_LARGE',
  missingEntry: 'CSAR_MISSING_ENTRY',
  toscaMeta: 'TOSCA_META_INVALID',
  entryDefinitions: 'ENTRY_DEFINITIONS_MISSING',
  layout: 'CSAR_LAYOUT_INVALID',
  manifest: 'MANIFEST_INVALID',
  manifestMissing: 'MANIFEST_MISSING',
  digestMismatch: 'MANIFEST_DIGEST_MISMATCH',
  unlisted: 'MANIFEST_FILE_NOT_LISTED',
  signature: 'SIGNATURE_INVALID',
  yamlSyntax: 'YAML_SYNTAX',
  yamlTooLarge: 'YAML_TOO_LARGE',
  yamlAliases: 'YAML_ALIAS_LIMIT',
  notUtf8: 'VNFD_NOT_UTF8',
  toscaVersion: 'TOSCA_VERSION_UNSUPPORTED',
  importUnresolved: 'VNFD_IMPORT_UNRESOLVED',
  vnfd: 'VNFD_INVALID',
  swImage: 'SW_IMAGE_INVALID',
} as const;
