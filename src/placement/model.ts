// Typed input and output of the homing solver, independent of OOF's wire format.
// The OOF API layer (seed 002) maps placementDemands / licenseDemands / policies onto these;
// the vocabulary (identifierType, cloudOwner, cloudRegionId, isRehome) is kept so the
// callback body can be built from a result without lookups.

export type IdentifierType = 'cloudRegionId' | 'vimId' | 'serviceInstanceId' | 'vnfName' | 'vmId';
export const IDENTIFIER_TYPES: readonly IdentifierType[] = ['cloudRegionId', 'vimId', 'serviceInstanceId', 'vnfName', 'vmId'];

export interface Resources {
  vcpu: number;
  memoryMb: number;
  storageGb: number;
}

export type Scalar = string | number | boolean;

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface Candidate extends GeoPoint {
  id: string;
  cloudOwner: string;
  cloudRegionId: string;
  identifierType: IdentifierType;
  /** Availability zone; a candidate without one is its own zone for diversity and affinity. */
  zone?: string;
  /** CLLI / complex name; a candidate without one is its own complex. */
  complex?: string;
  /** `used` must include what existing placements of the demands being re-homed consume. */
  capacity: { total: Resources; used: Resources };
  /** HPA-style hardware features, e.g. 'sriov', 'gpu', 'cpu-pinning'. */
  features: string[];
  cost: { perVcpu?: number; perMemoryGb?: number; perStorageGb?: number; fixed?: number };
  attributes: Record<string, Scalar>;
}

export type AttributeOp = 'eq' | 'neq' | 'in' | 'nin' | 'lt' | 'lte' | 'gt' | 'gte' | 'exists';
export const ATTRIBUTE_OPS: readonly AttributeOp[] = ['eq', 'neq', 'in', 'nin', 'lt', 'lte', 'gt', 'gte', 'exists'];

export interface AttributeMatch {
  key: string;
  op: AttributeOp;
  /** An array for 'in' / 'nin'; ignored by 'exists'. */
  value?: Scalar | Scalar[];
}

export interface Demand {
  /** OOF resourceModuleName. */
  id: string;
  serviceResourceId: string;
  requirements: Resources;
  requiredFeatures?: string[];
  /** Candidate ids; when present only these survive. */
  requiredCandidates?: string[];
  excludedCandidates?: string[];
  /** Candidate id of the current placement (OOF existingCandidates). */
  existingCandidate?: string;
  attributeMatch?: AttributeMatch[];
  /** HAS distance_to_location: distance from {lat, lon} must be ≤ km. */
  maxDistanceKm?: GeoPoint & { km: number };
  /** Multiplies this demand's objective terms (HAS `product: [weight, distance_between]`); default 1. */
  weight?: number;
}

export type Level = 'zone' | 'complex' | 'region';
export type AffinityLevel = Level | 'candidate';

export interface ObjectiveSpec {
  /** Without `weights` the objective is distance only ({distance: 1}); a weight left out of `weights` is 0. */
  weights?: { distance?: number; cost?: number; load?: number };
  /** Customer location the distance term is measured from (HAS customer_loc). */
  location?: GeoPoint;
}

export interface LicensePool {
  id: string;
  entitlementPoolUuids: string[];
  licenseKeyGroupUuids: string[];
  entitlementPoolInvariantUuids?: string[];
  licenseKeyGroupInvariantUuids?: string[];
  modelInvariantId: string;
  /** Absent: the pool serves every version of the model. */
  modelVersionId?: string;
  capacity: number;
  used: number;
  /** cloudRegionIds where the entitlement may be used; absent: anywhere. */
  allowedRegions?: string[];
}

export interface LicenseDemand {
  /** resourceModuleName; when a placement demand has the same id, its region must be allowed. */
  id: string;
  serviceResourceId: string;
  modelInvariantId: string;
  modelVersionId: string;
  existingLicenses?: { entitlementPoolUuids: string[]; licenseKeyGroupUuids: string[] };
}

export interface PlacementProblem {
  candidates: Candidate[];
  demands: Demand[];
  /** At most one demand of the group per zone / complex / region. */
  zoneDiversity?: { demands: string[]; level: Level }[];
  /** All demands of the group on the same candidate (default) or in the same zone/complex/region. */
  affinity?: { demands: string[]; level?: AffinityLevel }[];
  /** No two demands of the group on the same candidate. */
  antiAffinity?: { demands: string[] }[];
  objective?: ObjectiveSpec;
  /** Distinct solutions wanted, best first; default 1. */
  numSolutions?: number;
  /** Wall-clock budget for the whole solve; default 60 000 ms. */
  timeoutMs?: number;
  /**
   * Existing placements are kept unless `allowed` and moving improves the objective by more than
   * `improvementThreshold` (objective units): the threshold is a migration cost per moved demand.
   */
  rehome?: { allowed: boolean; improvementThreshold: number };
  licensePools?: LicensePool[];
  licenseDemands?: LicenseDemand[];
  /** Solver tuning: largest model (binaries) handed to HiGHS whole; default 200 000. */
  limits?: { milpMaxBinaries?: number };
}

// ---- result ----

export interface ObjectiveTerms {
  /** Great-circle km from the objective location; absent when there is none. */
  distanceKm?: number;
  /** Candidate cost of hosting the demand (fixed + per-unit prices). */
  cost: number;
  /** Utilisation after placement: max over vCPU and memory of (used + requirement) / total. */
  load: number;
  /** Migration cost (the rehome threshold) when the demand leaves its existing candidate. */
  migration: number;
  /** weight × (w_distance·distanceKm + w_cost·cost + w_load·load) + migration. */
  total: number;
}

export interface Assignment {
  demandId: string;
  serviceResourceId: string;
  candidateId: string;
  identifierType: IdentifierType;
  cloudOwner: string;
  cloudRegionId: string;
  isRehome: boolean;
  objectiveTerms: ObjectiveTerms;
}

export interface Solution {
  assignments: Assignment[];
  objective: number;
}

export interface LicenseSolution {
  demandId: string;
  serviceResourceId: string;
  poolId: string;
  entitlementPoolUuids: string[];
  licenseKeyGroupUuids: string[];
  entitlementPoolInvariantUuids: string[];
  licenseKeyGroupInvariantUuids: string[];
  /** The demand's existingLicenses were still valid and kept. */
  kept: boolean;
}

export type RejectKind =
  | 'excluded'
  | 'not-required'
  | 'distance'
  | 'vcpu'
  | 'memory'
  | 'storage'
  | 'feature'
  | 'attribute'
  | 'license-region'
  | 'pinned';

export interface DemandExplanation {
  demandId: string;
  candidates: number;
  feasible: number;
  /** First failing unary constraint per rejected candidate, in candidate-id order, capped. */
  rejected: { candidateId: string; kind: RejectKind; reason: string }[];
  rejectedCounts: Partial<Record<RejectKind, number>>;
  chosen?: { candidateId: string; terms: ObjectiveTerms };
  /** Cheaper feasible candidates the chosen solution could not use, and why (capped). */
  passedOver: { candidateId: string; total: number; reason: string }[];
  notes: string[];
}

export interface Infeasibility {
  demandId?: string;
  demandIds?: string[];
  constraint: string;
  detail: string;
}

export type PlacementStatus = 'optimal' | 'feasible' | 'infeasible' | 'unknown';
export type SolveMethod = 'uncoupled-argmin' | 'milp' | 'restricted-milp' | 'greedy+local-search' | 'none';

export interface PlacementResult {
  /** 'unknown': no feasible assignment found within the budget, and infeasibility not proven. */
  status: PlacementStatus;
  solutions: Solution[];
  /** Relative gap (objective − lower bound) / max(|objective|, 1) of the first solution. */
  gap?: number;
  licenseSolutions: LicenseSolution[];
  explanation: { perDemand: DemandExplanation[] };
  infeasibility?: Infeasibility[];
  stats: {
    candidates: number;
    demands: number;
    /** Feasible (demand, candidate) pairs, i.e. the binaries of the full assignment model. */
    binaries: number;
    method: SolveMethod;
    lowerBound?: number;
    boundSource?: 'exact' | 'milp' | 'restricted-milp+pricing' | 'per-demand-minima';
    filterMs: number;
    solveMs: number;
    totalMs: number;
  };
}
