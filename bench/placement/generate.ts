import type { Candidate, Demand, PlacementProblem } from '../../src/placement/model.js';

// Seeded instance generator for the placement benchmarks. Sites are spread over the continental
// US bounding box like the HAS measurement in the reference study (200 complexes, C candidates,
// distance_to_location < 1500 km from a customer location in Dallas, Σ weight × distance).

export const CUSTOMER = { lat: 32.89748, lon: -97.040443 }; // seed 002 requestParameters
export const SITES = 200;
export const SEED = 0x5eed_0002;

/** mulberry32: small, fast, good enough for instance generation; same seed → same instance. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sites(rand: () => number): { lat: number; lon: number }[] {
  return Array.from({ length: SITES }, () => ({ lat: 26 + rand() * 22, lon: -122 + rand() * 52 }));
}

function pad(n: number): string {
  return String(n).padStart(5, '0');
}

interface Shape {
  vcpu: [number, number];
  used: [number, number];
}

function candidates(rand: () => number, count: number, shape: Shape): Candidate[] {
  const at = sites(rand);
  return Array.from({ length: count }, (_, j) => {
    const s = j % SITES;
    const vcpu = shape.vcpu[0] + Math.floor(rand() * (shape.vcpu[1] - shape.vcpu[0] + 1));
    const used = Math.min(vcpu, shape.used[0] + Math.floor(rand() * (shape.used[1] - shape.used[0] + 1)));
    const features = [rand() < 0.5 ? 'sriov' : '', rand() < 0.1 ? 'gpu' : ''].filter(Boolean);
    return {
      id: `cr-${pad(j)}`,
      cloudOwner: 'owner-' + (j % 3),
      cloudRegionId: `cr-${pad(j)}`,
      identifierType: 'cloudRegionId',
      lat: at[s].lat,
      lon: at[s].lon,
      zone: `site-${s}-az${Math.floor(j / SITES) % 3}`,
      complex: `site-${s}`,
      capacity: { total: { vcpu, memoryMb: vcpu * 4096, storageGb: vcpu * 100 }, used: { vcpu: used, memoryMb: used * 4096, storageGb: used * 100 } },
      features,
      cost: { fixed: Math.round(rand() * 50), perVcpu: 1 + Math.round(rand() * 4) },
      attributes: { site_type: rand() < 0.8 ? 'core' : 'edge' },
    } satisfies Candidate;
  });
}

function demands(rand: () => number, count: number, vcpu: [number, number]): Demand[] {
  return Array.from({ length: count }, (_, k) => {
    const v = vcpu[0] + Math.floor(rand() * (vcpu[1] - vcpu[0] + 1));
    return {
      id: `vnf-${pad(k)}`,
      serviceResourceId: `sr-${pad(k)}`,
      requirements: { vcpu: v, memoryMb: v * 2048, storageGb: v * 20 },
      requiredFeatures: rand() < 0.2 ? ['sriov'] : [],
      maxDistanceKm: { ...CUSTOMER, km: 1500 },
      weight: 1 + Math.floor(rand() * 3),
    };
  });
}

/** HAS-shaped: no binding capacity, one distance constraint, Σ weight × (distance + site cost). */
export function hasShaped(D: number, C: number, seed = SEED): PlacementProblem {
  const rand = rng(seed ^ (D * 7919 + C));
  return {
    candidates: candidates(rand, C, { vcpu: [5000, 10000], used: [0, 100] }),
    demands: demands(rand, D, [2, 8]),
    objective: { weights: { distance: 1, cost: 1 }, location: CUSTOMER },
    timeoutMs: 60_000,
  };
}

/**
 * Coupled: candidates with 16–48 vCPU of which up to half is used, demands of 4–16 vCPU, zone
 * diversity within groups of 4 consecutive demands, anti-affinity between pairs, and a load term;
 * everyone wants the sites nearest Dallas, so the per-demand argmin overcommits them.
 */
export function coupled(D: number, C: number, timeoutMs: number, seed = SEED): PlacementProblem {
  const rand = rng(seed ^ (D * 104729 + C));
  const ds = demands(rand, D, [4, 16]);
  const zoneDiversity = [];
  for (let k = 0; k + 4 <= D; k += 8) zoneDiversity.push({ demands: ds.slice(k, k + 4).map((d) => d.id), level: 'zone' as const });
  const antiAffinity = [];
  for (let k = 4; k + 2 <= D; k += 8) antiAffinity.push({ demands: [ds[k].id, ds[k + 1].id] });
  return {
    candidates: candidates(rand, C, { vcpu: [16, 48], used: [0, 24] }),
    demands: ds,
    zoneDiversity,
    antiAffinity,
    objective: { weights: { distance: 1, cost: 1, load: 100 }, location: CUSTOMER },
    timeoutMs,
  };
}
