// The validation report kept with every package (issue item 7): one line per check, so both the
// SOL005 view (onboardingFailureDetails) and the marketplace view can show what passed and what failed.

export type CheckResult = 'PASS' | 'FAIL' | 'SKIP';

export interface ValidationCheck {
  /** Stable identifier, e.g. `zip.entry-names` or `manifest.digest:Files/images/vnfc.js`. */
  id: string;
  description: string;
  result: CheckResult;
  /** Stable error code of a failed check (same codes as PackageError). */
  code?: string;
  file?: string;
  line?: number;
  detail?: string;
}

export interface ValidationReport {
  passed: boolean;
  checks: ValidationCheck[];
}

/** A located problem found while reading a package; becomes a FAIL line and, first one, the PackageError. */
export class PackageProblem extends Error {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;
  /** YAML path inside `file`, when the problem is in a YAML document. */
  readonly yamlPath?: (string | number)[];

  constructor(code: string, message: string, where: { file?: string; line?: number; yamlPath?: (string | number)[]; cause?: unknown } = {}) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = 'PackageProblem';
    this.code = code;
    this.file = where.file;
    this.line = where.line;
    this.yamlPath = where.yamlPath;
  }
}

export class ReportBuilder {
  private readonly checks: ValidationCheck[] = [];

  pass(id: string, description: string, extra: { file?: string; detail?: string } = {}): void {
    this.checks.push({ id, description, result: 'PASS', ...extra });
  }

  skip(id: string, description: string, detail: string, file?: string): void {
    this.checks.push({ id, description, result: 'SKIP', detail, ...(file ? { file } : {}) });
  }

  fail(id: string, description: string, problem: PackageProblem): void {
    const c: ValidationCheck = { id, description, result: 'FAIL', code: problem.code, detail: problem.message };
    if (problem.file) c.file = problem.file;
    if (problem.line !== undefined) c.line = problem.line;
    this.checks.push(c);
  }

  /** The failed checks in the order they were found. */
  failures(): ValidationCheck[] {
    return this.checks.filter((c) => c.result === 'FAIL');
  }

  toReport(): ValidationReport {
    return { passed: this.failures().length === 0, checks: this.checks.map((c) => ({ ...c })) };
  }
}
