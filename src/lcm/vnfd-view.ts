import type { Vnfd } from '../packages/vnfd/model.js';

// The part of a VNFD the lifecycle engine works with, per deployment flavour. Built from the
// SOL001 model at onboarding (packages) and stored with the package, so an operation never
// re-parses a CSAR.

export interface VduView {
  id: string;
  name: string;
  minInstances: number;
  maxInstances: number;
  /** instances when the flavour has no instantiation levels (VduInitialDelta) */
  initialInstances?: number;
  /** CSAR entry path of the software image artifact the local driver runs, if any. */
  artifact?: string;
  compute?: { numVirtualCpu?: number; virtualMemSizeMb?: number; virtualDiskSizeGb?: number };
  /** connection points: internal VL (vlId) or external (extCpId) */
  cps: { cpdId: string; vlId?: string; extCpId?: string }[];
}

export interface FlavourView {
  flavourId: string;
  vdus: VduView[];
  virtualLinks: { id: string; cidr?: string }[];
  extCps: { id: string; vduCpId?: string; vduId?: string; vlId?: string }[];
  instantiationLevels: { id: string; vduInstances: Record<string, number>; aspectLevels: Record<string, number> }[];
  defaultInstantiationLevelId?: string;
  aspects: { id: string; name?: string; maxScaleLevel: number; /** per step (index 0 = level 1): vduId → delta */ stepDeltas: Record<string, number>[] }[];
}

export interface VnfdView {
  vnfdId: string;
  provider: string;
  productName: string;
  softwareVersion: string;
  descriptorVersion: string;
  defaultFlavourId?: string;
  flavours: FlavourView[];
}

export function flavourOf(vnfd: VnfdView, flavourId: string): FlavourView | undefined {
  return vnfd.flavours.find((f) => f.flavourId === flavourId);
}

/** VNFC count per VDU for an instantiation level (or the default level, or each VDU's minimum). */
export function vduCountsFor(f: FlavourView, levelId?: string): Record<string, number> {
  const id = levelId ?? f.defaultInstantiationLevelId;
  const level = id ? f.instantiationLevels.find((l) => l.id === id) : undefined;
  const out: Record<string, number> = {};
  for (const vdu of f.vdus) out[vdu.id] = level?.vduInstances[vdu.id] ?? vdu.initialInstances ?? vdu.minInstances;
  return out;
}

/** The aspect levels an instantiation level starts at (0 for aspects it does not name). */
export function aspectLevelsFor(f: FlavourView, levelId?: string): Record<string, number> {
  const id = levelId ?? f.defaultInstantiationLevelId;
  const level = id ? f.instantiationLevels.find((l) => l.id === id) : undefined;
  const out: Record<string, number> = {};
  for (const a of f.aspects) out[a.id] = level?.aspectLevels[a.id] ?? 0;
  return out;
}

/** VNFC count change per VDU when moving an aspect from level `from` to level `to`. */
export function scaleDeltas(aspect: FlavourView['aspects'][number], from: number, to: number): Record<string, number> {
  const out: Record<string, number> = {};
  const [lo, hi, sign] = from < to ? [from, to, 1] : [to, from, -1];
  for (let step = lo; step < hi; step++) {
    const d = aspect.stepDeltas[step] ?? aspect.stepDeltas[aspect.stepDeltas.length - 1] ?? {};
    for (const [vdu, n] of Object.entries(d)) out[vdu] = (out[vdu] ?? 0) + sign * n;
  }
  return out;
}

/** The engine's view of a parsed SOL001 VNFD (computed once at onboarding). */
export function toVnfdView(v: Vnfd): VnfdView {
  return {
    vnfdId: v.descriptorId,
    provider: v.provider,
    productName: v.productName,
    softwareVersion: v.softwareVersion,
    descriptorVersion: v.descriptorVersion,
    defaultFlavourId: v.defaultFlavourId,
    flavours: Object.values(v.flavours).map((f) => {
      const cpsOf = (vduId: string) =>
        Object.values(f.vduCps)
          .filter((cp) => cp.vduId === vduId)
          .sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.id.localeCompare(b.id))
          .map((cp) => {
            const ext = Object.values(f.extCps).find((e) => e.vduCpId === cp.id);
            return { cpdId: cp.id, ...(cp.virtualLinkId ? { vlId: cp.virtualLinkId } : {}), ...(ext ? { extCpId: ext.id } : {}) };
          });
      return {
        flavourId: f.flavourId,
        vdus: Object.values(f.vdus).map((d) => ({
          id: d.id,
          name: d.name,
          minInstances: d.vduProfile.minNumberOfInstances,
          maxInstances: d.vduProfile.maxNumberOfInstances,
          ...(f.vduInitialDeltas[d.id] !== undefined ? { initialInstances: f.vduInitialDeltas[d.id] } : {}),
          ...(d.swImage?.artifactPath ? { artifact: d.swImage.artifactPath } : {}),
          ...(d.virtualCompute
            ? { compute: { numVirtualCpu: d.virtualCompute.numVirtualCpu, virtualMemSizeMb: d.virtualCompute.virtualMemSizeMb, virtualDiskSizeGb: d.virtualCompute.virtualLocalStorageGb.reduce((a, b) => a + b, 0) } }
            : {}),
          cps: cpsOf(d.id),
        })),
        virtualLinks: Object.values(f.virtualLinks).map((vl) => {
          const l3 = vl.protocols.find((p) => p.l3ProtocolData?.ipVersion === 'ipv4')?.l3ProtocolData;
          return { id: vl.id, ...(l3 ? { cidr: l3.cidr } : {}) };
        }),
        extCps: Object.values(f.extCps).map((e) => {
          const vduCp = e.vduCpId ? f.vduCps[e.vduCpId] : undefined;
          return { id: e.id, ...(e.vduCpId ? { vduCpId: e.vduCpId } : {}), ...(vduCp ? { vduId: vduCp.vduId } : {}), ...(e.internalVirtualLinkId ? { vlId: e.internalVirtualLinkId } : {}) };
        }),
        instantiationLevels: Object.values(f.instantiationLevels).map((l) => ({ id: l.id, vduInstances: l.vduLevels, aspectLevels: l.scaleInfo })),
        ...(f.defaultInstantiationLevelId ? { defaultInstantiationLevelId: f.defaultInstantiationLevelId } : {}),
        aspects: Object.values(f.scalingAspects).map((a) => ({
          id: a.id,
          name: a.name,
          maxScaleLevel: a.maxScaleLevel,
          stepDeltas: a.stepDeltas.map((deltaId) => f.vduScalingAspectDeltas[a.id]?.[deltaId] ?? {}),
        })),
      };
    }),
  };
}
