import type { GcOptions, GcReport, InfraMode, MissingObject, OwnedResources, ReconcileReport } from '../driver.js';
import { deleteLink, listLinks, type LinkInfo } from './links.js';
import { instanceTag, MC_PREFIX, parseName } from './naming.js';
import { deleteNetns, listNetns, netnsPids } from './netns.js';
import { findMarkedProcesses, isSameProcessAlive, readStat } from './procfs.js';
import { signalProcess, waitForExit } from './supervise.js';
import { aliasInstanceId, isMecanoAlias } from './virtual-links.js';

// Comparing the kernel and the process table with what the database says mecano owns: reconcile
// reports the differences (run at start, so dead VNFCs show and can be healed); gc removes what
// nobody owns. Neither needs the database: the owned set comes from the caller.

function hasKernelObjects(owned: OwnedResources): boolean {
  return owned.links.some((l) => l.mode === 'netns') || owned.vnfcs.some((v) => v.mode === 'netns');
}

export async function reconcile(owned: OwnedResources, mode: InfraMode): Promise<ReconcileReport> {
  const kernel = hasKernelObjects(owned);
  const links = kernel ? await listLinks() : [];
  const bridges = new Set(links.filter((l) => l.kind === 'bridge').map((l) => l.ifname));
  const ifnames = new Set(links.map((l) => l.ifname));
  const namespaces = new Set(kernel ? await listNetns() : []);
  const missing: MissingObject[] = [];
  const linkReport = owned.links.map((l) => {
    const present = l.mode !== 'netns' || bridges.has(l.resourceId);
    if (!present) missing.push({ kind: 'bridge', name: l.resourceId, owner: l.linkId });
    return { instanceId: l.instanceId, linkId: l.linkId, present };
  });
  const vnfcReport = await Promise.all(
    owned.vnfcs.map(async (v) => {
      const own: MissingObject[] = [];
      if (v.mode === 'netns') {
        if (!namespaces.has(v.resourceId)) own.push({ kind: 'netns', name: v.resourceId, owner: v.vnfcId });
        for (const p of v.ports) {
          if (p.hostIfName && !ifnames.has(p.hostIfName)) own.push({ kind: 'veth', name: p.hostIfName, owner: v.vnfcId });
        }
      }
      missing.push(...own);
      const status = (await isSameProcessAlive(v.pid, v.startTime)) ? ('running' as const) : ('dead' as const);
      return { instanceId: v.instanceId, vnfcId: v.vnfcId, status, missing: own };
    }),
  );
  return { mode, vnfcs: vnfcReport, links: linkReport, dead: vnfcReport.filter((v) => v.status === 'dead').map((v) => v.vnfcId), missing };
}

interface Scope {
  ids?: Set<string>;
  tags?: Set<string>;
}

function scopeOf(opts: GcOptions): Scope {
  if (!opts.instanceIds) return {};
  return { ids: new Set(opts.instanceIds), tags: new Set(opts.instanceIds.map(instanceTag)) };
}

/** Within scope by name (instance tag) or, for bridges, by the creator alias. */
function inScope(scope: Scope, name: string, alias?: string): boolean {
  if (!scope.ids || !scope.tags) return true;
  const parsed = parseName(name);
  if (parsed && scope.tags.has(parsed.instanceTag)) return true;
  const id = aliasInstanceId(alias);
  return id !== undefined && scope.ids.has(id);
}

async function gcProcesses(owned: OwnedResources, scope: Scope): Promise<GcReport['processes']> {
  const sessions = new Map(owned.vnfcs.map((v) => [`${v.instanceId}\0${v.vnfcId}`, v]));
  const victims = [];
  for (const p of await findMarkedProcesses()) {
    if (scope.ids && !scope.ids.has(p.instanceId)) continue;
    const o = sessions.get(`${p.instanceId}\0${p.vnfcId}`);
    // Owned: in the session of the recorded, still-living leader (children share its session).
    if (o && p.stat.sid === o.pid && (await isSameProcessAlive(o.pid, o.startTime))) continue;
    if (signalProcess(p.stat.pid, 'SIGKILL')) victims.push(p);
  }
  await Promise.all(victims.map((p) => waitForExit(p.stat.pid, p.stat.startTime, 2000)));
  return victims.map((p) => ({ pid: p.stat.pid, instanceId: p.instanceId, vnfcId: p.vnfcId }));
}

async function gcNetns(owned: OwnedResources, scope: Scope, killed: GcReport['processes']): Promise<string[]> {
  const keep = new Set(owned.vnfcs.filter((v) => v.mode === 'netns').map((v) => v.resourceId));
  const removed: string[] = [];
  for (const ns of await listNetns()) {
    if (!ns.startsWith(MC_PREFIX) || keep.has(ns) || !inScope(scope, ns)) continue;
    // Whatever runs inside an orphan namespace is an orphan too, marked or not.
    for (const pid of await netnsPids(ns)) {
      const st = await readStat(pid);
      if (st && signalProcess(pid, 'SIGKILL')) {
        killed.push({ pid });
        await waitForExit(pid, st.startTime, 2000);
      }
    }
    if (await deleteNetns(ns)) removed.push(ns);
  }
  return removed;
}

function isOrphanLink(l: LinkInfo, owned: OwnedResources, scope: Scope): boolean {
  if (l.kind !== 'bridge' && l.kind !== 'veth') return false;
  const mcNamed = l.ifname.startsWith(MC_PREFIX);
  // An operator's bridge that mecano created for an external link carries only the alias.
  const marked = l.kind === 'bridge' && isMecanoAlias(l.alias);
  if ((!mcNamed && !marked) || !inScope(scope, l.ifname, l.alias)) return false;
  if (l.kind === 'veth') return !owned.vnfcs.some((v) => v.ports.some((p) => p.hostIfName === l.ifname));
  return !owned.links.some((k) => k.mode === 'netns' && k.resourceId === l.ifname);
}

async function gcLinks(owned: OwnedResources, scope: Scope): Promise<string[]> {
  const links = await listLinks();
  const orphans = links.filter((l) => isOrphanLink(l, owned, scope));
  const removed: string[] = [];
  // Veths first: a bridge that still has ports may be an operator's bridge in use.
  for (const l of orphans.filter((o) => o.kind === 'veth')) if (await deleteLink(l.ifname)) removed.push(l.ifname);
  const after = await listLinks();
  for (const l of orphans.filter((o) => o.kind === 'bridge')) {
    const busy = after.some((a) => a.master === l.ifname);
    if (!l.ifname.startsWith(MC_PREFIX) && busy) continue;
    if (await deleteLink(l.ifname)) removed.push(l.ifname);
  }
  return removed;
}

/**
 * Processes first, then links (explicitly, rather than letting a freed namespace take its veth
 * ends along at some later moment), then namespaces with whatever unmarked process is left inside.
 */
export async function gc(owned: OwnedResources, opts: GcOptions, mode: InfraMode): Promise<GcReport> {
  const scope = scopeOf(opts);
  const processes = await gcProcesses(owned, scope);
  if (mode !== 'netns') return { processes, netns: [], links: [] };
  const links = await gcLinks(owned, scope);
  const netns = await gcNetns(owned, scope, processes);
  return { processes, netns, links };
}
