import { attributeMatches, clauseKey } from './attributes.js';
import { distancesFrom } from './geo.js';
import type { AffinityLevel, AttributeMatch, Candidate } from './model.js';

// The candidate inventory of one request as struct-of-arrays, sorted by candidate id so that
// every loop visits candidates in the same order whatever order the caller listed them in
// (stable tie-breaking = lowest id wins). HAS copies a candidate dict per demand and checks
// membership in lists; at 10⁷ pairs that is what makes it quadratic.

export interface LevelIndex {
  /** Interned level value per candidate. */
  ids: Int32Array;
  /** Display name per interned value. */
  names: string[];
}

export class CandidateTable {
  readonly n: number;
  readonly items: Candidate[];
  readonly index = new Map<string, number>();
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  /** total − used, before existing placements are added back (see Compiled). */
  readonly freeVcpu: Float64Array;
  readonly freeMem: Float64Array;
  readonly freeSto: Float64Array;
  readonly totVcpu: Float64Array;
  readonly totMem: Float64Array;
  readonly usedVcpu: Float64Array;
  readonly usedMem: Float64Array;
  readonly costFixed: Float64Array;
  readonly costVcpu: Float64Array;
  readonly costMemGb: Float64Array;
  readonly costStoGb: Float64Array;
  /** Feature bitsets, `featureWords` Uint32 words per candidate. */
  readonly features: Uint32Array;
  readonly featureWords: number;
  readonly featureBit = new Map<string, number>();
  private readonly levels = new Map<AffinityLevel, LevelIndex>();
  private readonly distCache = new Map<string, Float64Array>();
  private readonly attrCache = new Map<string, Uint8Array>();

  constructor(candidates: Candidate[]) {
    this.items = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const n = (this.n = this.items.length);
    this.lat = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.freeVcpu = new Float64Array(n);
    this.freeMem = new Float64Array(n);
    this.freeSto = new Float64Array(n);
    this.totVcpu = new Float64Array(n);
    this.totMem = new Float64Array(n);
    this.usedVcpu = new Float64Array(n);
    this.usedMem = new Float64Array(n);
    this.costFixed = new Float64Array(n);
    this.costVcpu = new Float64Array(n);
    this.costMemGb = new Float64Array(n);
    this.costStoGb = new Float64Array(n);
    for (const c of this.items) for (const f of c.features) if (!this.featureBit.has(f)) this.featureBit.set(f, this.featureBit.size);
    this.featureWords = Math.max(1, Math.ceil(this.featureBit.size / 32));
    this.features = new Uint32Array(n * this.featureWords);
    this.items.forEach((c, i) => this.load(c, i));
  }

  private load(c: Candidate, i: number): void {
    this.index.set(c.id, i);
    this.lat[i] = c.lat;
    this.lon[i] = c.lon;
    const { total, used } = c.capacity;
    this.freeVcpu[i] = total.vcpu - used.vcpu;
    this.freeMem[i] = total.memoryMb - used.memoryMb;
    this.freeSto[i] = total.storageGb - used.storageGb;
    this.totVcpu[i] = total.vcpu;
    this.totMem[i] = total.memoryMb;
    this.usedVcpu[i] = used.vcpu;
    this.usedMem[i] = used.memoryMb;
    this.costFixed[i] = c.cost.fixed ?? 0;
    this.costVcpu[i] = c.cost.perVcpu ?? 0;
    this.costMemGb[i] = c.cost.perMemoryGb ?? 0;
    this.costStoGb[i] = c.cost.perStorageGb ?? 0;
    for (const f of c.features) {
      const bit = this.featureBit.get(f)!;
      this.features[i * this.featureWords + (bit >>> 5)] |= 1 << (bit & 31);
    }
  }

  /** Zone / complex / region / candidate of every candidate as interned ids. */
  level(level: AffinityLevel): LevelIndex {
    let idx = this.levels.get(level);
    if (idx) return idx;
    const ids = new Int32Array(this.n);
    const names: string[] = [];
    const seen = new Map<string, number>();
    for (let i = 0; i < this.n; i++) {
      const name = levelName(this.items[i], level);
      let id = seen.get(name);
      if (id === undefined) {
        id = names.length;
        seen.set(name, id);
        names.push(name);
      }
      ids[i] = id;
    }
    idx = { ids, names };
    this.levels.set(level, idx);
    return idx;
  }

  /** Cached per distinct point: with a shared customer location that is C evaluations, not D·C. */
  distances(lat: number, lon: number): Float64Array {
    const key = `${lat},${lon}`;
    let d = this.distCache.get(key);
    if (!d) this.distCache.set(key, (d = distancesFrom(lat, lon, this.lat, this.lon)));
    return d;
  }

  /** 1 where the candidate satisfies the clause; evaluated once per distinct clause. */
  attributePass(m: AttributeMatch): Uint8Array {
    const key = clauseKey(m);
    let pass = this.attrCache.get(key);
    if (!pass) {
      pass = new Uint8Array(this.n);
      for (let i = 0; i < this.n; i++) pass[i] = attributeMatches(this.items[i].attributes[m.key], m) ? 1 : 0;
      this.attrCache.set(key, pass);
    }
    return pass;
  }

  /** Bit mask of required features; `unknown` lists features no candidate has. */
  featureMask(required: string[]): { mask: Uint32Array; unknown: string[] } {
    const mask = new Uint32Array(this.featureWords);
    const unknown: string[] = [];
    for (const f of required) {
      const bit = this.featureBit.get(f);
      if (bit === undefined) unknown.push(f);
      else mask[bit >>> 5] |= 1 << (bit & 31);
    }
    return { mask, unknown };
  }

  missingFeatures(i: number, required: string[]): string[] {
    return required.filter((f) => {
      const bit = this.featureBit.get(f);
      return bit === undefined || (this.features[i * this.featureWords + (bit >>> 5)] & (1 << (bit & 31))) === 0;
    });
  }
}

function levelName(c: Candidate, level: AffinityLevel): string {
  // A candidate without a zone (complex) is its own zone (complex): diversity can never be
  // violated by two zone-less candidates, and affinity never joins them by accident.
  if (level === 'zone') return c.zone ?? `#${c.id}`;
  if (level === 'complex') return c.complex ?? `#${c.id}`;
  if (level === 'region') return `${c.cloudOwner}/${c.cloudRegionId}`;
  return c.id;
}
