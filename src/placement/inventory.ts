import { randomUUID } from 'node:crypto';
import { Conflict, NotFound } from '../errors.js';
import type { Db, Queryable } from '../store/db.js';
import { PG_ERROR, pgErrorCode } from '../store/db.js';
import { listDocuments } from '../store/list.js';
import type { ListQuery } from '../query/types.js';
import { mergePatch } from '../packages/package-records.js';
import {
  deleteInventoryRow,
  getInventoryRow,
  insertInventoryRow,
  instancesOnVim,
  inventoryRows,
  updateInventoryRow,
  type CandidateKind,
  type InventoryRow,
} from '../store/placement-vims.js';
import { attributeErrors, schemaErrors, throwIfAny } from './schema-check.js';
import { VIM_QUERY, VimInputSchema, type VimInput, type VimView } from './inventory-schema.js';
import { addResources, usageByVim, ZERO } from './usage.js';
import type { Candidate, Resources } from './model.js';

// The candidate inventory: every VIM (cloud region) and MEC host the homing engine may choose,
// stored in `vims` with a `kind`. The HTTP API (/mecano/v1/vims) manages kind 'vim'; the MEC
// orchestrator registers its hosts with upsertCandidate / removeCandidate (kind 'mec-host'),
// so OOF requests see both. `capacity.used` is never stored: it is the declared external use
// plus what mecano's instances use now (usage.ts), computed at each read and each solve.

export type { CandidateKind } from '../store/placement-vims.js';
export type { VimInput, VimView } from './inventory-schema.js';

export const DEFAULT_CLOUD_OWNER = 'mecano';
export const DEFAULT_VIM_TYPE = 'mecano.local.v1';
/** Capacity of a candidate that declares none: large enough never to bind, small enough for HiGHS. */
const UNBOUNDED: Resources = { vcpu: 1e9, memoryMb: 1e12, storageGb: 1e12 };
const READ_ONLY = ['id', 'kind', 'isDefault'] as const;

/** What a MEC host (or any other candidate source) registers: a VIM record with its own id and kind. */
export interface CandidateInput extends VimInput {
  id: string;
  kind: CandidateKind;
}

export interface InventoryCandidate {
  record: VimView;
  candidate: Candidate;
}

export function validateVimInput(input: unknown, at = ''): VimInput {
  const errors = schemaErrors(VimInputSchema, input, at);
  if (errors.length === 0) errors.push(...attributeErrors((input as VimInput).attributes, `${at}attributes`));
  throwIfAny(errors, 'VIM record', 'VIM_INVALID');
  return input as VimInput;
}

function storedDoc(id: string, kind: CandidateKind, input: VimInput, isDefault?: boolean): Record<string, unknown> & VimView {
  const doc = { ...input, id, kind, vimType: input.vimType ?? DEFAULT_VIM_TYPE, cloudOwner: input.cloudOwner ?? DEFAULT_CLOUD_OWNER, cloudRegionId: input.cloudRegionId ?? id } as Record<string, unknown> & VimView;
  if (input.features) doc.features = [...new Set(input.features.map((f) => f.toLowerCase()))];
  if (isDefault) doc.isDefault = true;
  return doc;
}

/** The record as the API shows it: stored fields plus the capacity mecano's instances use. */
export function renderVim(doc: Record<string, unknown>, used: Resources | undefined): VimView {
  const v = doc as unknown as VimView & { capacity?: Partial<VimView['capacity']> };
  const external = addResources(ZERO, v.capacity?.external ?? {});
  return { ...v, capacity: { ...(v.capacity ?? {}), used: addResources(external, used ?? ZERO) } } as VimView;
}

export function toCandidate(v: VimView): Candidate {
  const loc = v.location;
  const attributes: Candidate['attributes'] = { ...(v.attributes ?? {}) };
  // Derived attributes win over free-form ones of the same name, so policies can rely on them.
  Object.assign(attributes, { name: v.name, vimType: v.vimType, kind: v.kind, cloudOwner: v.cloudOwner, cloudRegionId: v.cloudRegionId, hasLocation: loc !== undefined });
  for (const k of ['clli', 'complex', 'city', 'state', 'country'] as const) if (loc?.[k] !== undefined) attributes[k] = loc[k]!;
  if (v.zone !== undefined) attributes.zone = v.zone;
  const c: Candidate = {
    id: v.id,
    cloudOwner: v.cloudOwner,
    cloudRegionId: v.cloudRegionId,
    identifierType: 'cloudRegionId',
    lat: loc?.latitude ?? 0,
    lon: loc?.longitude ?? 0,
    capacity: { total: v.capacity.total ?? UNBOUNDED, used: v.capacity.used },
    features: v.features ?? [],
    cost: v.cost ?? {},
    attributes,
  };
  if (v.zone !== undefined) c.zone = v.zone;
  const complex = loc?.complex ?? loc?.clli;
  if (complex !== undefined) c.complex = complex;
  return c;
}

function notFound(id: string): NotFound {
  return new NotFound(`VIM ${id} not found.`, 'VIM_NOT_FOUND');
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Inventory {
  constructor(private readonly deps: { db: Db; pageSize: number; markerKey: Buffer }) {}

  /** Completes records written before 0007 (the default VIM): owner, region and kind in the document. */
  async normalise(): Promise<void> {
    await this.deps.db.query(
      `UPDATE vims SET doc = doc || jsonb_build_object('cloudOwner', COALESCE(doc ->> 'cloudOwner', $1::text),
         'cloudRegionId', COALESCE(doc ->> 'cloudRegionId', id::text), 'kind', kind)
       WHERE NOT (doc ? 'cloudOwner' AND doc ? 'cloudRegionId' AND doc ? 'kind')`,
      [DEFAULT_CLOUD_OWNER],
    );
  }

  async create(input: unknown): Promise<VimView> {
    const valid = validateVimInput(input);
    const id = randomUUID();
    const doc = storedDoc(id, 'vim', valid);
    await this.write(() => insertInventoryRow(this.deps.db, { id, kind: 'vim', vimType: doc.vimType, doc }), doc);
    return renderVim(doc, ZERO);
  }

  async get(id: string): Promise<VimView> {
    const row = UUID_RE.test(id) ? await getInventoryRow(this.deps.db, id) : undefined;
    if (!row) throw notFound(id);
    return renderVim(row.doc, (await usageByVim(this.deps.db)).get(id));
  }

  async list(query: ListQuery): Promise<{ items: Partial<VimView>[]; nextMarker?: string }> {
    const page = await listDocuments<Record<string, unknown>>(this.deps.db, { table: 'vims', spec: VIM_QUERY, query, pageSize: this.deps.pageSize, markerKey: this.deps.markerKey });
    const usage = await usageByVim(this.deps.db);
    // `capacity.used` joins the selected attributes unless the selectors leave capacity out.
    const top = (list?: string) => (list ?? '').split(',').map((f) => f.trim().split('/')[0]);
    const shown = (query.fields === undefined || top(query.fields).includes('capacity')) && !top(query.exclude_fields).includes('capacity');
    const items = page.items.map((it) => (shown ? { ...it, capacity: renderVim(it as Record<string, unknown>, usage.get(String(it.id))).capacity } : it));
    return { items: items as Partial<VimView>[], nextMarker: page.nextMarker };
  }

  /** JSON merge patch (RFC 7396) of a VIM record; the result is validated like a creation. */
  async patch(id: string, patch: Record<string, unknown>): Promise<VimView> {
    const touched = READ_ONLY.filter((k) => k in patch);
    throwIfAny(touched.map((k) => `${k}: is read-only`), 'VIM patch', 'VIM_INVALID');
    const doc = await this.deps.db.tx(async (tx) => {
      const row = UUID_RE.test(id) ? await getInventoryRow(tx, id, { forUpdate: true }) : undefined;
      if (!row) throw notFound(id);
      if (row.kind !== 'vim') throw new Conflict(`${id} is a ${row.kind} managed by the MEC orchestrator; change it there.`, 'VIM_NOT_MANAGED_HERE');
      const { id: _i, kind: _k, isDefault: _d, ...current } = row.doc as Record<string, unknown>;
      const merged = validateVimInput(mergePatch(current, patch));
      const next = storedDoc(id, 'vim', merged, row.isDefault);
      await this.write(() => updateInventoryRow(tx, { id, kind: 'vim', vimType: next.vimType, doc: next }), next);
      return next;
    });
    return renderVim(doc, (await usageByVim(this.deps.db)).get(id));
  }

  async delete(id: string): Promise<void> {
    await this.deps.db.tx(async (tx) => {
      const row = UUID_RE.test(id) ? await getInventoryRow(tx, id, { forUpdate: true }) : undefined;
      if (!row) throw notFound(id);
      if (row.isDefault) throw new Conflict(`VIM ${id} is the default VIM and cannot be deleted.`, 'VIM_IS_DEFAULT');
      if (row.kind !== 'vim') throw new Conflict(`${id} is a ${row.kind} managed by the MEC orchestrator; remove it there.`, 'VIM_NOT_MANAGED_HERE');
      const n = await instancesOnVim(tx, id);
      if (n > 0) throw new Conflict(`VIM ${id} hosts ${n} VNF instance(s); terminate them first.`, 'VIM_IN_USE');
      await deleteInventoryRow(tx, id);
    });
  }

  /**
   * For other modules (the MEC orchestrator): creates or replaces the candidate with this id,
   * in the caller's transaction. Validation as for the API (400 with every failing field);
   * 409 when its cloudOwner/cloudRegionId is taken by another record.
   */
  async upsertCandidate(q: Queryable, input: CandidateInput): Promise<VimView> {
    const { id, kind, ...rest } = input;
    if (!UUID_RE.test(id)) throwIfAny(['id: must be a UUID'], 'candidate', 'VIM_INVALID');
    const doc = storedDoc(id, kind, validateVimInput(rest));
    const existing = await getInventoryRow(q, id, { forUpdate: true });
    if (existing?.isDefault) throw new Conflict(`${id} is the default VIM.`, 'VIM_IS_DEFAULT');
    const write = existing ? () => updateInventoryRow(q, { id, kind, vimType: doc.vimType, doc }) : () => insertInventoryRow(q, { id, kind, vimType: doc.vimType, doc });
    await this.write(write, doc);
    return renderVim(doc, ZERO);
  }

  /** Removes a candidate registered with upsertCandidate; false when there was none. */
  async removeCandidate(q: Queryable, id: string): Promise<boolean> {
    return UUID_RE.test(id) ? deleteInventoryRow(q, id) : false;
  }

  /** The solver's view of the inventory, with current usage (unless `usage: false`); `kinds`/`vimTypes` narrow it. */
  async candidates(q: Queryable, opts: { kinds?: readonly CandidateKind[]; vimTypes?: ReadonlySet<string>; usage?: boolean } = {}): Promise<InventoryCandidate[]> {
    const rows: InventoryRow[] = (await inventoryRows(q, opts.kinds)).filter((r) => !opts.vimTypes || opts.vimTypes.has(String(r.doc.vimType)));
    const usage = opts.usage === false ? new Map<string, Resources>() : await usageByVim(q);
    return rows.map((r) => {
      const record = renderVim(r.doc, usage.get(r.id));
      return { record, candidate: toCandidate(record) };
    });
  }

  private async write(fn: () => Promise<void>, doc: VimView): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (pgErrorCode(e) === PG_ERROR.uniqueViolation) {
        throw new Conflict(`cloudRegionId ${doc.cloudRegionId} of cloudOwner ${doc.cloudOwner} is already in the inventory.`, 'VIM_REGION_EXISTS');
      }
      throw e;
    }
  }
}
