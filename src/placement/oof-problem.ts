import type { Queryable } from '../store/db.js';
import type { Inventory } from './inventory.js';
import type { VimView } from './inventory-schema.js';
import type { LicensePools } from './license-pools.js';
import type { Demand, LicenseDemand, PlacementProblem } from './model.js';
import { CandidateResolver, type NamedVia } from './oof-candidates.js';
import type { OofPlacementDemand, OofPlacementRequest } from './oof-request.js';
import type { Policies } from './policies.js';
import { policyEffects, type AppliedPolicy, type DemandEffects } from './policy-effects.js';

// An OOF request + the inventory + the policies that apply → one solver problem. The same
// function checks a request at acceptance (its errors are the 400's) and builds the problem
// when the request is solved (the inventory may have changed in between).

export interface BuildDeps {
  inventory: Inventory;
  policies: Policies;
  licenses: LicensePools;
}

export interface BuiltProblem {
  problem: PlacementProblem;
  records: Map<string, VimView>;
  /** Per demand: how its kept existing placement was named in the request. */
  existingVia: Map<string, NamedVia>;
  applied: AppliedPolicy[];
  notes: string[];
}

export interface BuildOptions {
  rehomeThreshold: number;
  timeoutMs: number;
  /** Skip the licence pools and usage (acceptance only checks names and references). */
  checkOnly?: boolean;
}

const sets = (lists: Set<string>[]) => lists.reduce((acc, s) => new Set([...acc].filter((x) => s.has(x))));

function demandOf(d: OofPlacementDemand, e: DemandEffects, resolver: CandidateResolver, errors: string[], notes: string[], existingVia: Map<string, NamedVia>): Demand {
  const name = d.resourceModuleName;
  const demand: Demand = { id: name, serviceResourceId: d.serviceResourceId, requirements: e.requirements ?? { vcpu: 0, memoryMb: 0, storageGb: 0 } };
  const reqLists: Set<string>[] = [];
  if (d.requiredCandidates?.length) {
    const r = resolver.resolveAll(d.requiredCandidates);
    if (r.missing.length) errors.push(`placementDemands ${name}: requiredCandidates ${r.missing.join(', ')} do not exist in the inventory`);
    reqLists.push(r.ids);
  }
  if (e.required.length) reqLists.push(resolver.resolveAll(e.required).ids);
  const excludedByRequest = resolver.resolveAll(d.excludedCandidates ?? []).ids;
  const excludedByPolicy = resolver.resolveAll(e.excluded).ids;
  if (reqLists.length) {
    const required = sets(reqLists);
    demand.requiredCandidates = [...required].sort();
    const clash = demand.requiredCandidates.filter((id) => excludedByRequest.has(id) || excludedByPolicy.has(id));
    if (clash.length) errors.push(`placementDemands ${name}: required candidate(s) ${clash.join(', ')} are also excluded${clash.some((c) => excludedByPolicy.has(c)) ? ' (by a CandidatePolicy)' : ''}`);
  }
  const excluded = new Set([...excludedByRequest, ...excludedByPolicy]);
  if (excluded.size) demand.excludedCandidates = [...excluded].sort();
  for (const ref of d.existingCandidates ?? []) {
    const r = resolver.resolve(ref);
    const id = [...r.ids][0];
    if (id !== undefined) {
      demand.existingCandidate = id;
      existingVia.set(name, r.via.get(id)!);
      break;
    }
    notes.push(`${name}: existing candidate ${ref.identifiers.join(', ')} (${ref.identifierType}) is not in the inventory; placed as new`);
  }
  if (e.features.length) demand.requiredFeatures = [...new Set(e.features)];
  if (e.attributeMatch.length) demand.attributeMatch = e.attributeMatch;
  if (e.maxDistanceKm) demand.maxDistanceKm = e.maxDistanceKm;
  if (e.weight !== undefined) demand.weight = e.weight;
  return demand;
}

function licenseDemands(req: OofPlacementRequest): LicenseDemand[] {
  return (req.licenseInfo?.licenseDemands ?? []).map((l) => {
    const d: LicenseDemand = { id: l.resourceModuleName, serviceResourceId: l.serviceResourceId, modelInvariantId: l.resourceModelInfo.modelInvariantId, modelVersionId: l.resourceModelInfo.modelVersionId };
    const ex = l.existingLicenses;
    if (ex && (ex.entitlementPoolUUID?.length || ex.licenseKeyGroupUUID?.length)) d.existingLicenses = { entitlementPoolUuids: ex.entitlementPoolUUID ?? [], licenseKeyGroupUuids: ex.licenseKeyGroupUUID ?? [] };
    return d;
  });
}

/** The problem, or the reasons the request cannot be solved as written. */
export async function buildOofProblem(q: Queryable, deps: BuildDeps, req: OofPlacementRequest, opts: BuildOptions): Promise<{ built?: BuiltProblem; errors: string[] }> {
  const errors: string[] = [];
  const notes: string[] = [];
  const demands = req.placementInfo.placementDemands ?? [];
  const effects = policyEffects(await deps.policies.forService(q, req.serviceInfo.serviceName), {
    serviceName: req.serviceInfo.serviceName,
    demands: demands.map((d) => d.resourceModuleName),
    requestParameters: req.placementInfo.requestParameters ?? {},
  });
  errors.push(...effects.errors);
  const refs = demands.flatMap((d) => [...(d.requiredCandidates ?? []), ...(d.excludedCandidates ?? []), ...(d.existingCandidates ?? [])]);
  for (const e of effects.perDemand.values()) refs.push(...e.required, ...e.excluded);
  // Acceptance needs the inventory only to resolve candidate references.
  if (opts.checkOnly && refs.length === 0) return { errors };
  const inventory = await deps.inventory.candidates(q, { usage: !opts.checkOnly });
  const records = new Map(inventory.map((c) => [c.record.id, c.record]));
  const resolver = await CandidateResolver.load(q, [...records.values()], refs);
  const existingVia = new Map<string, NamedVia>();
  const solverDemands = demands.map((d) => demandOf(d, effects.perDemand.get(d.resourceModuleName)!, resolver, errors, notes, existingVia));
  if (errors.length > 0 || opts.checkOnly) return { errors };
  const lic = licenseDemands(req);
  const problem: PlacementProblem = {
    candidates: inventory.map((c) => c.candidate),
    demands: solverDemands,
    ...effects.coupling,
    objective: effects.objective,
    numSolutions: req.requestInfo.numSolutions ?? effects.numSolutions ?? 1,
    timeoutMs: opts.timeoutMs,
    rehome: { allowed: req.requestInfo.requestType === 'update', improvementThreshold: effects.rehomeThreshold ?? opts.rehomeThreshold },
  };
  if (lic.length > 0) {
    problem.licenseDemands = lic;
    problem.licensePools = await deps.licenses.forSolve(q, { serviceInstanceId: req.serviceInfo.serviceInstanceId, serviceResourceIds: lic.map((l) => l.serviceResourceId) });
  }
  return { built: { problem, records, existingVia, applied: effects.applied, notes }, errors };
}
