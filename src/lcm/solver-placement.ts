import { Unprocessable } from '../errors.js';
import type { Queryable } from '../store/db.js';
import type { Inventory } from '../placement/inventory.js';
import type { Policies } from '../placement/policies.js';
import type { Demand, PlacementProblem, PlacementResult, Resources } from '../placement/index.js';
import { policyEffects } from '../placement/policy-effects.js';
import { CandidateResolver } from '../placement/oof-candidates.js';
import { describeExplanation, humanise } from '../placement/oof-response.js';
import { addResources, vduResources, ZERO } from '../placement/usage.js';
import { SUPPORTED_VIM_TYPES } from './validate.js';
import { flavourOf } from './vnfd-view.js';
import type { PlacementHook } from './ports.js';

// The homing engine behind an instantiation that names no VIM (DESIGN.md "Placement"): one
// demand — the VNFD's compute, Σ over VDUs of virtual compute × instances — over the VIMs whose
// type the engine runs, under the placement policies of the VNF. Names: the VNFD's productName is
// the resource module name; the service name is the instance's metadata.serviceName, else the
// productName; the instance's metadata are the requestParameters (e.g. customerLatitude).
// The decision and its explanation are recorded on the op occurrence as `placement`.

export interface SolverPlacementDeps {
  db: Queryable;
  inventory: Inventory;
  policies: Policies;
  solve(problem: PlacementProblem): Promise<PlacementResult>;
  /** VIM types a VNF may be placed on (default: the types the engine has handlers for). */
  vimTypes?: ReadonlySet<string>;
  timeoutMs?: number;
}

const fmt = (r: Resources) => `${r.vcpu} vCPU, ${r.memoryMb} MB memory, ${r.storageGb} GB storage`;

export function solverPlacement(deps: SolverPlacementDeps): PlacementHook {
  return {
    async choose({ instance, vnfd, flavourId, vduInstances }) {
      const flavour = flavourOf(vnfd, flavourId);
      let needs = ZERO;
      for (const vdu of flavour?.vdus ?? []) needs = addResources(needs, vduResources(vdu), vduInstances[vdu.id] ?? 0);
      const inventory = await deps.inventory.candidates(deps.db, { kinds: ['vim'], vimTypes: deps.vimTypes ?? SUPPORTED_VIM_TYPES });
      if (inventory.length === 0) throw new Unprocessable('No VIM was named and the inventory has no VIM of a type mecano can instantiate on.', 'NO_VIM');
      const resource = vnfd.productName;
      const params = (instance.metadata ?? {}) as Record<string, unknown>;
      const serviceName = typeof params.serviceName === 'string' ? params.serviceName : resource;
      const effects = policyEffects(await deps.policies.forService(deps.db, serviceName), { serviceName, demands: [resource], requestParameters: params });
      if (effects.errors.length > 0) throw new Unprocessable(`Placement policies cannot be applied: ${effects.errors.join('; ')}.`, 'PLACEMENT_POLICY_INPUT');
      const e = effects.perDemand.get(resource)!;
      // A VimFitPolicy can only raise what the VNFD says it needs.
      const requirements = e.requirements ? { vcpu: Math.max(needs.vcpu, e.requirements.vcpu), memoryMb: Math.max(needs.memoryMb, e.requirements.memoryMb), storageGb: Math.max(needs.storageGb, e.requirements.storageGb) } : needs;
      const records = new Map(inventory.map((c) => [c.record.id, c.record]));
      const resolver = await CandidateResolver.load(deps.db, [...records.values()], [...e.required, ...e.excluded]);
      const demand: Demand = { id: resource, serviceResourceId: instance.id, requirements };
      if (e.required.length) demand.requiredCandidates = [...resolver.resolveAll(e.required).ids].sort();
      if (e.excluded.length) demand.excludedCandidates = [...resolver.resolveAll(e.excluded).ids].sort();
      if (e.features.length) demand.requiredFeatures = e.features;
      if (e.attributeMatch.length) demand.attributeMatch = e.attributeMatch;
      if (e.maxDistanceKm) demand.maxDistanceKm = e.maxDistanceKm;
      const problem: PlacementProblem = { candidates: inventory.map((c) => c.candidate), demands: [demand], objective: effects.objective, timeoutMs: deps.timeoutMs ?? 10_000 };
      const result = await deps.solve(problem);
      const per = describeExplanation(result.explanation.perDemand, records)[0] as Record<string, unknown> & { rejected: unknown[]; passedOver: unknown[]; notes: string[] };
      const chosen = result.solutions[0]?.assignments[0];
      const explanation: Record<string, unknown> = {
        method: 'placement',
        status: result.status,
        requirements,
        objective: effects.objective,
        candidates: inventory.length,
        ...(chosen ? { chosen: { vimId: chosen.candidateId, name: records.get(chosen.candidateId)!.name, cloudRegionId: chosen.cloudRegionId, terms: chosen.objectiveTerms } } : {}),
        rejected: per?.rejected ?? [],
        rejectedCounts: per?.rejectedCounts ?? {},
        passedOver: per?.passedOver ?? [],
        policies: effects.applied,
        notes: per?.notes ?? [],
      };
      if (!chosen) {
        const why = (result.infeasibility ?? []).map((i) => humanise(i.detail, records));
        throw new Unprocessable(`No VIM fits ${resource} (needs ${fmt(requirements)}): ${why.join('; ') || 'no candidate'}.`, 'NO_VIM_FITS', { placement: explanation });
      }
      return { vimId: chosen.candidateId, explanation };
    },
  };
}
