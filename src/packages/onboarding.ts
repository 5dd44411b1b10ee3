import type { Readable } from 'node:stream';
import type { Db, Queryable } from '../store/db.js';
import { PG_ERROR, pgErrorCode } from '../store/db.js';
import { Conflict, NotFound, ProblemError } from '../errors.js';
import {
  deletePackage,
  findOnboardedByVnfdId,
  getPackageRow,
  interruptedOnboardings,
  setCatalog,
  setContentSize,
  setPackageContent,
  stageContent,
  updatePackage,
  type VnfPkgDoc,
} from '../store/vnf-packages.js';
import type { BlobStore } from './blob-store.js';
import { processPackage, type ProcessedPackage } from './process.js';
import { PackageError } from './errors.js';
import type { PackageLimits } from './limits.js';
import { catalogEntry, contentIndex } from './catalog.js';
import { releaseContent } from './content-gc.js';

// Onboarding (SOL005 9.4.5): CREATED → UPLOADING → PROCESSING → ONBOARDED (then ENABLED), or
// ERROR with onboardingFailureDetails. The content streams into the blob store (never whole in
// memory); processing validates it (processPackage) and keeps the VNFD model for the engine.
// A package that fails keeps its record (ERROR, with the validation report) but not its
// content: nothing of a rejected upload stays stored.

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

type Outcome = { processed: ProcessedPackage; failure?: undefined } | { processed?: undefined; failure: ProblemError };

const notFound = (id: string) => new NotFound(`VNF package ${id} does not exist.`, 'VNF_PACKAGE_NOT_FOUND');

/** Serialises the vnfdId uniqueness check of concurrent onboardings (class 0x6d70 = "mp"). */
async function lockVnfdId(tx: Queryable, vnfdId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(28016, hashtext($1))', [vnfdId]);
}

function applyProcessed(doc: VnfPkgDoc, p: ProcessedPackage, sha256: string): void {
  Object.assign(doc, p.meta, {
    checksum: { algorithm: 'SHA-256', hash: sha256 },
    softwareImages: p.softwareImages,
    additionalArtifacts: p.additionalArtifacts,
    packageSecurityOption: p.packageSecurityOption,
    validationReport: p.report,
  });
  if (p.vnfd.vnfmInfo.length) doc.vnfmInfo = p.vnfd.vnfmInfo;
  else delete doc.vnfmInfo;
  delete doc.onboardingFailureDetails;
}

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
   * CREATED → UPLOADING, then streams the content into the blob store. A failed transfer (too
   * large, connection lost) returns the package to CREATED with nothing stored.
   */
  async receive(id: string, content: Readable, maxBytes: number): Promise<{ sha256: string; size: number }> {
    await this.beginUpload(id);
    try {
      return await this.deps.blobs.put(content, { maxBytes });
    } catch (e) {
      await this.resetUpload(id);
      throw e;
    }
  }

  /** UPLOADING → CREATED: the transfer did not complete and nothing of it is kept. */
  async resetUpload(id: string): Promise<void> {
    await this.setState(id, (doc) => {
      if (doc.onboardingState === 'UPLOADING') doc.onboardingState = 'CREATED';
    });
  }

  /** Streams the content in and processes it (PUT package_content). */
  async upload(id: string, content: Readable, maxBytes: number): Promise<VnfPkgDoc> {
    const stored = await this.receive(id, content, maxBytes);
    return this.process(id, stored.sha256, stored.size);
  }

  /** UPLOADING → ERROR when the content could not be obtained (upload from URI). */
  async failUpload(id: string, problem: ProblemError): Promise<void> {
    await this.setState(id, (doc) => {
      if (doc.onboardingState !== 'UPLOADING') return;
      doc.onboardingState = 'ERROR';
      doc.onboardingFailureDetails = problem.toProblem();
    });
  }

  /** PROCESSING → ONBOARDED/ENABLED or ERROR. Idempotent: used again for interrupted onboardings. */
  async process(id: string, sha256: string, size?: number): Promise<VnfPkgDoc> {
    await this.deps.db.tx(async (tx) => {
      const row = await getPackageRow(tx, id, { forUpdate: true });
      if (!row) throw notFound(id);
      row.doc.onboardingState = 'PROCESSING';
      row.doc.checksum = { algorithm: 'SHA-256', hash: sha256 };
      await updatePackage(tx, row.doc);
      await setPackageContent(tx, id, sha256, null);
    });
    // Referenced from here on, so the blob can no longer be collected; validate() notices if it
    // went in the instant before.
    const outcome = await this.validate(sha256);
    const content = size ?? (await this.deps.blobs.size(sha256));
    const doc = await this.deps.db
      .tx(async (tx) => {
        const row = await getPackageRow(tx, id, { forUpdate: true });
        if (!row) throw notFound(id);
        await setContentSize(tx, id, content);
        return this.finish(tx, row.doc, sha256, outcome);
      })
      .finally(() => this.deps.events?.nudge());
    if (doc.onboardingState === 'ERROR') await releaseContent(this.deps.db, this.deps.blobs, sha256);
    if (outcome.failure && !(outcome.failure instanceof PackageError) && outcome.failure.status >= 500) throw outcome.failure;
    return doc;
  }

  private async finish(tx: Queryable, doc: VnfPkgDoc, sha256: string, outcome: Outcome): Promise<VnfPkgDoc> {
    let failure = outcome.failure;
    const p = outcome.processed;
    if (p) {
      await lockVnfdId(tx, p.meta.vnfdId);
      const dup = await findOnboardedByVnfdId(tx, p.meta.vnfdId);
      if (dup && dup.id !== doc.id) {
        failure = new ProblemError(409, 'VNFD_ID_ALREADY_ONBOARDED', `vnfdId ${p.meta.vnfdId} is already onboarded as VNF package ${dup.id}; a VNFD can be onboarded once.`);
      }
    }
    if (failure || !p) {
      doc.onboardingState = 'ERROR';
      doc.onboardingFailureDetails = failure!.toProblem();
      if (failure instanceof PackageError) doc.validationReport = failure.report;
      else if (p) doc.validationReport = p.report;
      await updatePackage(tx, doc);
      await setPackageContent(tx, doc.id, null, null);
      await setCatalog(tx, doc.id, null, null);
      return doc;
    }
    applyProcessed(doc, p, sha256);
    doc.onboardingState = 'ONBOARDED';
    doc.operationalState = 'ENABLED';
    await this.save(tx, doc, p.meta.vnfdId);
    await setPackageContent(tx, doc.id, sha256, p.vnfd);
    await setCatalog(tx, doc.id, contentIndex(p), catalogEntry(p));
    await this.deps.events?.publishPackage(tx, { type: 'VnfPackageOnboardingNotification', pkg: doc });
    await this.deps.events?.publishPackage(tx, { type: 'VnfPackageChangeNotification', pkg: doc, changeType: 'OP_STATE_CHANGE', operationalState: 'ENABLED' });
    return doc;
  }

  private async save(tx: Queryable, doc: VnfPkgDoc, vnfdId: string): Promise<void> {
    try {
      await updatePackage(tx, doc);
    } catch (e) {
      // Backstop for the advisory lock: the unique index on onboarded vnfdIds decides.
      if (pgErrorCode(e) === PG_ERROR.uniqueViolation) throw new Conflict(`vnfdId ${vnfdId} is already onboarded.`, 'VNFD_ID_ALREADY_ONBOARDED');
      throw e;
    }
  }

  /** Validates stored content. Invalid packages and lost content are outcomes, not exceptions. */
  private async validate(sha256: string): Promise<Outcome> {
    let file: string;
    try {
      file = await this.deps.blobs.materialize(sha256);
    } catch (e) {
      if (!(e instanceof ProblemError) || e.status !== 404) throw e;
      // A deletion of identical content collected the blob between put() and this package's reference.
      return { failure: new ProblemError(409, 'PACKAGE_CONTENT_LOST', 'The uploaded content was removed by a concurrent deletion of a package with identical content; upload it again.') };
    }
    try {
      return { processed: await processPackage(file, this.deps.limits) };
    } catch (e) {
      if (e instanceof PackageError) return { failure: e };
      return { failure: new ProblemError(500, 'PACKAGE_PROCESSING_FAILED', 'Processing the package failed with an internal error; see the server log.', { cause: e }) };
    }
  }

  /**
   * Replaces the content of an onboarded (or failed) package that no instance uses, atomically:
   * the new content is validated first and swapped in only when valid, so a bad re-upload leaves
   * the package as it was (PackageError 422 with the report). Marketplace re-upload.
   */
  async replace(id: string, content: Readable, maxBytes: number): Promise<VnfPkgDoc> {
    const check = (doc: VnfPkgDoc | undefined): VnfPkgDoc => {
      if (!doc) throw notFound(id);
      if (doc.onboardingState !== 'ONBOARDED' && doc.onboardingState !== 'ERROR') {
        throw new Conflict(`VNF package ${id} is in onboardingState ${doc.onboardingState}; only an onboarded or failed package can be re-uploaded.`, 'VNF_PACKAGE_ONBOARDING');
      }
      if (doc.usageState !== 'NOT_IN_USE') throw new Conflict(`VNF package ${id} is IN_USE; its content cannot be replaced.`, 'VNF_PACKAGE_IN_USE');
      return doc;
    };
    check((await getPackageRow(this.deps.db, id))?.doc);
    const stored = await this.deps.blobs.put(content, { maxBytes });
    let replaced: string | null | undefined;
    try {
      await stageContent(this.deps.db, id, stored.sha256);
      const outcome = await this.validate(stored.sha256);
      if (outcome.failure) throw outcome.failure;
      const p = outcome.processed;
      const swapped = await this.deps.db.tx(async (tx) => {
        const row = await getPackageRow(tx, id, { forUpdate: true });
        const d = check(row?.doc);
        await lockVnfdId(tx, p.meta.vnfdId);
        const dup = await findOnboardedByVnfdId(tx, p.meta.vnfdId);
        if (dup && dup.id !== id) throw new Conflict(`vnfdId ${p.meta.vnfdId} is already onboarded as VNF package ${dup.id}.`, 'VNFD_ID_ALREADY_ONBOARDED');
        const wasOnboarded = d.onboardingState === 'ONBOARDED';
        applyProcessed(d, p, stored.sha256);
        d.onboardingState = 'ONBOARDED';
        if (!wasOnboarded) d.operationalState = 'ENABLED';
        await this.save(tx, d, p.meta.vnfdId);
        await setPackageContent(tx, id, stored.sha256, p.vnfd);
        await setContentSize(tx, id, stored.size);
        await setCatalog(tx, id, contentIndex(p), catalogEntry(p));
        await stageContent(tx, id, null);
        await this.deps.events?.publishPackage(tx, { type: 'VnfPackageOnboardingNotification', pkg: d });
        if (!wasOnboarded) await this.deps.events?.publishPackage(tx, { type: 'VnfPackageChangeNotification', pkg: d, changeType: 'OP_STATE_CHANGE', operationalState: 'ENABLED' });
        return { doc: d, old: row!.content_sha256 };
      });
      replaced = swapped.old;
      const doc = swapped.doc;
      this.deps.events?.nudge();
      return doc;
    } finally {
      if (replaced === undefined) await stageContent(this.deps.db, id, null);
      // The old content when the swap happened, the new one when it did not.
      await releaseContent(this.deps.db, this.deps.blobs, replaced === undefined ? stored.sha256 : replaced === stored.sha256 ? null : replaced);
    }
  }

  /** Removes a package that never onboarded (marketplace uploads are all or nothing). */
  async discard(id: string): Promise<void> {
    const sha = await this.deps.db.tx(async (tx) => {
      const row = await getPackageRow(tx, id, { forUpdate: true });
      if (!row || (row.doc.onboardingState !== 'CREATED' && row.doc.onboardingState !== 'ERROR')) return null;
      await deletePackage(tx, id);
      return row.content_sha256;
    });
    await releaseContent(this.deps.db, this.deps.blobs, sha);
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
