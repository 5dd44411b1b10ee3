import type { Readable } from 'node:stream';
import type { Db, Queryable } from '../store/db.js';
import { PG_ERROR, pgErrorCode } from '../store/db.js';
import { Conflict, NotFound, ProblemError } from '../errors.js';
import { findOnboardedByVnfdId, getPackageRow, interruptedOnboardings, setPackageContent, updatePackage, type VnfPkgDoc } from '../store/vnf-packages.js';
import type { BlobStore } from './blob-store.js';
import { processPackage } from './process.js';
import { PackageError } from './errors.js';
import type { PackageLimits } from './limits.js';

// Onboarding (SOL005 9.4.5): CREATED → UPLOADING → PROCESSING → ONBOARDED (then ENABLED), or
// ERROR with onboardingFailureDetails. The content streams into the blob store (never whole in
// memory); processing validates it (processPackage) and keeps the VNFD model for the engine.

export interface PackageEventSink {
  publishPackage(tx: Queryable, ev: { type: 'VnfPackageOnboardingNotification' | 'VnfPackageChangeNotification'; pkg: VnfPkgDoc; changeType?: 'OP_STATE_CHANGE' | 'PKG_DELETE'; operationalState?: string }): Promise<void>;
  nudge(): void;
}

export interface OnboardingDeps {
  db: Db;
  blobs: BlobStore;
  limits?: Partial<PackageLimits>;
  events?: PackageEventSink;
}

const notFound = (id: string) => new NotFound(`VNF package ${id} does not exist.`, 'VNF_PACKAGE_NOT_FOUND');

export class PackageOnboarding {
  constructor(private readonly deps: OnboardingDeps) {}

  /** Moves a CREATED package to UPLOADING (409 otherwise): the upload owns it from here on. */
  async beginUpload(id: string): Promise<void> {
    await this.deps.db.tx(async (tx) => {
      const row = await getPackageRow(tx, id, { forUpdate: true });
      if (!row) throw notFound(id);
      if (row.doc.onboardingState !== 'CREATED') {
        throw new Conflict(`VNF package ${id} is in onboardingState ${row.doc.onboardingState}; content can be uploaded only in CREATED.`, 'VNF_PACKAGE_NOT_CREATED');
      }
      row.doc.onboardingState = 'UPLOADING';
      await updatePackage(tx, row.doc);
    });
  }

  /**
   * Streams the content in and processes it. A client error in the transfer itself (too large)
   * returns the package to CREATED with nothing stored; an invalid package ends in ERROR.
   */
  async upload(id: string, content: Readable, maxBytes: number): Promise<VnfPkgDoc> {
    await this.beginUpload(id);
    let stored: { sha256: string; size: number };
    try {
      stored = await this.deps.blobs.put(content, { maxBytes });
    } catch (e) {
      await this.setState(id, (doc) => {
        doc.onboardingState = 'CREATED';
      });
      throw e;
    }
    return this.process(id, stored.sha256);
  }

  /** PROCESSING → ONBOARDED/ENABLED or ERROR. Idempotent: used again for interrupted onboardings. */
  async process(id: string, sha256: string): Promise<VnfPkgDoc> {
    await this.deps.db.tx(async (tx) => {
      const row = await getPackageRow(tx, id, { forUpdate: true });
      if (!row) throw notFound(id);
      row.doc.onboardingState = 'PROCESSING';
      row.doc.checksum = { algorithm: 'SHA-256', hash: sha256 };
      await updatePackage(tx, row.doc);
      await setPackageContent(tx, id, sha256, null);
    });
    let failure: ProblemError | undefined;
    let processed: Awaited<ReturnType<typeof processPackage>> | undefined;
    try {
      processed = await processPackage(await this.deps.blobs.materialize(sha256), this.deps.limits);
    } catch (e) {
      if (!(e instanceof PackageError)) throw e;
      failure = e;
    }
    return this.deps.db.tx(async (tx) => {
      const row = await getPackageRow(tx, id, { forUpdate: true });
      if (!row) throw notFound(id);
      const doc = row.doc;
      if (processed) {
        const dup = await findOnboardedByVnfdId(tx, processed.meta.vnfdId);
        if (dup && dup.id !== id) {
          failure = new ProblemError(409, 'VNFD_ID_ALREADY_ONBOARDED', `vnfdId ${processed.meta.vnfdId} is already onboarded as VNF package ${dup.id}; a VNFD can be onboarded once.`);
        }
      }
      if (failure || !processed) {
        doc.onboardingState = 'ERROR';
        doc.onboardingFailureDetails = failure!.toProblem();
        if (failure instanceof PackageError) doc.validationReport = failure.report;
        await updatePackage(tx, doc);
        return doc;
      }
      Object.assign(doc, processed.meta, {
        onboardingState: 'ONBOARDED',
        operationalState: 'ENABLED',
        softwareImages: processed.softwareImages,
        additionalArtifacts: processed.additionalArtifacts,
        packageSecurityOption: processed.packageSecurityOption,
        validationReport: processed.report,
      });
      if (processed.vnfd.vnfmInfo.length) doc.vnfmInfo = processed.vnfd.vnfmInfo;
      delete doc.onboardingFailureDetails;
      try {
        await updatePackage(tx, doc);
      } catch (e) {
        // Two packages with one vnfdId processed at the same moment: the unique index decides.
        if (pgErrorCode(e) === PG_ERROR.uniqueViolation) throw new Conflict(`vnfdId ${processed.meta.vnfdId} is already onboarded.`, 'VNFD_ID_ALREADY_ONBOARDED');
        throw e;
      }
      await setPackageContent(tx, id, sha256, processed.vnfd);
      await this.deps.events?.publishPackage(tx, { type: 'VnfPackageOnboardingNotification', pkg: doc });
      await this.deps.events?.publishPackage(tx, { type: 'VnfPackageChangeNotification', pkg: doc, changeType: 'OP_STATE_CHANGE', operationalState: 'ENABLED' });
      return doc;
    }).finally(() => this.deps.events?.nudge());
  }

  /** At start: finish what a stopped process left in UPLOADING (back to CREATED) or PROCESSING (again). */
  async recoverInterrupted(): Promise<number> {
    const rows = await interruptedOnboardings(this.deps.db);
    for (const r of rows) {
      if (r.doc.onboardingState === 'PROCESSING' && r.content_sha256 && (await this.deps.blobs.has(r.content_sha256))) await this.process(r.doc.id, r.content_sha256);
      else await this.setState(r.doc.id, (doc) => { doc.onboardingState = 'CREATED'; });
    }
    return rows.length;
  }

  private async setState(id: string, change: (doc: VnfPkgDoc) => void): Promise<void> {
    await this.deps.db.tx(async (tx) => {
      const row = await getPackageRow(tx, id, { forUpdate: true });
      if (!row) return;
      change(row.doc);
      await updatePackage(tx, row.doc);
    });
  }
}
