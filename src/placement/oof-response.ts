import type { VimView } from './inventory-schema.js';
import type { Assignment, DemandExplanation, LicenseSolution, PlacementResult } from './model.js';
import type { NamedVia } from './oof-candidates.js';

// Solver result → the seed's asynchronous answer: placementSolutions as one list per solution
// (OSDF flattens them all into one), licenseSolutions (OSDF never sends any), and for
// GET /api/oof/v1/placement/{id} the explanation with each candidate's region and name.

export interface OofPlacement {
  resourceModuleName: string;
  serviceResourceId: string;
  solution: { identifierType: string; cloudOwner: string; identifiers: string[] };
  assignmentInfo: { key: string; value: string }[];
}

export interface OofLicenseSolution {
  resourceModuleName: string;
  serviceResourceId: string;
  entitlementPoolUUID: string[];
  licenseKeyGroupUUID: string[];
  entitlementPoolInvariantUUID: string[];
  licenseKeyGroupInvariantUUID: string[];
}

export interface OofSolutions {
  placementSolutions: OofPlacement[][];
  licenseSolutions: OofLicenseSolution[];
}

function placement(a: Assignment, records: Map<string, VimView>, existingVia: Map<string, NamedVia>): OofPlacement {
  const r = records.get(a.candidateId);
  const kept = !a.isRehome ? existingVia.get(a.demandId) : undefined;
  const keptHere = kept !== undefined && r !== undefined;
  const info: [string, string | undefined][] = [
    ['cloudOwner', a.cloudOwner],
    ['cloudRegionId', a.cloudRegionId],
    ['vimId', a.candidateId],
    ['locationId', a.cloudRegionId],
    ['locationType', r?.kind === 'mec-host' ? 'mec-host' : 'cloud'],
    ['isRehome', a.isRehome ? 'True' : 'False'],
    ['cloudClli', r?.location?.clli],
    ['zone', r?.zone],
    ['vimType', r?.vimType],
    ['vnfHostName', keptHere ? kept.vnfHostName : undefined],
  ];
  return {
    resourceModuleName: a.demandId,
    serviceResourceId: a.serviceResourceId,
    // A kept placement named through a VNF is answered in the request's own terms (seed example).
    solution: keptHere && kept.vnfHostName !== undefined
      ? { identifierType: kept.identifierType, cloudOwner: a.cloudOwner, identifiers: [kept.identifier] }
      : { identifierType: a.identifierType, cloudOwner: a.cloudOwner, identifiers: [a.cloudRegionId] },
    assignmentInfo: info.filter((kv): kv is [string, string] => kv[1] !== undefined).map(([key, value]) => ({ key, value })),
  };
}

function license(l: LicenseSolution): OofLicenseSolution {
  return {
    resourceModuleName: l.demandId,
    serviceResourceId: l.serviceResourceId,
    entitlementPoolUUID: l.entitlementPoolUuids,
    licenseKeyGroupUUID: l.licenseKeyGroupUuids,
    entitlementPoolInvariantUUID: l.entitlementPoolInvariantUuids,
    licenseKeyGroupInvariantUUID: l.licenseKeyGroupInvariantUuids,
  };
}

export function toOofSolutions(result: PlacementResult, records: Map<string, VimView>, existingVia: Map<string, NamedVia>): OofSolutions {
  return {
    placementSolutions: result.solutions.map((s) => s.assignments.map((a) => placement(a, records, existingVia))),
    licenseSolutions: result.licenseSolutions.map(license),
  };
}

// The filter policy-effects.ts adds when distances are measured, said in words.
const NO_LOCATION_RAW = 'attribute hasLocation=false ≠ true';
const NO_LOCATION = 'no location recorded (a distance constraint or objective applies)';

/** The explanation with each candidate id completed by its region and name. */
export function describeExplanation(perDemand: DemandExplanation[], records: Map<string, VimView>): Record<string, unknown>[] {
  const named = <T extends { candidateId: string }>(x: T) => {
    const r = records.get(x.candidateId);
    return r ? { ...x, cloudOwner: r.cloudOwner, cloudRegionId: r.cloudRegionId, name: r.name } : x;
  };
  // A candidate without a location sits at (0, 0) for the solver: whichever of its distance or
  // hasLocation filters fails first, the reason is that it has no location.
  const located = (r: DemandExplanation['rejected'][number]) => {
    const unplaced = records.get(r.candidateId)?.location === undefined && (r.kind === 'distance' || r.reason === NO_LOCATION_RAW);
    return unplaced ? { ...r, reason: NO_LOCATION } : r;
  };
  return perDemand.map((d) => ({
    ...d,
    rejected: d.rejected.map((r) => named(located(r))),
    passedOver: d.passedOver.map(named),
    ...(d.chosen ? { chosen: named(d.chosen) } : {}),
  }));
}

const UUID_G = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Solver text with record ids replaced by record names. */
export function humanise(text: string, records: Map<string, VimView>): string {
  return text.replaceAll(NO_LOCATION_RAW, NO_LOCATION).replace(UUID_G, (id) => records.get(id)?.name ?? id);
}

/** One line for statusMessage: what was found, or why nothing was. */
export function statusMessage(result: PlacementResult, records: Map<string, VimView>): string {
  const n = result.solutions.length;
  if (n > 0) {
    const how = result.status === 'optimal' ? 'optimal' : `best found, gap ${((result.gap ?? 0) * 100).toFixed(2)} %`;
    return `${n} solution${n > 1 ? 's' : ''} (${how}; ${result.stats.method}, ${Math.round(result.stats.totalMs)} ms)`;
  }
  const why = (result.infeasibility ?? []).map((i) => `${i.demandId ?? i.demandIds?.join(', ') ?? i.constraint}: ${humanise(i.detail, records)}`);
  const verdict = result.status === 'infeasible' ? 'No solution exists' : 'No solution found within the time limit';
  return `${verdict}${why.length ? `: ${why.join('; ')}` : ''}`;
}
