import type { Queryable } from '../store/db.js';
import { contentReferenced } from '../store/vnf-packages.js';
import type { BlobStore } from './blob-store.js';

// Blobs are content-addressed, so one blob may back several packages (the same CSAR uploaded
// twice: the second goes to ERROR as a duplicate vnfdId, yet shares the first one's bytes).
// A blob goes only when no package uses it or is about to (staged_sha256). The window between
// a finished put() and the row that references it is closed by the uploader, which checks
// the blob is still there once it is referenced (see onboarding.ts).

/** Deletes the blob unless a package still references it; true when deleted. */
export async function releaseContent(db: Queryable, blobs: BlobStore, sha256: string | null | undefined): Promise<boolean> {
  if (!sha256) return false;
  if (await contentReferenced(db, sha256)) return false;
  return blobs.delete(sha256);
}
