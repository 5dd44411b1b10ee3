import { createHash, randomUUID } from 'node:crypto';
import type { OpContext } from './context.js';
import type { LinkRecord, VnfcRecord } from './model.js';
import type { FlavourView, VduView } from './vnfd-view.js';
import { allocateAddress, bareAddress, releaseAddress } from '../infra/address-pool.js';
import type { LinkResource, VnfcResource } from '../infra/driver.js';
import { unprocessable } from './errors.js';

// Steps shared by the operations: links and VNFCs made and removed one at a time, each recorded
// (checkpoint) as soon as the driver returns, so a resumed operation knows what exists.

/** A VNFD virtual link without L3 data still needs addresses: a stable /24 derived from its ids. */
function defaultCidr(instanceId: string, vlId: string): string {
  const h = createHash('sha256').update(`${instanceId}/${vlId}`).digest();
  return `10.${240 + (h[0] % 10)}.${h[1]}.0/24`;
}

export async function ensureInternalLinks(ctx: OpContext, flavour: FlavourView): Promise<void> {
  for (const vl of flavour.virtualLinks) {
    if (ctx.resources.links[vl.id]) continue;
    const cidr = vl.cidr ?? defaultCidr(ctx.instance.id, vl.id);
    const res = await ctx.driver.ensureLink({ linkId: vl.id, instanceId: ctx.instance.id, cidr });
    ctx.resources.links[vl.id] = { linkId: vl.id, vlDescId: vl.id, external: false, resource: { ...res }, cidr, usedIps: [] };
    await ctx.checkpoint(`link ${vl.id}`);
  }
}

export interface ExtVirtualLinkParam {
  id: string;
  vimConnectionId?: string;
  resourceId: string;
  extCps?: { cpdId: string; cpConfig?: Record<string, { cpProtocolData?: { ipOverEthernet?: { ipAddresses?: { fixedAddresses?: string[]; subnetId?: string }[] } }[] }> }[];
}

export const extLinkKey = (evlId: string) => `ext:${evlId}`;

/** The addressing an extCp asks for: a fixed address and/or a subnet (subnetId as a CIDR, a mecano convention). */
export function extCpAddressing(evl: ExtVirtualLinkParam, cpdId: string): { fixed?: string; cidr?: string } {
  const cp = evl.extCps?.find((c) => c.cpdId === cpdId);
  for (const cfg of Object.values(cp?.cpConfig ?? {})) {
    for (const pd of cfg.cpProtocolData ?? []) {
      for (const a of pd.ipOverEthernet?.ipAddresses ?? []) {
        const cidr = a.subnetId && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(a.subnetId) ? a.subnetId : undefined;
        const fixed = a.fixedAddresses?.[0];
        if (fixed || cidr) return { ...(fixed ? { fixed } : {}), ...(cidr ? { cidr } : {}) };
      }
    }
  }
  return {};
}

const DEFAULT_EXT_CIDR = '10.239.0.0/24';

export async function ensureExtLinks(ctx: OpContext, evls: ExtVirtualLinkParam[]): Promise<void> {
  for (const evl of evls) {
    const key = extLinkKey(evl.id);
    if (ctx.resources.links[key]) continue;
    const cidr = (evl.extCps ?? []).map((c) => extCpAddressing(evl, c.cpdId).cidr).find(Boolean) ?? DEFAULT_EXT_CIDR;
    const res = await ctx.driver.ensureLink({ linkId: key, instanceId: ctx.instance.id, cidr, external: { bridge: evl.resourceId } });
    ctx.resources.links[key] = { linkId: key, vlDescId: evl.id, external: true, extVirtualLinkId: evl.id, resource: { ...res }, cidr, usedIps: [] };
    await ctx.checkpoint(`external link ${evl.id}`);
  }
}

export async function removeLink(ctx: OpContext, key: string): Promise<void> {
  const rec = ctx.resources.links[key];
  if (!rec) return;
  const stillUsed = Object.values(ctx.resources.vnfcs).some((v) => v.cps.some((c) => c.linkKey === key));
  if (stillUsed) return;
  await ctx.driver.removeLink(rec.resource as unknown as LinkResource);
  delete ctx.resources.links[key];
  await ctx.checkpoint(`remove link ${key}`);
}

function vduOf(flavour: FlavourView, vduId: string): VduView {
  const vdu = flavour.vdus.find((v) => v.id === vduId);
  if (!vdu) throw unprocessable(`VDU ${vduId} is not in flavour ${flavour.flavourId}.`, 'VDU_NOT_FOUND');
  return vdu;
}

export interface PlannedVnfc {
  vnfcId: string;
  vduId: string;
  index: number;
}

export function planVnfcs(ctx: OpContext, counts: Record<string, number>): PlannedVnfc[] {
  let index = Math.max(0, ...Object.values(ctx.resources.vnfcs).map((v) => v.index + 1));
  const out: PlannedVnfc[] = [];
  for (const [vduId, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) out.push({ vnfcId: randomUUID(), vduId, index: index++ });
  }
  return out;
}

async function addressFor(ctx: OpContext, link: LinkRecord, fixed?: string): Promise<string> {
  const prefix = (link.cidr ?? DEFAULT_EXT_CIDR).split('/')[1];
  if (fixed) return `${bareAddress(fixed)}/${prefix}`;
  const used = link.external ? [...link.usedIps, ...(await ctx.usedIpsOnBridge(String(link.resource.resourceId)))] : link.usedIps;
  return allocateAddress(link.cidr ?? DEFAULT_EXT_CIDR, used);
}

interface PreparedStart {
  plan: PlannedVnfc;
  spec: Parameters<OpContext['driver']['startVnfc']>[0];
  cps: VnfcRecord['cps'];
}

/** Chooses the artifact and the addresses of one VNFC (sequentially: allocation must not race). */
async function prepareStart(ctx: OpContext, p: PlannedVnfc, flavour: FlavourView, pkg: { id: string }, evls: ExtVirtualLinkParam[], pending: Map<string, string[]>): Promise<PreparedStart> {
  const vdu = vduOf(flavour, p.vduId);
  if (!vdu.artifact) throw unprocessable(`VDU ${vdu.id} has no software image artifact in the package that the local driver could run.`, 'VDU_NO_ARTIFACT');
  const artifactPath = await ctx.packages.artifactFile(pkg.id, vdu.artifact);
  const cps: VnfcRecord['cps'] = [];
  const specCps = [];
  for (const cp of vdu.cps) {
    let key: string | undefined;
    let fixed: string | undefined;
    if (cp.vlId && ctx.resources.links[cp.vlId]) key = cp.vlId;
    else if (cp.extCpId) {
      const evl = evls.find((e) => e.extCps?.some((c) => c.cpdId === cp.extCpId));
      if (evl) {
        key = extLinkKey(evl.id);
        fixed = extCpAddressing(evl, cp.extCpId).fixed;
      }
    }
    const link = key ? ctx.resources.links[key] : undefined;
    if (!key || !link) continue;
    const taken = pending.get(key) ?? [];
    const ip = await addressFor(ctx, { ...link, usedIps: [...link.usedIps, ...taken] }, fixed);
    pending.set(key, [...taken, ip]);
    cps.push({ cpdId: cp.cpdId, linkKey: key, ip, ...(cp.extCpId ? { extCpId: cp.extCpId } : {}) });
    specCps.push({ cpdId: cp.cpdId, link: link.resource as unknown as LinkResource, ip });
  }
  const env: Record<string, string> = { MECANO_PARAMS: JSON.stringify((ctx.params.additionalParams as object | undefined) ?? {}) };
  return { plan: p, cps, spec: { instanceId: ctx.instance.id, vnfcId: p.vnfcId, vduId: p.vduId, artifactPath, env, cps: specCps, logDir: ctx.logDir } };
}

/**
 * Starts the planned VNFCs that do not exist yet, all at once (each start waits out the driver's
 * grace period, so starting them one by one would add it up), and records every one that
 * started. The first failure is thrown after the others are recorded, so a rollback finds them.
 */
export async function startVnfcs(ctx: OpContext, plans: PlannedVnfc[], flavour: FlavourView, pkg: { id: string; vnfdId: string }, evls: ExtVirtualLinkParam[]): Promise<void> {
  const pending = new Map<string, string[]>();
  const prepared: PreparedStart[] = [];
  for (const p of plans) if (!ctx.resources.vnfcs[p.vnfcId]) prepared.push(await prepareStart(ctx, p, flavour, pkg, evls, pending));
  if (prepared.length === 0) return;
  const results = await Promise.allSettled(prepared.map((x) => ctx.driver.startVnfc(x.spec)));
  results.forEach((r, i) => {
    if (r.status !== 'fulfilled') return;
    const { plan, cps } = prepared[i];
    for (const cp of cps) ctx.resources.links[cp.linkKey]?.usedIps.push(cp.ip);
    ctx.resources.vnfcs[plan.vnfcId] = { vnfcId: plan.vnfcId, vduId: plan.vduId, vnfdId: pkg.vnfdId, pkgId: pkg.id, index: plan.index, cps, resource: { ...r.value }, createdAt: new Date().toISOString() };
  });
  await ctx.checkpoint(`start VNFC ${prepared.map((x) => `${x.plan.vnfcId} (${x.plan.vduId})`).join(', ')}`);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Starts one planned VNFC unless it already exists (idempotent), and records it. */
export async function startVnfc(ctx: OpContext, p: PlannedVnfc, flavour: FlavourView, pkg: { id: string; vnfdId: string }, evls: ExtVirtualLinkParam[]): Promise<VnfcRecord> {
  await startVnfcs(ctx, [p], flavour, pkg, evls);
  return ctx.resources.vnfcs[p.vnfcId];
}

/** Stops one VNFC (graceful or not), releases its addresses and forgets it. Safe when already gone. */
export async function stopVnfc(ctx: OpContext, vnfcId: string, opts: { graceful: boolean; timeoutMs: number }): Promise<VnfcRecord | undefined> {
  const rec = ctx.resources.vnfcs[vnfcId];
  if (!rec) return undefined;
  await ctx.driver.stopVnfc(rec.resource as unknown as VnfcResource, opts);
  for (const cp of rec.cps) {
    const link = ctx.resources.links[cp.linkKey];
    if (link) link.usedIps = releaseAddress(link.usedIps, cp.ip);
  }
  delete ctx.resources.vnfcs[vnfcId];
  await ctx.checkpoint(`stop VNFC ${vnfcId} (${rec.vduId})`);
  return rec;
}

/** Newest first (Tacker removes from the head on scale-in). */
export function vnfcsOfVdu(ctx: OpContext, vduId: string): VnfcRecord[] {
  return Object.values(ctx.resources.vnfcs)
    .filter((v) => v.vduId === vduId)
    .sort((a, b) => b.index - a.index);
}
