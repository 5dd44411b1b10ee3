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
  await removeStaleProbes();
  const probe = `mcprobe${process.pid}`;
  try {
    await ip(['netns', 'add', probe]);
  } catch (e) {
    return { mode: 'loopback', reason: `ip netns add failed (${(e as Error).message}), so VNFCs run on loopback ports` };
  }
  await ip(['netns', 'del', probe]).catch(() => undefined);
  return { mode: 'netns', reason: 'running as root with iproute2: each VNFC gets its own network namespace' };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process killed between add and del leaves its probe namespace: named by pid, it is found here. */
async function removeStaleProbes(): Promise<void> {
  const list = await ip(['netns', 'list']).catch(() => '');
  for (const line of String(list).split('\n')) {
    const name = line.split(' ')[0];
    const m = /^mcprobe(\d+)$/.exec(name ?? '');
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) await ip(['netns', 'del', name]).catch(() => undefined);
  }
}
