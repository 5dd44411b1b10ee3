import type { AttributeMatch, GeoPoint, Level, ObjectiveSpec, PlacementProblem, Resources } from './model.js';
import type { CandidateRef, PolicyDoc, PolicyProps, PolicyType } from './policy-schema.js';

// Turns the policies that apply to one request into solver constraints. Scope: a policy applies
// to a demand when its `services` is empty or names the service and its `resources` is empty or
// names the demand (case-insensitive, as OSDF compares names). Kinds that hold one value per
// demand (distance, vim fit, optimization) take the most specific policy (resources > services
// > unscoped), then the highest priority, then the first name; the others all apply together.
// (OSDF keeps "the first" of a group in PDP order, which is not deterministic.)

export interface PolicyContext {
  serviceName: string;
  /** resourceModuleName of each demand, in request order. */
  demands: string[];
  requestParameters: Record<string, unknown>;
}

export interface DemandEffects {
  requirements?: Resources;
  features: string[];
  attributeMatch: AttributeMatch[];
  maxDistanceKm?: GeoPoint & { km: number };
  required: CandidateRef[];
  excluded: CandidateRef[];
  weight?: number;
}

export interface AppliedPolicy {
  id: string;
  name: string;
  policyType: PolicyType;
  demands: string[];
  note?: string;
}

export interface PolicyEffects {
  perDemand: Map<string, DemandEffects>;
  coupling: Pick<Required<PlacementProblem>, 'zoneDiversity' | 'affinity' | 'antiAffinity'>;
  objective: ObjectiveSpec;
  numSolutions?: number;
  rehomeThreshold?: number;
  applied: AppliedPolicy[];
  /** Request fields a policy needs and the request lacks (the request is refused with them). */
  errors: string[];
}

const MI_KM = 1.609344;
const lower = (s: string) => s.toLowerCase();
const specificity = (p: PolicyDoc) => (p.scope.resources.length > 0 ? 2 : 0) + (p.scope.services.length > 0 ? 1 : 0);
const byPrecedence = (a: PolicyDoc, b: PolicyDoc) => specificity(b) - specificity(a) || b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function coordinate(params: Record<string, unknown>, key: string, max: number): number | undefined {
  const raw = params[key];
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= max ? n : undefined;
}

/** A policy's location: fixed, else the requestParameters fields it names (default customerLatitude/-Longitude). */
function locationOf(p: PolicyDoc, params: Record<string, unknown>, errors: string[], required: boolean): GeoPoint | undefined {
  const props = p.properties as { location?: { latitude: number; longitude: number }; latitudeParameter?: string; longitudeParameter?: string };
  if (props.location) return { lat: props.location.latitude, lon: props.location.longitude };
  const latKey = props.latitudeParameter ?? 'customerLatitude';
  const lonKey = props.longitudeParameter ?? 'customerLongitude';
  const lat = coordinate(params, latKey, 90);
  const lon = coordinate(params, lonKey, 180);
  if (lat !== undefined && lon !== undefined) return { lat, lon };
  if (required) {
    for (const [k, v, max] of [[latKey, lat, 90], [lonKey, lon, 180]] as const) {
      if (v === undefined) errors.push(`placementInfo.requestParameters.${k} is required by ${p.policyType} '${p.name}' (a number from -${max} to ${max})`);
    }
  }
  return undefined;
}

function emptyEffects(): DemandEffects {
  return { features: [], attributeMatch: [], required: [], excluded: [] };
}

export function policyEffects(policies: PolicyDoc[], ctx: PolicyContext): PolicyEffects {
  const canonical = new Map(ctx.demands.map((d) => [lower(d), d]));
  const perDemand = new Map(ctx.demands.map((d) => [d, emptyEffects()]));
  const out: PolicyEffects = { perDemand, coupling: { zoneDiversity: [], affinity: [], antiAffinity: [] }, objective: {}, applied: [], errors: [] };
  const inService = policies.filter((p) => p.scope.services.length === 0 || p.scope.services.some((s) => lower(s) === lower(ctx.serviceName)));
  const targets = (p: PolicyDoc) => (p.scope.resources.length === 0 ? ctx.demands : [...new Set(p.scope.resources.map((r) => canonical.get(lower(r))).filter((d): d is string => d !== undefined))]);
  const note = (p: PolicyDoc, demands: string[], extra?: string) => out.applied.push({ id: p.id, name: p.name, policyType: p.policyType, demands, ...(extra ? { note: extra } : {}) });

  // Single-valued kinds: per demand, the first policy in precedence order.
  for (const type of ['DistancePolicy', 'VimFitPolicy'] as const) {
    const ordered = inService.filter((p) => p.policyType === type).sort(byPrecedence);
    const won = new Map<PolicyDoc, string[]>();
    for (const d of ctx.demands) {
      const p = ordered.find((x) => targets(x).includes(d));
      if (p) won.set(p, [...(won.get(p) ?? []), d]);
    }
    for (const [p, demands] of won) {
      note(p, demands);
      if (type === 'DistancePolicy') applyDistance(p, demands, ctx, out);
      else for (const d of demands) perDemand.get(d)!.requirements = vimFit(p.properties as PolicyProps<'VimFitPolicy'>);
    }
  }
  for (const p of inService) {
    const demands = targets(p);
    if (p.policyType === 'AttributePolicy' || p.policyType === 'HpaPolicy' || p.policyType === 'CandidatePolicy') {
      if (demands.length === 0) continue;
      note(p, demands);
      for (const d of demands) addUnary(p, perDemand.get(d)!);
    } else if (p.policyType === 'AffinityPolicy') {
      if (demands.length < 2) {
        if (demands.length === 1) note(p, demands, `not applied: only ${demands[0]} of its resources is in the request`);
        continue;
      }
      note(p, demands);
      addCoupling(p.properties as PolicyProps<'AffinityPolicy'>, demands, out);
    }
  }
  applyOptimization(inService.filter((p) => p.policyType === 'OptimizationPolicy').sort(byPrecedence)[0], ctx, out);
  return out;
}

function applyDistance(p: PolicyDoc, demands: string[], ctx: PolicyContext, out: PolicyEffects): void {
  const props = p.properties as PolicyProps<'DistancePolicy'>;
  const at = locationOf(p, ctx.requestParameters, out.errors, true);
  if (!at) return;
  // '<' and '<=' are the same test on real-valued distances.
  const km = props.distance.unit === 'mi' ? props.distance.value * MI_KM : props.distance.value;
  for (const d of demands) {
    const e = out.perDemand.get(d)!;
    e.maxDistanceKm = { ...at, km };
    e.attributeMatch.push({ key: 'hasLocation', op: 'eq', value: true });
  }
}

function vimFit(props: PolicyProps<'VimFitPolicy'>): Resources {
  return { vcpu: props.vcpu ?? 0, memoryMb: props.memoryMb ?? 0, storageGb: props.storageGb ?? 0 };
}

function addUnary(p: PolicyDoc, e: DemandEffects): void {
  if (p.policyType === 'AttributePolicy') e.attributeMatch.push(...(p.properties as PolicyProps<'AttributePolicy'>).match.map((m) => ({ ...m }) as AttributeMatch));
  else if (p.policyType === 'HpaPolicy') e.features.push(...(p.properties as PolicyProps<'HpaPolicy'>).features.map(lower));
  else {
    const props = p.properties as PolicyProps<'CandidatePolicy'>;
    e.required.push(...(props.required ?? []));
    e.excluded.push(...(props.excluded ?? []));
  }
}

const LEVEL: Record<string, Level> = { zone: 'zone', disaster: 'zone', complex: 'complex', region: 'region' };

function addCoupling(props: PolicyProps<'AffinityPolicy'>, demands: string[], out: PolicyEffects): void {
  if (props.qualifier === 'same') out.coupling.affinity.push({ demands, level: props.category === 'candidate' ? 'candidate' : LEVEL[props.category] });
  else if (props.category === 'candidate') out.coupling.antiAffinity.push({ demands });
  else out.coupling.zoneDiversity.push({ demands, level: LEVEL[props.category] });
}

/** Without an OptimizationPolicy: distance from the customer when the request gives one, else load (spread). */
function applyOptimization(p: PolicyDoc | undefined, ctx: PolicyContext, out: PolicyEffects): void {
  if (!p) {
    const lat = coordinate(ctx.requestParameters, 'customerLatitude', 90);
    const lon = coordinate(ctx.requestParameters, 'customerLongitude', 180);
    out.objective = lat !== undefined && lon !== undefined ? { weights: { distance: 1 }, location: { lat, lon } } : { weights: { load: 1 } };
  } else {
    const props = p.properties as PolicyProps<'OptimizationPolicy'>;
    const weights = props.weights ?? { distance: 1 };
    const location = locationOf(p, ctx.requestParameters, out.errors, (weights.distance ?? 0) > 0);
    out.objective = { weights, ...(location ? { location } : {}) };
    for (const [name, w] of Object.entries(props.resourceWeights ?? {})) {
      const d = ctx.demands.find((x) => lower(x) === lower(name));
      if (d) out.perDemand.get(d)!.weight = w;
    }
    if (props.numSolutions !== undefined) out.numSolutions = props.numSolutions;
    if (props.rehomeThreshold !== undefined) out.rehomeThreshold = props.rehomeThreshold;
    out.applied.push({ id: p.id, name: p.name, policyType: p.policyType, demands: ctx.demands });
  }
  // A candidate without a location has no distance to measure: it cannot take part.
  if ((out.objective.weights?.distance ?? 0) > 0 && out.objective.location) {
    for (const e of out.perDemand.values()) if (!e.attributeMatch.some((m) => m.key === 'hasLocation')) e.attributeMatch.push({ key: 'hasLocation', op: 'eq', value: true });
  }
}
