import type { OpContext } from '../context.js';
import { removeLink, stopVnfc } from '../vnfcs.js';

/** Stops every VNFC and removes every link the instance has (terminate, instantiate rollback). */
export async function removeEverything(ctx: OpContext, opts: { graceful: boolean; timeoutMs: number }): Promise<void> {
  // Stop all VNFCs at once: a graceful timeout then costs its length once, not once per VNFC.
  const ids = Object.keys(ctx.resources.vnfcs);
  const results = await Promise.allSettled(ids.map((id) => stopVnfc(ctx, id, opts)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  for (const key of Object.keys(ctx.resources.links)) await removeLink(ctx, key);
  ctx.resources.extVirtualLinks = [];
  ctx.resources.scaleLevels = {};
}
