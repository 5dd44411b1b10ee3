import { ip, ipIgnoreMissing, IpCommandError, ipJson } from './ip.js';

// Named network namespaces (`ip netns`, bind mounts under /run/netns).

export async function listNetns(): Promise<string[]> {
  const list = await ipJson<{ name: string }>(['netns', 'list']);
  return list.map((n) => n.name);
}

export async function netnsExists(name: string): Promise<boolean> {
  return (await listNetns()).includes(name);
}

/** Creates the namespace and brings its loopback up; an existing one is kept as is. */
export async function ensureNetns(name: string): Promise<void> {
  try {
    await ip(['netns', 'add', name]);
  } catch (e) {
    if (!(e instanceof IpCommandError && e.alreadyExists)) throw e;
  }
  await ip(['-n', name, 'link', 'set', 'lo', 'up']);
}

/**
 * Removes the name. The kernel frees the namespace (and the veth ends inside it) once no process
 * holds it, which is why processes are killed before this is called.
 */
export async function deleteNetns(name: string): Promise<boolean> {
  return ipIgnoreMissing(['netns', 'del', name]);
}

export async function netnsPids(name: string): Promise<number[]> {
  try {
    const out = await ip(['netns', 'pids', name]);
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
  } catch (e) {
    if (e instanceof IpCommandError && e.notFound) return [];
    throw e;
  }
}
