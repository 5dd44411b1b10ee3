import { solvePlacement } from '../placement/index.js';
import type { Candidate, Demand, PlacementProblem, PlacementResult } from '../placement/index.js';
import { Unprocessable } from '../errors.js';
import { parseCoordinates } from './validate.js';
import type { NodeKpi } from './kpi.js';

// Dynamic host selection (the seed's "Placement" box, never built by EdgeGallery): when a create
// names no host, the homing engine chooses among the tenant's MEC hosts. Each host is a
// placement candidate: its capacity from its AppLCM's node KPI (cores, memory), its features from
// the registered hardware capabilities and affinity, its position from the registered
// coordinates. vCPUs are reserved by the MEC instances placed there (CPU is shared, so its
// momentary busy share — measured, and bursty — is not a capacity: it is the candidate's cost,
// so idle hosts are preferred); memory in use is measured (MemTotal − MemAvailable).

export interface HostOption {
  hostId: string;
  hostIp: string;
  doc: Record<string, unknown>;
  /** Live figures from the AppLCM; absent when it could not be asked (the host is excluded). */
  kpi?: NodeKpi;
  unavailable?: string;
  /** vCPUs the MEC instances already on this host asked for. */
  allocatedVcpu: number;
  /** Dependencies of the app are Instantiated on this host (or the app has none). */
  dependenciesMet: boolean;
}

export interface SelectionRequest {
  appInstanceId: string;
  /** Sum over the AppD's VDUs of virtual compute × initial instances. */
  requirements: { vcpu: number; memoryMb: number };
  hwCapabilities?: string[];
  affinity?: string;
  location?: { latitude: number; longitude: number; radiusKm?: number };
}

const MB = 1024 * 1024;
const featureOf = (hwType: string) => `hw:${hwType.toLowerCase()}`;
const affinityFeature = (a: string) => `affinity:${a.trim().toLowerCase()}`;

export function toCandidate(h: HostOption): Candidate {
  const kpi = h.kpi!;
  const pos = typeof h.doc.coordinates === 'string' ? parseCoordinates(h.doc.coordinates) : undefined;
  const caps = (h.doc.hwcapabilities as { hwType: string }[] | undefined) ?? [];
  const affinities = String(h.doc.affinity ?? '').split(',').filter((a) => a.trim() !== '');
  return {
    id: h.hostId,
    cloudOwner: 'mec',
    cloudRegionId: h.hostIp,
    identifierType: 'vimId',
    lat: pos?.lat ?? 0,
    lon: pos?.lon ?? 0,
    capacity: {
      total: { vcpu: kpi.cpu.cores, memoryMb: Math.floor(kpi.memory.totalBytes / MB), storageGb: 1_000_000 },
      used: { vcpu: h.allocatedVcpu, memoryMb: Math.ceil((kpi.memory.totalBytes - kpi.memory.availableBytes) / MB), storageGb: 0 },
    },
    features: [...caps.map((c) => featureOf(c.hwType)), ...affinities.map(affinityFeature)],
    cost: { fixed: round(kpi.cpu.usedPercent / 100) },
    attributes: { hasLocation: pos !== undefined, city: String(h.doc.city ?? ''), vim: String(h.doc.vim ?? '') },
  };
}

export function buildProblem(options: HostOption[], req: SelectionRequest): PlacementProblem {
  const usable = options.filter((o) => o.kpi);
  const demand: Demand = {
    id: 'app',
    serviceResourceId: req.appInstanceId,
    requirements: { vcpu: req.requirements.vcpu, memoryMb: req.requirements.memoryMb, storageGb: 0 },
    requiredFeatures: [...(req.hwCapabilities ?? []).map(featureOf), ...(req.affinity ? [affinityFeature(req.affinity)] : [])],
    excludedCandidates: usable.filter((o) => !o.dependenciesMet).map((o) => o.hostId),
  };
  const loc = req.location;
  if (loc) {
    demand.attributeMatch = [{ key: 'hasLocation', op: 'eq', value: true }];
    if (loc.radiusKm !== undefined) demand.maxDistanceKm = { lat: loc.latitude, lon: loc.longitude, km: loc.radiusKm };
  }
  return {
    candidates: usable.map(toCandidate),
    demands: [demand],
    // Load (reserved vCPU / measured memory after placement) and cost (CPU busy share) are 0..1,
    // distance is km: with a location, 1 % of either weighs 1 km.
    objective: loc ? { weights: { distance: 1, load: 100, cost: 100 }, location: { lat: loc.latitude, lon: loc.longitude } } : { weights: { load: 1, cost: 1 } },
    timeoutMs: 5000,
  };
}

export interface Selection {
  hostId: string;
  hostIp: string;
  explanation: Record<string, unknown>;
}

/** Chooses a host, or throws 422 with why no host fits (every rejection listed). */
export async function selectHost(options: HostOption[], req: SelectionRequest): Promise<Selection> {
  if (options.length === 0) throw new Unprocessable('No mecHost was given and the tenant has no MEC host with an AppLCM to choose from.', 'MEC_NO_HOST');
  const problem = buildProblem(options, req);
  const ipOf = new Map(options.map((o) => [o.hostId, o.hostIp]));
  const unavailable = options.filter((o) => !o.kpi).map((o) => ({ hostIp: o.hostIp, reason: o.unavailable ?? 'no node KPI' }));
  const result: PlacementResult = problem.candidates.length ? await solvePlacement(problem) : { status: 'infeasible', solutions: [], licenseSolutions: [], explanation: { perDemand: [] }, stats: { candidates: 0, demands: 1, binaries: 0, method: 'none', filterMs: 0, solveMs: 0, totalMs: 0 } };
  const per = result.explanation.perDemand[0];
  const rejected = (per?.rejected ?? []).map((r) => ({ hostIp: ipOf.get(r.candidateId), kind: r.kind, reason: r.reason }));
  const explanation: Record<string, unknown> = {
    method: 'placement',
    status: result.status,
    requirements: problem.demands[0].requirements,
    requiredFeatures: problem.demands[0].requiredFeatures,
    ...(req.location ? { location: req.location } : {}),
    candidates: problem.candidates.map((c) => ({
      hostIp: c.cloudRegionId,
      reservedVcpu: c.capacity.used.vcpu,
      cores: c.capacity.total.vcpu,
      memoryUsed: round(c.capacity.used.memoryMb / c.capacity.total.memoryMb),
      cpuBusy: c.cost.fixed,
    })),
    rejected,
    unavailable,
    notes: per?.notes ?? [],
  };
  const chosen = result.solutions[0]?.assignments[0];
  if (!chosen) {
    const why = [...rejected.map((r) => `${r.hostIp}: ${r.reason}`), ...unavailable.map((u) => `${u.hostIp}: ${u.reason}`), ...(result.infeasibility ?? []).map((i) => i.detail)];
    throw new Unprocessable(`No MEC host fits the app instance: ${why.join('; ') || 'no candidate'}.`, 'MEC_NO_HOST_FITS', { hostSelection: explanation });
  }
  explanation.chosen = { hostIp: ipOf.get(chosen.candidateId), terms: chosen.objectiveTerms };
  return { hostId: chosen.candidateId, hostIp: ipOf.get(chosen.candidateId)!, explanation };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
