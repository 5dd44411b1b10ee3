import type { InfraDriver } from '../infra/driver.js';
import type { InstanceResources, VnfInstanceDoc, VnfLcmOpOccDoc } from './model.js';
import type { PackageSource, PlacementHook } from './ports.js';
import type { VimDoc } from '../store/vims.js';
import type { Queryable } from '../store/db.js';

// What an operation handler gets (one object, as graphile's job helpers) and what it returns.

export interface OpLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

export interface OpContext {
  op: VnfLcmOpOccDoc;
  params: Record<string, unknown>;
  /** The instance document as it was when the operation started; handlers return the new one. */
  instance: VnfInstanceDoc;
  /** What exists on the infrastructure; handlers mutate it and checkpoint after every step. */
  resources: InstanceResources;
  /** The operation's plan and facts recorded so far (persisted by checkpoint). */
  progress: Record<string, unknown>;
  /** For reads only (package and VIM lookups); state changes go through checkpoint and the runner. */
  db: Queryable;
  driver: InfraDriver;
  packages: PackageSource;
  placement: PlacementHook;
  vims: { get(id: string): Promise<VimDoc | undefined>; getDefault(): Promise<VimDoc | undefined> };
  /** VNFC logs of this instance go here. */
  logDir: string;
  log: OpLogger;
  /**
   * Persists resources and progress (fenced by the lease) and honours a pending cancel by
   * throwing; call it after every step that changed the infrastructure.
   */
  checkpoint(step: string): Promise<void>;
  /** IPs already used on an external bridge by any instance (external links are shared). */
  usedIpsOnBridge(bridge: string): Promise<string[]>;
}

export interface OpResult {
  instance: VnfInstanceDoc;
  resources: InstanceResources;
  changedInfo?: Record<string, unknown>;
  changedExtConnectivity?: Record<string, unknown>[];
  modificationsTriggeredByVnfPkgChange?: Record<string, unknown>;
  placement?: Record<string, unknown>;
  /** VNFCs replaced in place (heal, change_vnfpkg): reported as MODIFIED. */
  modifiedVnfcIds?: string[];
}

export interface OperationHandler {
  /** STARTING phase: decide, plan and record the plan; a failure here ends ROLLED_BACK (nothing was done). */
  prepare?(ctx: OpContext): Promise<void>;
  /** PROCESSING phase: do the work. Must be idempotent: it is re-run on retry and after a crash. */
  execute(ctx: OpContext): Promise<OpResult>;
  /** ROLLING_BACK: undo what execute did (absent: rollback not supported). */
  rollback?(ctx: OpContext): Promise<OpResult>;
}

/** Raised by checkpoint when a cancel was requested. */
export class OperationCancelled extends Error {
  constructor(readonly step: string) {
    super(`cancelled at step ${step}`);
  }
}

/** Raised when the worker lost its lease (another worker took over): stop quietly. */
export class LeaseLost extends Error {
  constructor(readonly opId: string) {
    super(`lease of ${opId} lost`);
  }
}
