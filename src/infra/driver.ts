import { ProblemError } from '../errors.js';

// The infrastructure driver port used by the lifecycle engine (DESIGN.md "Infrastructure drivers").
// Every operation is idempotent: it finds what an earlier, possibly crashed, call made before it
// creates anything, so a resumed or retried operation can simply call it again. The caller records
// the returned resources in the database; they are the input of stop/remove/status/reconcile/gc.

/** netns: namespaces, bridges and veths (root + `ip`); loopback: plain processes on 127.0.0.1 ports. */
export type InfraMode = 'netns' | 'loopback';

export interface InfraCapabilities {
  mode: InfraMode;
  /** Why this mode is active, shown by the API next to the mode. */
  reason: string;
}

export interface LinkSpec {
  /** The VNFD virtual link id (internal) or the extVirtualLink id; unique within the instance. */
  linkId: string;
  instanceId: string;
  /** IPv4 subnet of the link; addresses of its CPs are allocated from it by the caller. */
  cidr?: string;
  /** Attach to this existing bridge instead of making an internal one (created if missing). */
  external?: { bridge: string };
}

export interface LinkResource {
  linkId: string;
  instanceId: string;
  /** The kernel bridge name (also recorded in loopback mode, where no bridge exists). */
  resourceId: string;
  mode: InfraMode;
  external: boolean;
  /** True when mecano made the bridge, so removal may delete it; always true for internal links. */
  createdByMecano: boolean;
  cidr?: string;
  /** Address of the bridge inside `cidr`, used as the default route of the CPs on this link. */
  gatewayIp?: string;
}

export interface VnfcCpSpec {
  cpdId: string;
  link: LinkResource;
  /** Address allocated by the caller in CIDR form, e.g. 10.251.0.5/24. */
  ip: string;
}

export interface VnfcSpec {
  instanceId: string;
  vnfcId: string;
  vduId: string;
  /** Absolute path of the executable the VNFC runs. */
  artifactPath: string;
  env: Record<string, string>;
  cps: VnfcCpSpec[];
  /** Directory for `<vnfcId>.out.log` and `<vnfcId>.err.log`. */
  logDir: string;
}

export interface VnfcPort {
  cpdId: string;
  linkId: string;
  /** Interface name seen by the VNFC (`eth0`…; `lo` in loopback mode). */
  ifName: string;
  /** Root-namespace end of the veth pair (netns mode only). */
  hostIfName?: string;
  /** The address the VNFC uses, without prefix (127.0.0.1 in loopback mode). */
  ip: string;
  /** The address the caller allocated, as given (release this one to the pool). */
  address: string;
}

export interface VnfcResource {
  instanceId: string;
  vnfcId: string;
  vduId: string;
  /** The network namespace name (netns mode) or `loopback:<vnfcId>`. */
  resourceId: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot): tells a live VNFC from a reused pid. */
  startTime: number;
  ports: VnfcPort[];
  httpPort: number;
  /** `<logDir>/<vnfcId>`; the logs are `<logPath>.out.log` and `<logPath>.err.log`. */
  logPath: string;
  artifactPath: string;
  mode: InfraMode;
}

export type VnfcStatus = 'running' | 'dead';

export interface StopOptions {
  /** SIGTERM first and wait up to timeoutMs; false: SIGKILL at once. */
  graceful: boolean;
  timeoutMs: number;
}

export interface StopResult {
  /** Whether the recorded process (same pid and start time) was alive when stop began. */
  wasRunning: boolean;
  /** The signal that ended it, if it was running. */
  signal?: 'SIGTERM' | 'SIGKILL';
}

export interface OwnedResources {
  links: LinkResource[];
  vnfcs: VnfcResource[];
}

export interface MissingObject {
  kind: 'bridge' | 'netns' | 'veth';
  name: string;
  /** The linkId or vnfcId that owns it. */
  owner: string;
}

export interface ReconcileReport {
  mode: InfraMode;
  vnfcs: { instanceId: string; vnfcId: string; status: VnfcStatus; missing: MissingObject[] }[];
  links: { instanceId: string; linkId: string; present: boolean }[];
  /** vnfcIds whose process is gone (or whose pid now belongs to another process). */
  dead: string[];
  missing: MissingObject[];
}

export interface GcOptions {
  /** Only consider objects of these instances (all mecano objects when absent). */
  instanceIds?: string[];
}

export interface GcReport {
  processes: { pid: number; instanceId?: string; vnfcId?: string }[];
  netns: string[];
  links: string[];
}

export interface InfraDriver {
  capabilities(): Promise<InfraCapabilities>;
  ensureLink(spec: LinkSpec): Promise<LinkResource>;
  removeLink(res: LinkResource): Promise<void>;
  startVnfc(spec: VnfcSpec): Promise<VnfcResource>;
  stopVnfc(res: VnfcResource, opts: StopOptions): Promise<StopResult>;
  vnfcStatus(res: VnfcResource): Promise<VnfcStatus>;
  reconcile(owned: OwnedResources): Promise<ReconcileReport>;
  gc(owned: OwnedResources, opts?: GcOptions): Promise<GcReport>;
}

/** A kernel or process operation failed; the detail names the command and what it printed. */
export class InfraError extends ProblemError {
  constructor(detail: string, code = 'INFRA_ERROR', cause?: unknown) {
    super(500, code, detail, { cause });
    this.name = 'InfraError';
  }
}

/** The spec asks for something the driver cannot make (bad bridge name, too many CPs…). */
export class InfraSpecError extends ProblemError {
  constructor(detail: string, code = 'INFRA_SPEC_INVALID') {
    super(422, code, detail);
    this.name = 'InfraSpecError';
  }
}

/**
 * The VNFC's process could not be started or exited during the start grace period. The detail
 * carries the exit code and the last lines it printed, for the op occurrence's `error.detail`.
 */
export class VnfcStartError extends InfraError {
  readonly vnfcId: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdoutTail: string[];
  readonly stderrTail: string[];

  constructor(p: { vnfcId: string; reason: string; exitCode?: number | null; signal?: string | null; stdoutTail?: string[]; stderrTail?: string[] }) {
    const exitCode = p.exitCode ?? null;
    const signal = p.signal ?? null;
    const stderrTail = p.stderrTail ?? [];
    const stdoutTail = p.stdoutTail ?? [];
    const lines = [...stderrTail.map((l) => `stderr: ${l}`), ...stdoutTail.map((l) => `stdout: ${l}`)];
    const how = exitCode !== null ? ` (exit code ${exitCode})` : signal !== null ? ` (signal ${signal})` : '';
    super(`VNFC ${p.vnfcId} failed to start: ${p.reason}${how}${lines.length ? `; last output:\n${lines.join('\n')}` : ''}`, 'VNFC_START_FAILED');
    this.name = 'VnfcStartError';
    this.vnfcId = p.vnfcId;
    this.exitCode = exitCode;
    this.signal = signal;
    this.stdoutTail = stdoutTail;
    this.stderrTail = stderrTail;
  }
}
