import type { Queryable } from '../store/db.js';
import { locateVnfs, type VnfLocation } from '../store/placement-vnf-lookup.js';
import type { VimView } from './inventory-schema.js';
import type { IdentifierType } from './model.js';

// OOF candidate references → inventory records. cloudRegionId names a region (with its owner
// when given); vimId names a record by id, by HAS's `<owner>_<region>` vim-id, or a region of
// the given owner; serviceInstanceId / vnfName / vmId name a mecano VNF instance (by id, by
// name, by VNFC id) and stand for the VIM it runs on (the seed's existing-VNF candidates).

export interface CandidateRefLike {
  identifierType: IdentifierType | string;
  cloudOwner?: string;
  identifiers: string[];
}

/** How a demand's existing placement was named, to answer in the same terms when it is kept. */
export interface NamedVia {
  identifierType: string;
  identifier: string;
  vnfHostName?: string;
}

export interface Resolution {
  ids: Set<string>;
  /** Identifiers that matched nothing. */
  missing: string[];
  via: Map<string, NamedVia>;
}

const VNF_TYPES = new Set(['serviceInstanceId', 'vnfName', 'vmId']);

export class CandidateResolver {
  private constructor(
    private readonly records: VimView[],
    private readonly vnfs: VnfLocation[],
  ) {}

  /** Looks up, in one query, the VNFs that any of `refs` name. */
  static async load(q: Queryable, records: VimView[], refs: CandidateRefLike[]): Promise<CandidateResolver> {
    const of = (t: string) => refs.filter((r) => r.identifierType === t).flatMap((r) => r.identifiers);
    const vnfs = await locateVnfs(q, { instanceIds: of('serviceInstanceId'), names: of('vnfName'), vnfcIds: of('vmId') });
    return new CandidateResolver(records, vnfs);
  }

  resolve(ref: CandidateRefLike): Resolution {
    const out: Resolution = { ids: new Set(), missing: [], via: new Map() };
    const owner = ref.cloudOwner ? ref.cloudOwner : undefined;
    const ownerOk = (r: VimView) => owner === undefined || r.cloudOwner === owner;
    for (const ident of ref.identifiers) {
      let hits: VimView[];
      let hostName: string | undefined;
      if (VNF_TYPES.has(ref.identifierType)) {
        const vnf = this.vnfs.find((v) => (ref.identifierType === 'serviceInstanceId' ? v.instanceId === ident : ref.identifierType === 'vnfName' ? v.name === ident : v.vnfcIds.includes(ident)));
        hits = vnf ? this.records.filter((r) => r.id === vnf.vimId && ownerOk(r)) : [];
        hostName = vnf?.name ?? vnf?.instanceId;
      } else if (ref.identifierType === 'cloudRegionId') {
        hits = this.records.filter((r) => r.cloudRegionId === ident && ownerOk(r));
      } else {
        hits = this.records.filter((r) => r.id === ident || `${r.cloudOwner}_${r.cloudRegionId}` === ident || (owner !== undefined && r.cloudOwner === owner && r.cloudRegionId === ident));
      }
      if (hits.length === 0) out.missing.push(ident);
      for (const h of hits) {
        out.ids.add(h.id);
        if (!out.via.has(h.id)) out.via.set(h.id, { identifierType: ref.identifierType, identifier: ident, ...(hostName ? { vnfHostName: hostName } : {}) });
      }
    }
    return out;
  }

  resolveAll(refs: CandidateRefLike[]): Resolution {
    const out: Resolution = { ids: new Set(), missing: [], via: new Map() };
    for (const r of refs) {
      const one = this.resolve(r);
      one.ids.forEach((id) => out.ids.add(id));
      out.missing.push(...one.missing);
      for (const [k, v] of one.via) if (!out.via.has(k)) out.via.set(k, v);
    }
    return out;
  }
}
