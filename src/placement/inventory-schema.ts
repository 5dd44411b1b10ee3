import { Type, type Static } from '@sinclair/typebox';
import { closedSchema } from '../query/closed-schema.js';
import type { QuerySpec } from '../query/types.js';

// The candidate record (/mecano/v1/vims): a VIM / cloud region, or a MEC host, with what the
// homing engine needs — identity as OOF names it (cloudOwner + cloudRegionId), location,
// zone, capacity, HPA-style features, prices and free-form attributes.

const closed = { additionalProperties: false } as const;
const Num0 = Type.Number({ minimum: 0, maximum: 1e12 });
export const IdentSchema = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:@/-]+$' });
const Text = (max: number) => Type.String({ maxLength: max, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });

export const ResourcesSchema = Type.Object({ vcpu: Num0, memoryMb: Num0, storageGb: Num0 }, closed);
const PartialResources = Type.Object({ vcpu: Type.Optional(Num0), memoryMb: Type.Optional(Num0), storageGb: Type.Optional(Num0) }, closed);

export const LocationSchema = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    /** CLLI code of the site (HAS physical-location-id). */
    clli: Type.Optional(IdentSchema),
    /** Complex name; the complex used for diversity is this, else the CLLI. */
    complex: Type.Optional(Text(128)),
    city: Type.Optional(Text(128)),
    state: Type.Optional(Text(128)),
    country: Type.Optional(Text(64)),
  },
  closed,
);

const CapacityInput = Type.Object(
  {
    total: ResourcesSchema,
    /** Used by workloads mecano does not manage (mecano adds what its own instances use). */
    external: Type.Optional(PartialResources),
  },
  closed,
);

const CostSchema = Type.Object({ perVcpu: Type.Optional(Num0), perMemoryGb: Type.Optional(Num0), perStorageGb: Type.Optional(Num0), fixed: Type.Optional(Num0) }, closed);

const inputFields = {
  name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
  /** Default mecano.local.v1 (the local infrastructure driver). */
  vimType: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' })),
  description: Type.Optional(Text(1024)),
  /** Default 'mecano'. */
  cloudOwner: Type.Optional(IdentSchema),
  /** Default: the record id. Unique per cloudOwner. */
  cloudRegionId: Type.Optional(IdentSchema),
  location: Type.Optional(LocationSchema),
  /** Availability zone; a candidate without one is its own zone. */
  zone: Type.Optional(IdentSchema),
  /** Absent: unbounded (never rejected for capacity). */
  capacity: Type.Optional(CapacityInput),
  /** HPA-style features (sriov, gpu, cpu-pinning, …); compared in lower case. */
  features: Type.Optional(Type.Array(IdentSchema, { maxItems: 64 })),
  cost: Type.Optional(CostSchema),
  /** Flat map of short keys to string | number | boolean (checked by attributeErrors). */
  attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  interfaceInfo: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
};

export const VimInputSchema = Type.Object(inputFields, closed);
export type VimInput = Static<typeof VimInputSchema>;

/** The stored document; `capacity.used` is added when it is read (see usage.ts). */
export const VimDocSchema = Type.Object(
  {
    id: Type.String(),
    ...inputFields,
    vimType: Type.String(),
    cloudOwner: Type.String(),
    cloudRegionId: Type.String(),
    kind: Type.Union([Type.Literal('vim'), Type.Literal('mec-host')]),
    isDefault: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const VimViewSchema = Type.Object(
  {
    ...VimDocSchema.properties,
    capacity: Type.Object({ total: Type.Optional(ResourcesSchema), external: Type.Optional(PartialResources), used: ResourcesSchema }),
  },
  { additionalProperties: true },
);

export interface VimView {
  id: string;
  name: string;
  vimType: string;
  kind: 'vim' | 'mec-host';
  isDefault?: boolean;
  description?: string;
  cloudOwner: string;
  cloudRegionId: string;
  location?: Static<typeof LocationSchema>;
  zone?: string;
  capacity: { total?: Static<typeof ResourcesSchema>; external?: Partial<Static<typeof ResourcesSchema>>; used: Static<typeof ResourcesSchema> };
  features?: string[];
  cost?: Static<typeof CostSchema>;
  attributes?: Record<string, string | number | boolean>;
  interfaceInfo?: Record<string, unknown>;
}

export const VIM_QUERY: QuerySpec = {
  resource: 'Vim',
  schema: closedSchema(VimDocSchema),
  columns: { kind: { column: 'kind', type: 'text' }, vimType: { column: 'vim_type', type: 'text' } },
  defaultExcluded: [],
};
