import { bareAddress, inSubnet, parseSubnet } from '../address-pool.js';
import { InfraSpecError, type VnfcCpSpec } from '../driver.js';
import { ipBatch } from './ip.js';
import { createVeth, deleteLink, listLinks } from './links.js';
import { innerIfName, macAddress, netnsName, vethName, vethPrefix } from './naming.js';
import { deleteNetns, ensureNetns, netnsPids } from './netns.js';
import { findMarkedProcesses, isLiveState, readStat } from './procfs.js';
import { signalProcess, waitForExit } from './supervise.js';

// The kernel side of one VNFC in netns mode: its namespace, one veth pair per connection point
// (host end on the link's bridge, `ethN` inside), addresses and the default route. It is always
// built from nothing after `teardownVnfc`, so a half-built namespace left by a crash never
// needs repairing.

/** The gateway of the first CP on an external link that has one: the namespace's default route. */
export function defaultGateway(cps: VnfcCpSpec[]): { index: number; gateway: string } | undefined {
  const index = cps.findIndex((cp) => cp.link.external && cp.link.gatewayIp !== undefined);
  return index < 0 ? undefined : { index, gateway: cps[index].link.gatewayIp as string };
}

/** Checks what `ip` would otherwise reject half-way through: CIDR form and the link's subnet. */
export function validateCps(cps: VnfcCpSpec[]): void {
  const seen = new Set<string>();
  for (const cp of cps) {
    if (seen.has(cp.cpdId)) throw new InfraSpecError(`connection point ${cp.cpdId} is listed twice`, 'DUPLICATE_CP');
    seen.add(cp.cpdId);
    if (!cp.ip.includes('/')) throw new InfraSpecError(`address '${cp.ip}' of CP ${cp.cpdId} needs a prefix length, e.g. 10.251.0.5/24`, 'INVALID_ADDRESS');
    parseSubnet(cp.ip);
    if (cp.link.cidr && !inSubnet(cp.link.cidr, cp.ip)) {
      throw new InfraSpecError(`address ${cp.ip} of CP ${cp.cpdId} is outside ${cp.link.cidr} of link ${cp.link.linkId}`, 'INVALID_ADDRESS');
    }
  }
}

export async function plumbVnfc(instanceId: string, vnfcId: string, cps: VnfcCpSpec[]): Promise<void> {
  const ns = netnsName(instanceId, vnfcId);
  await ensureNetns(ns);
  const lines: string[] = [];
  for (const [i, cp] of cps.entries()) {
    if (cp.link.mode !== 'netns') {
      throw new InfraSpecError(`link ${cp.link.linkId} was made in ${cp.link.mode} mode and has no bridge to attach CP ${cp.cpdId} to`, 'LINK_MODE_MISMATCH');
    }
    await createVeth(vethName(instanceId, vnfcId, i), ns, innerIfName(i), macAddress(instanceId, vnfcId, i), cp.link.resourceId);
    lines.push(`addr add ${cp.ip} dev ${innerIfName(i)}`, `link set dev ${innerIfName(i)} up`);
  }
  const gw = defaultGateway(cps);
  if (gw) lines.push(`route add default via ${bareAddress(gw.gateway)} dev ${innerIfName(gw.index)}`);
  if (lines.length) await ipBatch(lines, ns);
}

/**
 * Removes everything of one VNFC, whatever state a crash left it in: processes carrying its
 * marker or living in its namespace (SIGKILL), the host ends of its veths (found by name
 * prefix, so CPs removed since are found too), and the namespace.
 */
export async function teardownVnfc(instanceId: string, vnfcId: string, withKernel: boolean): Promise<number[]> {
  const ns = netnsName(instanceId, vnfcId);
  const marked = (await findMarkedProcesses()).filter((p) => p.instanceId === instanceId && p.vnfcId === vnfcId).map((p) => p.stat.pid);
  const inNs = withKernel ? await netnsPids(ns) : [];
  const victims = [...new Set([...marked, ...inNs])];
  const killed: { pid: number; startTime: number }[] = [];
  for (const pid of victims) {
    const st = await readStat(pid);
    if (st && isLiveState(st.state) && signalProcess(pid, 'SIGKILL')) killed.push({ pid, startTime: st.startTime });
  }
  await Promise.all(killed.map((k) => waitForExit(k.pid, k.startTime, 2000)));
  if (withKernel) {
    const prefix = vethPrefix(instanceId, vnfcId);
    for (const l of await listLinks()) {
      if (l.ifname.startsWith(prefix)) await deleteLink(l.ifname);
    }
    await deleteNetns(ns);
  }
  return killed.map((k) => k.pid);
}
