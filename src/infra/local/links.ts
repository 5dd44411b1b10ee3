import { ip, ipIgnoreMissing, IpCommandError, ipJson } from './ip.js';

// Interfaces of the root namespace: bridges (virtual links) and the host ends of veth pairs.

export interface LinkInfo {
  ifname: string;
  /** `bridge`, `veth`…; absent for plain devices. */
  kind?: string;
  /** The bridge this interface is attached to. */
  master?: string;
  alias?: string;
}

interface RawLink {
  ifname: string;
  master?: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string };
}

function toInfo(l: RawLink): LinkInfo {
  return { ifname: l.ifname, kind: l.linkinfo?.info_kind, master: l.master, alias: l.ifalias };
}

export async function listLinks(): Promise<LinkInfo[]> {
  return (await ipJson<RawLink>(['-d', 'link', 'show'])).map(toInfo);
}

export async function getLink(name: string): Promise<LinkInfo | undefined> {
  try {
    const [l] = await ipJson<RawLink>(['-d', 'link', 'show', 'dev', name]);
    return l ? toInfo(l) : undefined;
  } catch (e) {
    if (e instanceof IpCommandError && e.notFound) return undefined;
    throw e;
  }
}

/**
 * Creates an up bridge carrying `alias` as a durable marker of who made it. The bridge is built
 * under `tmpName` and renamed once marked, so `name` never exists without its marker even if
 * mecano dies in between (a leftover `tmpName` is an `mc` object that gc removes). Returns false
 * when someone else created `name` meanwhile.
 */
export async function createBridge(name: string, alias: string, tmpName: string): Promise<boolean> {
  await deleteLink(tmpName);
  await ip(['link', 'add', 'name', tmpName, 'type', 'bridge']);
  try {
    await ip(['link', 'set', 'dev', tmpName, 'alias', alias]);
    await ip(['link', 'set', 'dev', tmpName, 'name', name]);
  } catch (e) {
    await deleteLink(tmpName);
    if (e instanceof IpCommandError && e.alreadyExists) return false;
    throw e;
  }
  await ip(['link', 'set', 'dev', name, 'up']);
  return true;
}

export async function setUp(name: string): Promise<void> {
  await ip(['link', 'set', 'dev', name, 'up']);
}

export async function bridgePorts(name: string): Promise<string[]> {
  try {
    return (await ipJson<RawLink>(['link', 'show', 'master', name])).map((l) => l.ifname);
  } catch (e) {
    if (e instanceof IpCommandError && e.notFound) return [];
    throw e;
  }
}

/** IPv4 addresses on an interface, as `a.b.c.d/p`. */
export async function ipv4Addresses(name: string): Promise<string[]> {
  const rows = await ipJson<{ addr_info?: { family: string; local: string; prefixlen: number }[] }>(['addr', 'show', 'dev', name]);
  return rows.flatMap((r) => (r.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`));
}

export async function ensureAddress(name: string, address: string): Promise<void> {
  try {
    await ip(['addr', 'add', address, 'dev', name]);
  } catch (e) {
    if (!(e instanceof IpCommandError && e.alreadyExists)) throw e;
  }
}

/**
 * A veth pair whose peer is created directly inside `netns` under `innerName` (no temporary name
 * in the root namespace to clean up), the host end attached to `bridge` and up.
 */
export async function createVeth(hostName: string, netns: string, innerName: string, innerMac: string, bridge: string): Promise<void> {
  await ip(['link', 'add', 'name', hostName, 'type', 'veth', 'peer', 'name', innerName, 'address', innerMac, 'netns', netns]);
  await ip(['link', 'set', 'dev', hostName, 'master', bridge, 'up']);
}

/** Deleting either end of a veth deletes the pair. */
export async function deleteLink(name: string): Promise<boolean> {
  return ipIgnoreMissing(['link', 'del', 'dev', name]);
}
