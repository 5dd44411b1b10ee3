import type { Queryable } from '../store/db.js';
import { inflightReservations, vnfcCounts, vnfdModels } from '../store/placement-usage.js';
import { toVnfdView, type VduView } from '../lcm/vnfd-view.js';
import type { Vnfd } from '../packages/vnfd/model.js';
import type { Resources } from './model.js';

// Capacity that mecano's instances use on each VIM, computed from the engine's records at the
// moment of a solve (docs/placement.md "Capacity"): Σ over running VNFCs of their VDU's virtual
// compute, plus the reservation of every instantiation still in progress. Nothing is counted
// twice or forgotten when an operation fails, because nothing is counted ahead of the records.

export const ZERO: Resources = { vcpu: 0, memoryMb: 0, storageGb: 0 };

export function addResources(a: Resources, b: Partial<Resources>, times = 1): Resources {
  return { vcpu: a.vcpu + (b.vcpu ?? 0) * times, memoryMb: a.memoryMb + (b.memoryMb ?? 0) * times, storageGb: a.storageGb + (b.storageGb ?? 0) * times };
}

/** A VDU's virtual compute as solver resources (absent figures count 0). */
export function vduResources(vdu: Pick<VduView, 'compute'>): Resources {
  const c = vdu.compute ?? {};
  return { vcpu: c.numVirtualCpu ?? 0, memoryMb: c.virtualMemSizeMb ?? 0, storageGb: c.virtualDiskSizeGb ?? 0 };
}

function vduCompute(models: Map<string, unknown>): (pkgId: string, vduId: string, flavourId: string | null) => Resources {
  const views = new Map<string, ReturnType<typeof toVnfdView>>();
  return (pkgId, vduId, flavourId) => {
    const model = models.get(pkgId);
    if (!model) return ZERO;
    let view = views.get(pkgId);
    if (!view) views.set(pkgId, (view = toVnfdView(model as Vnfd)));
    const flavours = [...view.flavours].sort((a, b) => Number(b.flavourId === flavourId) - Number(a.flavourId === flavourId));
    const vdu = flavours.flatMap((f) => f.vdus).find((v) => v.id === vduId);
    return vdu ? vduResources(vdu) : ZERO;
  };
}

export async function usageByVim(q: Queryable): Promise<Map<string, Resources>> {
  const counts = await vnfcCounts(q);
  const compute = vduCompute(await vnfdModels(q, [...new Set(counts.map((c) => c.pkgId).filter(Boolean))]));
  const out = new Map<string, Resources>();
  for (const c of counts) out.set(c.vimId, addResources(out.get(c.vimId) ?? ZERO, compute(c.pkgId, c.vduId, c.flavourId), c.n));
  for (const r of await inflightReservations(q)) out.set(r.vimId, addResources(out.get(r.vimId) ?? ZERO, r.requirements ?? {}));
  return out;
}
