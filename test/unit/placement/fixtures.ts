import type { Candidate, Demand } from '../../../src/placement/model.js';

// Small builders for solver tests: every field explicit in one place, overridable per test.

export function cand(id: string, over: Partial<Candidate> & { vcpu?: number; usedVcpu?: number } = {}): Candidate {
  const { vcpu = 16, usedVcpu = 0, ...rest } = over;
  return {
    id,
    cloudOwner: 'owner',
    cloudRegionId: id,
    identifierType: 'cloudRegionId',
    lat: 32.9,
    lon: -97.0,
    capacity: { total: { vcpu, memoryMb: 65536, storageGb: 1000 }, used: { vcpu: usedVcpu, memoryMb: 0, storageGb: 0 } },
    features: [],
    cost: {},
    attributes: {},
    ...rest,
  };
}

export function demand(id: string, over: Partial<Demand> & { vcpu?: number } = {}): Demand {
  const { vcpu = 2, ...rest } = over;
  return { id, serviceResourceId: `${id}-sr`, requirements: { vcpu, memoryMb: 1024, storageGb: 10 }, ...rest };
}

export const DALLAS = { lat: 32.89748, lon: -97.040443 };
