import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import { Conflict, NotFound } from '../errors.js';
import { deletePackage, getPackage, getPackageRow, getPackageRowByVnfdId, insertPackage, updatePackage, VNF_PACKAGES_TABLE, type VnfPkgDoc } from '../store/vnf-packages.js';
import { listDocuments } from '../store/list.js';
import type { ListQuery } from '../query/types.js';
import { VNF_PKG_QUERY } from './vnf-pkg-info.js';
import type { PackageEventSink } from './onboarding.js';
import type { BlobStore } from './blob-store.js';
import { releaseContent } from './content-gc.js';

// VNF package records (SOL005 9.4.2/9.4.3): the individual package resource and its state rules.
// Content upload and onboarding live in the onboarding module; this one owns the record.

export interface PackageModifications {
  operationalState?: 'ENABLED' | 'DISABLED';
  userDefinedData?: Record<string, unknown>;
}

/** RFC 7396 JSON merge patch of one object: null deletes, objects merge recursively. */
export function mergePatch(target: Record<string, unknown> | undefined, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(target ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object' && out[k] !== null && !Array.isArray(out[k])) {
      out[k] = mergePatch(out[k] as Record<string, unknown>, v as Record<string, unknown>);
    } else if (typeof v === 'object' && !Array.isArray(v)) out[k] = mergePatch(undefined, v as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}

export interface PackageRecordsOptions {
  pageSize: number;
  markerKey: Buffer;
  /** VnfPackageChangeNotification (OP_STATE_CHANGE, PKG_DELETE) in the same transaction. */
  events?: PackageEventSink;
  /** To remove a deleted package's content when no other package shares it. */
  blobs?: BlobStore;
}

export class PackageRecords {
  constructor(
    private readonly db: Db,
    private readonly opts: PackageRecordsOptions,
  ) {}

  async create(userDefinedData?: Record<string, unknown>): Promise<VnfPkgDoc> {
    const doc: VnfPkgDoc = {
      id: randomUUID(),
      onboardingState: 'CREATED',
      operationalState: 'DISABLED',
      usageState: 'NOT_IN_USE',
    };
    if (userDefinedData !== undefined) doc.userDefinedData = userDefinedData;
    await insertPackage(this.db, doc);
    return doc;
  }

  async get(id: string): Promise<VnfPkgDoc> {
    const doc = await getPackage(this.db, id);
    if (!doc) throw new NotFound(`VNF package ${id} does not exist.`, 'VNF_PACKAGE_NOT_FOUND');
    return doc;
  }

  /** The ONBOARDED package of a VNFD (Tacker's GET /onboarded_vnf_packages/{vnfdId}). */
  async getOnboarded(vnfdId: string): Promise<VnfPkgDoc> {
    const row = await getPackageRowByVnfdId(this.db, vnfdId);
    if (!row) throw new NotFound(`No onboarded VNF package has vnfdId ${vnfdId}.`, 'VNF_PACKAGE_NOT_FOUND');
    return row.doc;
  }

  async list(query: ListQuery) {
    const page = await listDocuments<VnfPkgDoc>(this.db, { table: VNF_PACKAGES_TABLE, spec: VNF_PKG_QUERY, query, pageSize: this.opts.pageSize, markerKey: this.opts.markerKey });
    // The validation report (an extension, tens of lines per package) is left out of lists like
    // SOL005's default-excluded attributes: all_fields brings it, GET of one package always does.
    if (query.all_fields === undefined) for (const item of page.items) delete item.validationReport;
    return page;
  }

  /** SOL005 9.4.3.3.4: returns the modifications as applied (VnfPkgInfoModifications). */
  async modify(id: string, mods: PackageModifications): Promise<PackageModifications> {
    const events = this.opts.events;
    const applied = await this.db.tx(async (tx) => {
      const doc = await getPackage(tx, id, { forUpdate: true });
      if (!doc) throw new NotFound(`VNF package ${id} does not exist.`, 'VNF_PACKAGE_NOT_FOUND');
      const applied: PackageModifications = {};
      if (mods.operationalState !== undefined) {
        if (doc.onboardingState !== 'ONBOARDED') {
          throw new Conflict(`VNF package ${id} is in onboardingState ${doc.onboardingState}; its operational state can change only once ONBOARDED.`, 'VNF_PACKAGE_NOT_ONBOARDED');
        }
        if (doc.operationalState === mods.operationalState) {
          throw new Conflict(`VNF package ${id} is already in operationalState ${doc.operationalState}.`, 'VNF_PACKAGE_SAME_STATE');
        }
        doc.operationalState = mods.operationalState;
        applied.operationalState = mods.operationalState;
      }
      if (mods.userDefinedData !== undefined) {
        doc.userDefinedData = mergePatch(doc.userDefinedData, mods.userDefinedData);
        applied.userDefinedData = mods.userDefinedData;
      }
      await updatePackage(tx, doc);
      if (applied.operationalState) {
        await events?.publishPackage(tx, { type: 'VnfPackageChangeNotification', pkg: doc, changeType: 'OP_STATE_CHANGE', operationalState: applied.operationalState });
      }
      return applied;
    });
    if (applied.operationalState) events?.nudge();
    return applied;
  }

  /**
   * SOL005 9.4.3.3.5: only a DISABLED package that no instance uses may go. `evenIfEnabled`
   * (the marketplace's DELETE, which has no disable step) lifts the DISABLED rule only.
   */
  async delete(id: string, opts: { evenIfEnabled?: boolean } = {}): Promise<VnfPkgDoc> {
    const { doc, sha } = await this.db.tx(async (tx) => {
      const row = await getPackageRow(tx, id, { forUpdate: true });
      if (!row) throw new NotFound(`VNF package ${id} does not exist.`, 'VNF_PACKAGE_NOT_FOUND');
      const doc = row.doc;
      if (doc.onboardingState === 'UPLOADING' || doc.onboardingState === 'PROCESSING') {
        throw new Conflict(`VNF package ${id} is being onboarded (onboardingState ${doc.onboardingState}).`, 'VNF_PACKAGE_ONBOARDING');
      }
      if ((doc.operationalState !== 'DISABLED' && !opts.evenIfEnabled) || doc.usageState !== 'NOT_IN_USE') {
        throw new Conflict(
          `VNF package ${id} is ${doc.operationalState} and ${doc.usageState}; it must be DISABLED and NOT_IN_USE to be deleted.`,
          'VNF_PACKAGE_IN_USE',
        );
      }
      await deletePackage(tx, id);
      // SOL005 9.5.2.9: PKG_DELETE reports the deletion of an on-boarded package.
      if (doc.onboardingState === 'ONBOARDED') await this.opts.events?.publishPackage(tx, { type: 'VnfPackageChangeNotification', pkg: doc, changeType: 'PKG_DELETE' });
      return { doc, sha: row.content_sha256 };
    });
    this.opts.events?.nudge();
    if (this.opts.blobs) await releaseContent(this.db, this.opts.blobs, sha);
    return doc;
  }
}
