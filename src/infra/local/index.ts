import type { GcOptions, GcReport, OwnedResources } from '../driver.js';
import { createLocalDriver, type LocalDriverOptions } from './local-driver.js';

export { createLocalDriver, DEFAULT_START_GRACE_MS, LocalDriver, type LocalDriverOptions } from './local-driver.js';
export { NETNS_HTTP_PORT } from './vnfc.js';

/**
 * `mecano local gc`: removes every mc-prefixed namespace, veth and bridge, every mecano-made
 * external bridge left unused, and every VNFC process that `owned` (all instances in the
 * database) does not list. Run it while no lifecycle operation is in progress: a VNFC started but
 * not yet recorded is indistinguishable from an orphan.
 */
export function localGc(owned: OwnedResources, opts: GcOptions & LocalDriverOptions = {}): Promise<GcReport> {
  return createLocalDriver({ netns: opts.netns }).gc(owned, { instanceIds: opts.instanceIds });
}
