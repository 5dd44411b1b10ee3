import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { NotFound, Unprocessable } from '../errors.js';
import type { Db, Queryable } from '../store/db.js';
import { listDocuments } from '../store/list.js';
import { closedSchema } from '../query/closed-schema.js';
import type { ListQuery, QuerySpec } from '../query/types.js';
import { mergePatch } from '../packages/package-records.js';
import { allocationCounts, allPools, deletePool, getPool, insertPool, updatePool } from '../store/placement-licenses.js';
import { schemaErrors, throwIfAny } from './schema-check.js';
import type { LicensePool } from './model.js';

// Licence pools (/mecano/v1/placement/license-pools): entitlement pools and licence key groups
// per vendor model, with a capacity and the regions they may be used in. OOF licenseSolutions
// come from them; every licence a completed request assigns is an allocation (one unit) until a
// `delete` request for the service instance releases it.

const closed = { additionalProperties: false } as const;
const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
const Uuids = (min: number) => Type.Array(Uuid, { minItems: min, maxItems: 100 });
const Id = Type.String({ minLength: 1, maxLength: 255 });

export const LicensePoolInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    vendor: Type.Optional(Type.String({ maxLength: 128 })),
    modelInvariantId: Id,
    /** Absent: the pool serves every version of the model. */
    modelVersionId: Type.Optional(Id),
    entitlementPoolUuids: Uuids(1),
    licenseKeyGroupUuids: Uuids(1),
    entitlementPoolInvariantUuids: Type.Optional(Uuids(0)),
    licenseKeyGroupInvariantUuids: Type.Optional(Uuids(0)),
    capacity: Type.Integer({ minimum: 0, maximum: 1e9 }),
    /** Units used outside mecano's allocations. */
    external: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e9 })),
    /** cloudRegionIds where the licence may be used; absent: anywhere. */
    allowedRegions: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 1000 })),
  },
  closed,
);
export type LicensePoolInput = Static<typeof LicensePoolInputSchema>;
export type LicensePoolDoc = LicensePoolInput & { id: string };
export type LicensePoolView = LicensePoolDoc & { allocated: number; used: number };

const LicensePoolDocSchema = Type.Object({ id: Type.String(), ...LicensePoolInputSchema.properties }, closed);
export const LICENSE_POOL_QUERY: QuerySpec = { resource: 'LicensePool', schema: closedSchema(LicensePoolDocSchema), defaultExcluded: [] };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validate(input: unknown): LicensePoolInput {
  throwIfAny(schemaErrors(LicensePoolInputSchema, input), 'licence pool', 'LICENSE_POOL_INVALID');
  const p = input as LicensePoolInput;
  if ((p.external ?? 0) > p.capacity) throw new Unprocessable(`external: ${p.external} units used exceeds capacity ${p.capacity}.`, 'LICENSE_POOL_UNPROCESSABLE');
  return p;
}

function view(doc: LicensePoolDoc, allocated: number): LicensePoolView {
  return { ...doc, allocated, used: (doc.external ?? 0) + allocated };
}

function notFound(id: string): NotFound {
  return new NotFound(`Licence pool ${id} not found.`, 'LICENSE_POOL_NOT_FOUND');
}

export class LicensePools {
  constructor(private readonly deps: { db: Db; pageSize: number; markerKey: Buffer }) {}

  async create(input: unknown): Promise<LicensePoolView> {
    const doc: LicensePoolDoc = { id: randomUUID(), ...validate(input) };
    await insertPool(this.deps.db, doc.id, doc);
    return view(doc, 0);
  }

  async get(id: string): Promise<LicensePoolView> {
    const doc = UUID_RE.test(id) ? await getPool<LicensePoolDoc>(this.deps.db, id) : undefined;
    if (!doc) throw notFound(id);
    return view(doc, (await allocationCounts(this.deps.db)).get(id) ?? 0);
  }

  async list(query: ListQuery): Promise<{ items: Partial<LicensePoolView>[]; nextMarker?: string }> {
    const page = await listDocuments<LicensePoolDoc>(this.deps.db, { table: 'license_pools', spec: LICENSE_POOL_QUERY, query, pageSize: this.deps.pageSize, markerKey: this.deps.markerKey });
    const counts = await allocationCounts(this.deps.db);
    return {
      ...page,
      items: page.items.map((it) => {
        const allocated = counts.get(String(it.id)) ?? 0;
        return { ...it, allocated, used: (it.external ?? 0) + allocated };
      }),
    };
  }

  async patch(id: string, patch: Record<string, unknown>): Promise<LicensePoolView> {
    throwIfAny('id' in patch ? ['id: is read-only'] : [], 'licence pool patch', 'LICENSE_POOL_INVALID');
    const doc = await this.deps.db.tx(async (tx) => {
      const current = UUID_RE.test(id) ? await getPool<LicensePoolDoc>(tx, id, { forUpdate: true }) : undefined;
      if (!current) throw notFound(id);
      const { id: _id, ...rest } = current;
      const next: LicensePoolDoc = { id, ...validate(mergePatch(rest, patch)) };
      await updatePool(tx, id, next);
      return next;
    });
    return view(doc, (await allocationCounts(this.deps.db)).get(id) ?? 0);
  }

  /** Deleting a pool releases its allocations (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    if (!UUID_RE.test(id) || !(await deletePool(this.deps.db, id))) throw notFound(id);
  }

  /** The solver's pools: `used` counts allocations except those of the resources being re-planned. */
  async forSolve(q: Queryable, replanning?: { serviceInstanceId: string; serviceResourceIds: string[] }): Promise<LicensePool[]> {
    const counts = await allocationCounts(q, replanning);
    return (await allPools<LicensePoolDoc>(q)).map((d) => {
      const pool: LicensePool = {
        id: d.id,
        entitlementPoolUuids: d.entitlementPoolUuids,
        licenseKeyGroupUuids: d.licenseKeyGroupUuids,
        entitlementPoolInvariantUuids: d.entitlementPoolInvariantUuids ?? [],
        licenseKeyGroupInvariantUuids: d.licenseKeyGroupInvariantUuids ?? [],
        modelInvariantId: d.modelInvariantId,
        capacity: d.capacity,
        used: (d.external ?? 0) + (counts.get(d.id) ?? 0),
      };
      if (d.modelVersionId !== undefined) pool.modelVersionId = d.modelVersionId;
      if (d.allowedRegions !== undefined) pool.allowedRegions = d.allowedRegions;
      return pool;
    });
  }
}
