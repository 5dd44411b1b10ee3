import path from 'node:path';
import { access } from 'node:fs/promises';
import type { Queryable } from '../store/db.js';
import { Unprocessable } from '../errors.js';
import { getPackageRow, getPackageRowByVnfdId, updatePackage, type PackageRow } from '../store/vnf-packages.js';
import { countInstancesUsingPackage } from '../store/vnf-instances.js';
import type { BlobStore } from './blob-store.js';
import { extractArtifact } from './entries.js';
import type { Vnfd } from './vnfd/model.js';
import { toVnfdView } from '../lcm/vnfd-view.js';
import type { PackageSource, ResolvedPackage } from '../lcm/ports.js';

// What the lifecycle engine sees of the package catalog (Tacker §10.2 rules and wording).

export class CatalogPackageSource implements PackageSource {
  private readonly extracting = new Map<string, Promise<string>>();

  constructor(private readonly deps: { db: Queryable; blobs: BlobStore; dataDir: string }) {}

  private resolved(row: PackageRow): ResolvedPackage {
    return { pkg: row.doc, vnfd: toVnfdView(row.vnfd_model as Vnfd) };
  }

  async byVnfdId(q: Queryable, vnfdId: string): Promise<ResolvedPackage> {
    const row = await getPackageRowByVnfdId(q, vnfdId);
    if (!row || !row.vnfd_model) throw new Unprocessable(`VnfPackage of vnfdId ${vnfdId} is not found or not operational.`, 'VNF_PACKAGE_NOT_ONBOARDED');
    if (row.doc.operationalState !== 'ENABLED') throw new Unprocessable(`VNF package ${row.doc.id} of vnfdId ${vnfdId} is not ENABLED.`, 'VNF_PACKAGE_DISABLED');
    return this.resolved(row);
  }

  async byPackageId(q: Queryable, pkgId: string): Promise<ResolvedPackage> {
    const row = await getPackageRow(q, pkgId);
    if (!row || !row.vnfd_model) throw new Unprocessable(`VNF package ${pkgId} is gone or was never onboarded.`, 'VNF_PACKAGE_NOT_ONBOARDED');
    return this.resolved(row);
  }

  async refreshUsage(q: Queryable, pkgId: string): Promise<void> {
    const row = await getPackageRow(q, pkgId, { forUpdate: true });
    if (!row) return;
    const usage = (await countInstancesUsingPackage(q, pkgId)) > 0 ? 'IN_USE' : 'NOT_IN_USE';
    if (row.doc.usageState === usage) return;
    row.doc.usageState = usage;
    await updatePackage(q, row.doc);
  }

  /** Extracted once per (content, entry): the path is content-addressed, so it never goes stale. */
  artifactFile(pkgId: string, entryPath: string): Promise<string> {
    const key = `${pkgId}:${entryPath}`;
    let p = this.extracting.get(key);
    if (!p) {
      p = this.extract(pkgId, entryPath).catch((e) => {
        this.extracting.delete(key);
        throw e;
      });
      this.extracting.set(key, p);
    }
    return p;
  }

  private async extract(pkgId: string, entryPath: string): Promise<string> {
    const row = await getPackageRow(this.deps.db, pkgId);
    if (!row?.content_sha256) throw new Unprocessable(`VNF package ${pkgId} has no content.`, 'VNF_PACKAGE_NO_CONTENT');
    const dir = path.join(this.deps.dataDir, 'artifacts', row.content_sha256, path.posix.dirname(entryPath));
    const dest = path.join(dir, path.posix.basename(entryPath));
    // A running VNFC may be executing the file (rewriting it would fail with ETXTBSY), and the
    // path is content-addressed: an existing file is the right one.
    if (await access(dest).then(() => true, () => false)) return dest;
    const csar = await this.deps.blobs.materialize(row.content_sha256);
    return extractArtifact(csar, entryPath, dir);
  }
}
