import { randomBytes } from 'node:crypto';
import type { InfraCapabilities } from '../driver.js';
import { ip } from './ip.js';

// Network namespaces need root (CAP_SYS_ADMIN and CAP_NET_ADMIN), iproute2, and a kernel and
// container that allow `ip netns add`; the only sure test is to make one and delete it again.

export async function probeNetns(): Promise<InfraCapabilities> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { mode: 'loopback', reason: 'mecano is not running as root, so VNFCs run on loopback ports without namespaces' };
  }
  try {
    await ip(['-V']);
  } catch {
    return { mode: 'loopback', reason: 'the ip command (iproute2) is not installed, so VNFCs run on loopback ports' };
  }
  const probe = `mcprobe${randomBytes(4).toString('hex')}`;
  try {
    await ip(['netns', 'add', probe]);
  } catch (e) {
    return { mode: 'loopback', reason: `ip netns add failed (${(e as Error).message}), so VNFCs run on loopback ports` };
  }
  await ip(['netns', 'del', probe]).catch(() => undefined);
  return { mode: 'netns', reason: 'running as root with iproute2: each VNFC gets its own network namespace' };
}
