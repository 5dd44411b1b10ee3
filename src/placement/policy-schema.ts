import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { closedSchema } from '../query/closed-schema.js';
import type { QuerySpec } from '../query/types.js';
import { ATTRIBUTE_OPS, IDENTIFIER_TYPES } from './model.js';
import { IdentSchema } from './inventory-schema.js';
import { schemaErrors, throwIfAny } from './schema-check.js';
import { Unprocessable } from '../errors.js';

// Placement policies in the kinds OOF users know (onap.policies.optimization.resource.*),
// scoped by service name and resource module name as OSDF scopes them. The properties of each
// kind are mecano's own, smaller than OOF's TOSCA types (docs/placement.md "Policies").

const closed = { additionalProperties: false } as const;
const Num0 = Type.Number({ minimum: 0, maximum: 1e12 });
const Name = Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });
const Param = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$' });
const Location = Type.Object({ latitude: Type.Number({ minimum: -90, maximum: 90 }), longitude: Type.Number({ minimum: -180, maximum: 180 }) }, closed);

export const CandidateRefSchema = Type.Object(
  {
    identifierType: Type.Union(IDENTIFIER_TYPES.map((t) => Type.Literal(t))),
    cloudOwner: Type.Optional(Type.String({ maxLength: 128 })),
    identifiers: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, maxItems: 1000 }),
  },
  closed,
);
export type CandidateRef = Static<typeof CandidateRefSchema>;

export const PROPERTY_SCHEMAS = {
  /** HAS distance_to_location: candidate within `distance` of a location (fixed, or from requestParameters). */
  DistancePolicy: Type.Object(
    {
      distance: Type.Object({ value: Type.Number({ exclusiveMinimum: 0, maximum: 50_000 }), unit: Type.Optional(Type.Union([Type.Literal('km'), Type.Literal('mi')])), operator: Type.Optional(Type.Union([Type.Literal('<'), Type.Literal('<=')])) }, closed),
      location: Type.Optional(Location),
      latitudeParameter: Type.Optional(Param),
      longitudeParameter: Type.Optional(Param),
    },
    closed,
  ),
  /** HAS attribute / threshold: candidate attribute comparisons, all of which must hold. */
  AttributePolicy: Type.Object(
    { match: Type.Array(Type.Object({ key: Type.String({ minLength: 1, maxLength: 64 }), op: Type.Union(ATTRIBUTE_OPS.map((o) => Type.Literal(o))), value: Type.Optional(Type.Unknown()) }, closed), { minItems: 1, maxItems: 32 }) },
    closed,
  ),
  /** HAS vim_fit: the resources one instance of the resource needs (capacity shared across demands). */
  VimFitPolicy: Type.Object({ vcpu: Type.Optional(Num0), memoryMb: Type.Optional(Num0), storageGb: Type.Optional(Num0) }, { ...closed, minProperties: 1 }),
  /** HAS hpa, mandatory features only: the candidate must offer every feature. */
  HpaPolicy: Type.Object({ features: Type.Array(IdentSchema, { minItems: 1, maxItems: 32 }) }, closed),
  /** HAS zone (AffinityPolicy): same → affinity, different → diversity (candidate: anti-affinity). */
  AffinityPolicy: Type.Object(
    {
      qualifier: Type.Union([Type.Literal('same'), Type.Literal('different')]),
      category: Type.Union(['candidate', 'zone', 'complex', 'region', 'disaster'].map((c) => Type.Literal(c))),
    },
    closed,
  ),
  /** Required / excluded candidates for the scoped resources (as in placementDemands). */
  CandidatePolicy: Type.Object({ required: Type.Optional(Type.Array(CandidateRefSchema, { maxItems: 100 })), excluded: Type.Optional(Type.Array(CandidateRefSchema, { maxItems: 100 })) }, { ...closed, minProperties: 1 }),
  /** HAS optimization: weighted sum of distance, cost and load; per-resource weights; defaults. */
  OptimizationPolicy: Type.Object(
    {
      weights: Type.Optional(Type.Object({ distance: Type.Optional(Num0), cost: Type.Optional(Num0), load: Type.Optional(Num0) }, closed)),
      resourceWeights: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Num0)),
      location: Type.Optional(Location),
      latitudeParameter: Type.Optional(Param),
      longitudeParameter: Type.Optional(Param),
      numSolutions: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
      rehomeThreshold: Type.Optional(Num0),
    },
    closed,
  ),
} satisfies Record<string, TSchema>;

export type PolicyType = keyof typeof PROPERTY_SCHEMAS;
export const POLICY_TYPES = Object.keys(PROPERTY_SCHEMAS) as PolicyType[];
const TOSCA_PREFIX = 'onap.policies.optimization.resource.';
const ALIASES: Record<string, PolicyType> = { Vim_fit: 'VimFitPolicy', ThresholdPolicy: 'AttributePolicy' };

const Scope = Type.Object(
  {
    services: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 100 })),
    resources: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 100 })),
  },
  closed,
);

export const PolicyInputSchema = Type.Object(
  {
    name: Name,
    policyType: Type.String({ minLength: 1, maxLength: 128 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    scope: Type.Optional(Scope),
    /** Among applicable policies of a single-valued kind of equal scope, the higher wins. */
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    properties: Type.Object({}, { additionalProperties: true }),
  },
  closed,
);

export const PolicyDocSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    policyType: Type.Union(POLICY_TYPES.map((t) => Type.Literal(t))),
    description: Type.Optional(Type.String()),
    scope: Type.Object({ services: Type.Array(Type.String()), resources: Type.Array(Type.String()) }),
    priority: Type.Integer(),
    properties: Type.Record(Type.String(), Type.Unknown()),
  },
  closed,
);

export interface PolicyDoc<P = Record<string, unknown>> {
  id: string;
  name: string;
  policyType: PolicyType;
  description?: string;
  scope: { services: string[]; resources: string[] };
  priority: number;
  properties: P;
}

export type PolicyProps<T extends PolicyType> = Static<(typeof PROPERTY_SCHEMAS)[T]>;

export const POLICY_QUERY: QuerySpec = {
  resource: 'PlacementPolicy',
  schema: closedSchema(PolicyDocSchema),
  columns: { policyType: { column: 'policy_type', type: 'text' } },
  defaultExcluded: [],
};

function normaliseType(raw: string): PolicyType | undefined {
  const short = raw.startsWith(TOSCA_PREFIX) ? raw.slice(TOSCA_PREFIX.length) : raw;
  return ALIASES[short] ?? (POLICY_TYPES as string[]).find((t) => t === short) as PolicyType | undefined;
}

function attributeValueErrors(match: { op: string; value?: unknown }[]): string[] {
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  const out: string[] = [];
  match.forEach((m, i) => {
    const at = `properties.match.${i}.value`;
    if (m.op === 'exists') return;
    if (m.op === 'in' || m.op === 'nin') {
      if (!Array.isArray(m.value) || m.value.length === 0 || !m.value.every(scalar)) out.push(`${at}: must be a non-empty array of strings, numbers or booleans for ${m.op}`);
    } else if (['lt', 'lte', 'gt', 'gte'].includes(m.op)) {
      if (typeof m.value !== 'number' || !Number.isFinite(m.value)) out.push(`${at}: must be a number for ${m.op}`);
    } else if (!scalar(m.value)) out.push(`${at}: must be a string, number or boolean for ${m.op}`);
  });
  return out;
}

/** Shape (400, every field) then meaning (422) of a policy; returns the stored form without id. */
export function validatePolicy(input: unknown): Omit<PolicyDoc, 'id'> {
  const errors = schemaErrors(PolicyInputSchema, input);
  throwIfAny(errors, 'placement policy', 'POLICY_INVALID');
  const p = input as Static<typeof PolicyInputSchema>;
  const policyType = normaliseType(p.policyType);
  if (!policyType) throwIfAny([`policyType: must be one of ${POLICY_TYPES.join(', ')} (optionally prefixed ${TOSCA_PREFIX})`], 'placement policy', 'POLICY_INVALID');
  const type = policyType!;
  errors.push(...schemaErrors(PROPERTY_SCHEMAS[type], p.properties, 'properties.'));
  if (errors.length === 0 && type === 'AttributePolicy') errors.push(...attributeValueErrors((p.properties as PolicyProps<'AttributePolicy'>).match));
  throwIfAny(errors, 'placement policy', 'POLICY_INVALID');
  const scope = { services: p.scope?.services ?? [], resources: p.scope?.resources ?? [] };
  if (type === 'AffinityPolicy' && new Set(scope.resources.map((r) => r.toLowerCase())).size < 2) {
    throw new Unprocessable('scope.resources: an AffinityPolicy relates at least two resources (resourceModuleName values).', 'POLICY_UNPROCESSABLE');
  }
  if (type === 'CandidatePolicy') {
    const props = p.properties as PolicyProps<'CandidatePolicy'>;
    const key = (r: CandidateRef, id: string) => `${r.identifierType}|${r.cloudOwner ?? ''}|${id}`;
    const required = new Set((props.required ?? []).flatMap((r) => r.identifiers.map((id) => key(r, id))));
    const both = (props.excluded ?? []).flatMap((r) => r.identifiers.filter((id) => required.has(key(r, id))));
    if (both.length > 0) throw new Unprocessable(`properties: ${both.join(', ')} both required and excluded.`, 'POLICY_UNPROCESSABLE');
  }
  const doc: Omit<PolicyDoc, 'id'> = { name: p.name, policyType: type, scope, priority: p.priority ?? 0, properties: p.properties };
  if (p.description !== undefined) doc.description = p.description;
  return doc;
}
