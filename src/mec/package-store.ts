import type { Readable } from 'node:stream';
import type { Db } from '../store/db.js';
import { ProblemError } from '../errors.js';
import type { BlobStore } from '../packages/blob-store.js';
import type { PackageOnboarding } from '../packages/onboarding.js';
import type { PackageRecords } from '../packages/package-records.js';
import { getPackageRow, type VnfPkgDoc } from '../store/vnf-packages.js';
import { markMecKind, onboardedMecByChecksum, packageReferences } from '../store/mec-packages.js';
import { readMecAppd, type MecAppd } from './appd.js';

// MEC app packages live in the one package store: each CSAR is an ordinary package record
// (kind 'mec'), onboarded by the shared onboarding (SOL004/SOL001 checks, blob store, VNFD model
// the engine runs), so the marketplace and /vnfpkgm views see it too. A CSAR already onboarded
// (same content; e.g. a second tenant, or the centre and the edge sharing one database in role
// `all`) reuses that record: the store allows one onboarded package per descriptor id.

export interface OnboardedMecPackage {
  pkg: VnfPkgDoc;
  appd: MecAppd;
  /** True when an existing record with the same content was reused. */
  reused: boolean;
}

export class MecPackageStore {
  constructor(private readonly deps: { db: Db; blobs: BlobStore; records: PackageRecords; onboarding: PackageOnboarding }) {}

  async onboard(content: Readable, maxBytes: number): Promise<OnboardedMecPackage> {
    const { records, onboarding } = this.deps;
    const created = await records.create({ mecano: { kind: 'mec-app' } });
    let doc: VnfPkgDoc;
    try {
      doc = await onboarding.upload(created.id, content, maxBytes);
    } catch (e) {
      await onboarding.discard(created.id).catch(() => undefined);
      throw e;
    }
    let pkg = doc;
    let reused = false;
    if (doc.onboardingState !== 'ONBOARDED') {
      const sha = (doc.checksum as { hash?: string } | undefined)?.hash;
      const same = sha ? await onboardedMecByChecksum(this.deps.db, sha) : undefined;
      await onboarding.discard(created.id).catch(() => undefined);
      if (!same) throw onboardingFailed(doc);
      pkg = same;
      reused = true;
    } else await markMecKind(this.deps.db, pkg.id);
    try {
      const appd = await readMecAppd(await this.deps.blobs.materialize(await this.contentKey(pkg.id)));
      return { pkg, appd, reused };
    } catch (e) {
      if (!reused) await this.release(pkg.id);
      throw e;
    }
  }

  async contentKey(vnfPkgId: string): Promise<string> {
    const row = await getPackageRow(this.deps.db, vnfPkgId);
    if (!row?.content_sha256) throw new ProblemError(422, 'MEC_PACKAGE_NO_CONTENT', `Package record ${vnfPkgId} has no content.`);
    return row.content_sha256;
  }

  /** The CSAR bytes as a stream, with their size (distribution sends them to an AppLCM). */
  async content(vnfPkgId: string): Promise<{ stream: Readable; size: number }> {
    const key = await this.contentKey(vnfPkgId);
    const size = await this.deps.blobs.size(key);
    if (size === null) throw new ProblemError(422, 'MEC_PACKAGE_NO_CONTENT', `The content of package record ${vnfPkgId} is missing from the blob store.`);
    return { stream: await this.deps.blobs.openRead(key), size };
  }

  /**
   * Removes the package record once no MEC row names it and no instance uses it. An instance
   * still running from it keeps it (the store refuses to delete an IN_USE package).
   */
  async release(vnfPkgId: string): Promise<void> {
    if ((await packageReferences(this.deps.db, vnfPkgId)) > 0) return;
    const doc = await this.deps.records.get(vnfPkgId).catch(() => undefined);
    if (!doc || doc.usageState === 'IN_USE') return;
    if (doc.operationalState === 'ENABLED') await this.deps.records.modify(vnfPkgId, { operationalState: 'DISABLED' });
    await this.deps.records.delete(vnfPkgId);
  }
}

function onboardingFailed(doc: VnfPkgDoc): ProblemError {
  const f = doc.onboardingFailureDetails as { status?: number; detail?: string } | undefined;
  const status = f?.status === 409 ? 409 : 422;
  return new ProblemError(status, status === 409 ? 'MEC_PACKAGE_DUPLICATE' : 'MEC_PACKAGE_INVALID', `The app package was not onboarded: ${f?.detail ?? 'processing failed'}`, {
    extra: doc.validationReport ? { validationReport: doc.validationReport } : undefined,
  });
}
