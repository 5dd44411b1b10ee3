import type { OpContext, OpResult } from '../lcm/context.js';
import { flavourOf, vduCountsFor } from '../lcm/vnfd-view.js';
import { Conflict, Unprocessable } from '../errors.js';
import { findHostByIp, listEsr, type EsrRow } from '../store/mec-esr.js';
import { getMecPackage } from '../store/mec-packages.js';
import { allocatedVcpu, instantiatedOnHost, type MecInstanceRow } from '../store/mec-instances.js';
import type { MecAppd } from './appd.js';
import type { AppLcms } from './applcms.js';
import { selectHost, type HostOption } from './host-selection.js';
import type { NodeKpi } from './kpi.js';
import { MEC_META_KEY, mecMeta, type MecCreateRequest, type MecMeta } from './model.js';

// The create step of a MEC app instance (EdgeGallery's createApplicationInstance process):
// choose the host (the one named, or one by placement), check the requested hardware
// capabilities, and resolve the AppD's required services to Instantiated providers on that
// host. The result is recorded on the instance (host, AppLCM, dependencies) and, through the
// occurrence's `placement`, the selection with its explanation.

const KPI_TIMEOUT_MS = 3000;

interface PackageFacts {
  appd: MecAppd;
  requirements: { vcpu: number; memoryMb: number };
}

async function packageFacts(ctx: OpContext, req: MecCreateRequest, tenant: string): Promise<PackageFacts> {
  const pkg = await getMecPackage(ctx.db, req.appPkgId, tenant);
  if (!pkg) throw new Unprocessable(`App package ${req.appPkgId} no longer exists.`, 'MEC_PACKAGE_NOT_FOUND');
  const { vnfd } = await ctx.packages.byPackageId(ctx.db, ctx.instance.vnfPkgId!);
  const flavour = flavourOf(vnfd, vnfd.defaultFlavourId ?? vnfd.flavours[0]?.flavourId ?? '');
  let vcpu = 0;
  let memoryMb = 0;
  if (flavour) {
    const counts = vduCountsFor(flavour);
    for (const vdu of flavour.vdus) {
      vcpu += (vdu.compute?.numVirtualCpu ?? 0) * (counts[vdu.id] ?? 0);
      memoryMb += (vdu.compute?.virtualMemSizeMb ?? 0) * (counts[vdu.id] ?? 0);
    }
  }
  return { appd: pkg.doc.appd as MecAppd, requirements: { vcpu, memoryMb } };
}

/** Providers of the AppD's required services that name an app (EdgeGallery: appId/packageId). */
export function resolveDependencies(appd: MecAppd, onHost: MecInstanceRow[]): { providers: string[]; missing: string[] } {
  const providers: string[] = [];
  const missing: string[] = [];
  for (const s of appd.appServiceRequired ?? []) {
    if (!s.appId && !s.packageId) continue;
    const p = onHost.find((r) => {
      const req = r.doc.request as MecCreateRequest;
      const byPkg = s.packageId !== undefined && (r.app_pkg_id === s.packageId || r.app_pkg_id.endsWith(s.packageId));
      return byPkg || (s.appId !== undefined && req.appId === s.appId);
    });
    if (p) providers.push(p.id);
    else missing.push(s.serName);
  }
  return { providers: [...new Set(providers)], missing };
}

function capabilityMismatch(host: EsrRow, wanted: string[]): string[] {
  const have = new Set(((host.doc.hwcapabilities as { hwType: string }[] | undefined) ?? []).map((c) => c.hwType.toLowerCase()));
  return wanted.filter((w) => !have.has(w.toLowerCase()));
}

async function kpiOf(applcms: AppLcms, ctx: OpContext, tenant: string, host: EsrRow): Promise<{ kpi?: NodeKpi; unavailable?: string }> {
  try {
    const target = await applcms.forHost(ctx.db, host);
    const kpi = (await Promise.race([target.client.kpi(tenant, host.host_ip!), new Promise((_, rej) => setTimeout(() => rej(new Error(`no answer within ${KPI_TIMEOUT_MS} ms`)), KPI_TIMEOUT_MS).unref())])) as NodeKpi;
    return { kpi };
  } catch (e) {
    return { unavailable: (e as Error).message };
  }
}

async function choose(applcms: AppLcms, ctx: OpContext, meta: MecMeta, facts: PackageFacts): Promise<{ host: EsrRow; dependsOn: string[]; placement?: Record<string, unknown> }> {
  const req = meta.request!;
  if (req.mecHost) {
    const host = await findHostByIp(ctx.db, meta.tenantId, req.mecHost);
    if (!host) throw new Unprocessable(`MEC host ${req.mecHost} is no longer registered.`, 'MEC_HOST_NOT_FOUND');
    const lacking = capabilityMismatch(host, req.hwCapabilities ?? []);
    if (lacking.length) throw new Unprocessable(`Hardware capability match failed: host ${req.mecHost} has no ${lacking.join(', ')}.`, 'MEC_HW_CAPABILITY_MISMATCH');
    const deps = resolveDependencies(facts.appd, await instantiatedOnHost(ctx.db, meta.tenantId, host.id));
    if (deps.missing.length) throw new Unprocessable(`dependency app ${deps.missing.join(', ')} not deployed on host ${req.mecHost}.`, 'MEC_DEPENDENCY_NOT_DEPLOYED');
    return { host, dependsOn: deps.providers };
  }
  const hosts = (await listEsr(ctx.db, 'host', meta.tenantId, { shared: true })).filter((h) => h.applcm_id);
  const allocated = await allocatedVcpu(ctx.db, hosts.map((h) => h.id));
  const options: (HostOption & { row: EsrRow; providers: string[] })[] = await Promise.all(
    hosts.map(async (h) => {
      const deps = resolveDependencies(facts.appd, await instantiatedOnHost(ctx.db, meta.tenantId, h.id));
      return { row: h, hostId: h.id, hostIp: h.host_ip!, doc: h.doc, allocatedVcpu: allocated.get(h.id) ?? 0, dependenciesMet: deps.missing.length === 0, providers: deps.providers, ...(await kpiOf(applcms, ctx, meta.tenantId, h)) };
    }),
  );
  const sel = await selectHost(options, { appInstanceId: ctx.instance.id, requirements: facts.requirements, hwCapabilities: req.hwCapabilities, affinity: req.affinity, location: req.location });
  const chosen = options.find((o) => o.hostId === sel.hostId)!;
  return { host: chosen.row, dependsOn: chosen.providers, placement: sel.explanation };
}

export async function createStep(applcms: AppLcms, ctx: OpContext): Promise<OpResult> {
  const meta = mecMeta(ctx.instance)!;
  const facts = await packageFacts(ctx, meta.request!, meta.tenantId);
  // A failed selection's ProblemDetails carries the explanation (why each host was rejected).
  const chosen = await choose(applcms, ctx, meta, facts);
  const clash = (await instantiatedOnHost(ctx.db, meta.tenantId, chosen.host.id)).find((r) => r.app_name === meta.request!.appName && r.id !== ctx.instance.id);
  if (clash) throw new Conflict(`cannot re-use app name : ${meta.request!.appName} (instance ${clash.id} is Instantiated on host ${chosen.host.host_ip}).`, 'MEC_APP_NAME_IN_USE');
  const next: MecMeta = { ...meta, hostId: chosen.host.id, hostIp: chosen.host.host_ip, applcmId: chosen.host.applcm_id ?? undefined, dependsOn: chosen.dependsOn, requirements: facts.requirements };
  const metadata = { ...(ctx.instance.metadata ?? {}), [MEC_META_KEY]: next };
  return {
    instance: { ...ctx.instance, metadata },
    resources: ctx.resources,
    changedInfo: { metadata: { [MEC_META_KEY]: next } },
    placement: chosen.placement ?? { method: 'requested', hostIp: chosen.host.host_ip },
  };
}
