import type { Queryable } from '../store/db.js';
import type { VnfInstanceDoc, VnfLcmOpOccDoc } from './model.js';
import type { VnfdView } from './vnfd-view.js';
import type { VnfPkgDoc } from '../store/vnf-packages.js';

// What the engine needs from its neighbours, as narrow interfaces (the composition root wires
// the real notifier, package catalog and placement engine behind them).

export type LcmEvent =
  | { type: 'VnfIdentifierCreationNotification' | 'VnfIdentifierDeletionNotification'; instance: VnfInstanceDoc }
  | { type: 'VnfLcmOperationOccurrenceNotification'; instance: VnfInstanceDoc; opOcc: VnfLcmOpOccDoc };

export interface LcmEventSink {
  /** Inside the caller's transaction (transactional outbox). */
  publishLcm(tx: Queryable, ev: LcmEvent): Promise<void>;
  /** After commit: deliver now rather than at the next poll. */
  nudge(): void;
}

export interface ResolvedPackage {
  pkg: VnfPkgDoc;
  vnfd: VnfdView;
}

export interface PackageSource {
  /** The ONBOARDED + ENABLED package of a vnfdId (422 otherwise), with its VNFD. */
  byVnfdId(q: Queryable, vnfdId: string): Promise<ResolvedPackage>;
  /** The VNFD of a package by id regardless of its operational state (running instances keep working). */
  byPackageId(q: Queryable, pkgId: string): Promise<ResolvedPackage>;
  /** Marks a package IN_USE / NOT_IN_USE from the number of instances using it. */
  refreshUsage(q: Queryable, pkgId: string): Promise<void>;
  /** A local executable file for a package artifact (extracted once, content-addressed). */
  artifactFile(pkgId: string, entryPath: string): Promise<string>;
}

export interface PlacementDecision {
  vimId: string;
  explanation?: Record<string, unknown>;
}

export interface PlacementHook {
  /** Chooses a VIM for an instantiation that names none. */
  choose(input: { instance: VnfInstanceDoc; vnfd: VnfdView; flavourId: string; vduInstances: Record<string, number> }): Promise<PlacementDecision>;
}
