import { randomUUID } from 'node:crypto';
import { Conflict, NotFound } from '../errors.js';
import type { Db, Queryable } from '../store/db.js';
import { PG_ERROR, pgErrorCode } from '../store/db.js';
import { listDocuments } from '../store/list.js';
import type { ListQuery } from '../query/types.js';
import { mergePatch } from '../packages/package-records.js';
import { deletePolicy, getPolicy, insertPolicy, policiesForService, updatePolicy } from '../store/placement-policies.js';
import { POLICY_QUERY, validatePolicy, type PolicyDoc } from './policy-schema.js';
import { throwIfAny } from './schema-check.js';

// Placement policies (/mecano/v1/placement/policies): validated on write, selected per request
// by service name (policy-effects.ts turns the applicable ones into solver constraints).

export type { PolicyDoc, PolicyType, CandidateRef } from './policy-schema.js';
export { POLICY_TYPES } from './policy-schema.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function notFound(id: string): NotFound {
  return new NotFound(`Placement policy ${id} not found.`, 'POLICY_NOT_FOUND');
}

async function written<T>(fn: () => Promise<T>, name: string): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (pgErrorCode(e) === PG_ERROR.uniqueViolation) throw new Conflict(`A placement policy named '${name}' already exists.`, 'POLICY_NAME_EXISTS');
    throw e;
  }
}

export class Policies {
  constructor(private readonly deps: { db: Db; pageSize: number; markerKey: Buffer }) {}

  async create(input: unknown): Promise<PolicyDoc> {
    const doc: PolicyDoc = { id: randomUUID(), ...validatePolicy(input) };
    await written(() => insertPolicy(this.deps.db, doc.id, doc.policyType, doc), doc.name);
    return doc;
  }

  async get(id: string): Promise<PolicyDoc> {
    const doc = UUID_RE.test(id) ? await getPolicy<PolicyDoc>(this.deps.db, id) : undefined;
    if (!doc) throw notFound(id);
    return doc;
  }

  list(query: ListQuery): Promise<{ items: Partial<PolicyDoc>[]; nextMarker?: string }> {
    return listDocuments<PolicyDoc>(this.deps.db, { table: 'placement_policies', spec: POLICY_QUERY, query, pageSize: this.deps.pageSize, markerKey: this.deps.markerKey });
  }

  /** JSON merge patch; `properties` is replaced as a whole when given (its shape depends on the kind). */
  async patch(id: string, patch: Record<string, unknown>): Promise<PolicyDoc> {
    throwIfAny('id' in patch ? ['id: is read-only'] : [], 'policy patch', 'POLICY_INVALID');
    return this.deps.db.tx(async (tx) => {
      const current = UUID_RE.test(id) ? await getPolicy<PolicyDoc>(tx, id, { forUpdate: true }) : undefined;
      if (!current) throw notFound(id);
      const { id: _id, ...rest } = current;
      const merged = mergePatch(rest as unknown as Record<string, unknown>, { ...patch, properties: null });
      merged.properties = patch.properties !== undefined ? patch.properties : rest.properties;
      const doc: PolicyDoc = { id, ...validatePolicy(merged) };
      await written(() => updatePolicy(tx, id, doc.policyType, doc), doc.name);
      return doc;
    });
  }

  async delete(id: string): Promise<void> {
    if (!UUID_RE.test(id) || !(await deletePolicy(this.deps.db, id))) throw notFound(id);
  }

  /** Policies whose scope includes the service (or is unscoped), in creation order. */
  forService(q: Queryable, serviceName: string): Promise<PolicyDoc[]> {
    return policiesForService<PolicyDoc>(q, serviceName);
  }
}
