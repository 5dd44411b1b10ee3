import { attributeFailure } from './attributes.js';
import type { Compiled } from './compile.js';
import type { Demand, RejectKind } from './model.js';
import type { PairInput } from './objective.js';

// Unary constraints per demand, cheapest first: set membership, one distance compare against a
// per-location array, capacity compares, a feature bitset AND, precomputed attribute columns,
// the licence region. A candidate is rejected by the first constraint it fails; the reason text
// (with the measured value) is only formatted for the first REJECTED_LIST_CAP rejections, the
// rest are counted. Demands with the same filter signature (requirements, features, lists,
// distance limit, attribute clauses, licence regions, existing placement) share one pass: a
// 1000-demand request usually has a handful of distinct VNF shapes. Objective coefficients are
// then one tight loop over the feasible pairs.

export const REJECT_KINDS: readonly RejectKind[] = ['excluded', 'not-required', 'distance', 'vcpu', 'memory', 'storage', 'feature', 'attribute', 'license-region', 'pinned'];
const K = Object.fromEntries(REJECT_KINDS.map((k, i) => [k, i])) as Record<RejectKind, number>;
export const REJECTED_LIST_CAP = 50;

export interface DemandFilter {
  /** Feasible candidate indices, ascending (= candidate-id order). */
  feas: Int32Array;
  /** Objective coefficient of each feasible pair (migration cost included). */
  cost: Float64Array;
  /** Position in `feas` of the cheapest candidate (ties: existing, then lowest id); −1 if none. */
  best: number;
  /** Rejections per kind, indexed like REJECT_KINDS. */
  counts: Int32Array;
  rejected: { candidateId: string; kind: RejectKind; reason: string }[];
  notes: string[];
  /** Migration cost charged for leaving the existing candidate (0 when it no longer qualifies). */
  migration: number;
}

type Feasibility = Omit<DemandFilter, 'cost' | 'best' | 'migration'> & { existingFails: boolean };

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1).replace(/\.0$/, '');
}

function signature(c: Compiled, k: number, d: Demand, regions: Set<string> | undefined, pinned: boolean): string {
  const sorted = (a: string[] | undefined) => (a ? [...a].sort() : null);
  return JSON.stringify([
    c.reqVcpu[k], c.reqMem[k], c.reqSto[k], sorted(d.requiredFeatures), sorted(d.requiredCandidates), sorted(d.excludedCandidates),
    d.maxDistanceKm ?? null, d.attributeMatch ?? null, regions ? [...regions].sort() : null, c.existing[k], d.existingCandidate ?? null, pinned,
  ]);
}

export function filterDemand(c: Compiled, k: number, regions: Set<string> | undefined, pinned: boolean, cache: Map<string, Feasibility>): DemandFilter {
  const d = c.problem.demands[k];
  const key = signature(c, k, d, regions, pinned);
  let base = cache.get(key);
  if (!base) cache.set(key, (base = feasibility(c, k, d, regions, pinned)));
  const migration = base.existingFails ? 0 : c.pair[k].migration;
  const { cost, best } = costs(c, k, base.feas, { ...c.pair[k], migration });
  return { feas: base.feas, cost, best, counts: base.counts, rejected: base.rejected, notes: base.notes, migration };
}

function feasibility(c: Compiled, k: number, d: Demand, regions: Set<string> | undefined, pinnedPolicy: boolean): Feasibility {
  const t = c.table;
  const n = t.n;
  const toIdx = (ids: string[] | undefined) => new Set((ids ?? []).flatMap((id) => (t.index.has(id) ? [t.index.get(id)!] : [])));
  const excluded = toIdx(d.excludedCandidates);
  const anyExcluded = excluded.size > 0;
  const required = d.requiredCandidates && d.requiredCandidates.length > 0 ? toIdx(d.requiredCandidates) : undefined;
  const dist = d.maxDistanceKm ? t.distances(d.maxDistanceKm.lat, d.maxDistanceKm.lon) : undefined;
  const km = d.maxDistanceKm?.km ?? Infinity;
  const rv = c.reqVcpu[k], rm = c.reqMem[k], rs = c.reqSto[k];
  const fv = c.freeVcpu, fm = c.freeMem, fs = c.freeSto;
  const needed = d.requiredFeatures ?? [];
  const { mask, unknown } = t.featureMask(needed);
  const words = t.featureWords, feats = t.features;
  const clauses = d.attributeMatch ?? [];
  const passes = clauses.map((m) => t.attributePass(m));
  const regionOk = regions ? Uint8Array.from(t.items, (x) => (regions.has(x.cloudRegionId) ? 1 : 0)) : undefined;

  const firstFailure = (i: number): number => {
    if (anyExcluded && excluded.has(i)) return K.excluded;
    if (required !== undefined && !required.has(i)) return K['not-required'];
    if (dist !== undefined && !(dist[i] <= km)) return K.distance;
    if (fv[i] < rv) return K.vcpu;
    if (fm[i] < rm) return K.memory;
    if (fs[i] < rs) return K.storage;
    if (unknown.length > 0) return K.feature;
    for (let w = 0; w < words; w++) if ((feats[i * words + w] & mask[w]) !== mask[w]) return K.feature;
    for (const p of passes) if (p[i] === 0) return K.attribute;
    if (regionOk !== undefined && regionOk[i] === 0) return K['license-region'];
    return -1;
  };

  const describe = (i: number, kind: number): string => {
    switch (REJECT_KINDS[kind]) {
      case 'excluded': return 'excluded by request';
      case 'not-required': return 'not among the required candidates';
      case 'distance': return `distance ${Math.round(dist![i]) > km ? Math.round(dist![i]) : dist![i].toFixed(1)} km > ${num(km)} km`;
      case 'vcpu': return `free vCPU ${num(fv[i])} < ${num(rv)}`;
      case 'memory': return `free memory ${num(fm[i])} MB < ${num(rm)} MB`;
      case 'storage': return `free storage ${num(fs[i])} GB < ${num(rs)} GB`;
      case 'feature': return `missing feature ${t.missingFeatures(i, needed).join(', ')}`;
      case 'attribute': {
        const j = passes.findIndex((p) => p[i] === 0);
        return attributeFailure(t.items[i].attributes[clauses[j].key], clauses[j]);
      }
      case 'license-region': return `region ${t.items[i].cloudRegionId} not allowed by any licence pool for the model`;
      default: return `kept on existing candidate ${t.items[c.existing[k]].id} (rehoming not allowed)`;
    }
  };

  const notes: string[] = [];
  const e = c.existing[k];
  let pinnedTo = -1;
  let existingFails = false;
  if (d.existingCandidate !== undefined && e < 0) notes.push(`existing candidate ${d.existingCandidate} is not in the inventory`);
  if (e >= 0) {
    const kind = firstFailure(e);
    existingFails = kind >= 0;
    if (existingFails) notes.push(`existing candidate ${t.items[e].id} no longer qualifies (${describe(e, kind)}); the demand must move`);
    else if (pinnedPolicy) pinnedTo = e;
  }

  const counts = new Int32Array(REJECT_KINDS.length);
  const rejected: DemandFilter['rejected'] = [];
  const feasBuf = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    let kind = firstFailure(i);
    if (kind < 0 && pinnedTo >= 0 && i !== pinnedTo) kind = K.pinned;
    if (kind < 0) {
      feasBuf[m++] = i;
      continue;
    }
    counts[kind]++;
    if (rejected.length < REJECTED_LIST_CAP) rejected.push({ candidateId: t.items[i].id, kind: REJECT_KINDS[kind], reason: describe(i, kind) });
  }
  return { feas: feasBuf.slice(0, m), counts, rejected, notes, existingFails };
}

/** Objective coefficients (same arithmetic as objective.ts pairCost, inlined for the hot loop). */
function costs(c: Compiled, k: number, feas: Int32Array, q: PairInput): { cost: Float64Array; best: number } {
  const t = c.table;
  const w = c.weights;
  const dist = c.objectiveDist;
  const e = c.existing[k];
  const cost = new Float64Array(feas.length);
  const memGb = q.reqMem / 1024;
  let best = -1, bestCost = Infinity;
  for (let p = 0; p < feas.length; p++) {
    const i = feas[p];
    const resident = i === e;
    const price = t.costFixed[i] + t.costVcpu[i] * q.reqVcpu + t.costMemGb[i] * memGb + t.costStoGb[i] * q.reqSto;
    let load = 0;
    if (w.load !== 0) {
      const v = t.totVcpu[i] > 0 ? (t.usedVcpu[i] + (resident ? 0 : q.reqVcpu)) / t.totVcpu[i] : 0;
      const mm = t.totMem[i] > 0 ? (t.usedMem[i] + (resident ? 0 : q.reqMem)) / t.totMem[i] : 0;
      load = v > mm ? v : mm;
    }
    const x = q.weight * (w.distance * (dist === undefined ? 0 : dist[i]) + w.cost * price + w.load * load) + (resident ? 0 : q.migration);
    cost[p] = x;
    if (x < bestCost || (x === bestCost && resident)) {
      bestCost = x;
      best = p;
    }
  }
  return { cost, best };
}

/** Position of candidate i in a demand's feasible list, or −1 (binary search, feas is sorted). */
export function positionOf(f: DemandFilter, i: number): number {
  let lo = 0, hi = f.feas.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = f.feas[mid];
    if (v === i) return mid;
    if (v < i) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
