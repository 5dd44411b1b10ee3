import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../store/db.js';
import { PG_ERROR, pgErrorCode } from '../store/db.js';
import { Conflict, NotFound, ProblemError, Unprocessable } from '../errors.js';
import { deleteEsr, findApplcmByIp, findHostByIp, getEsr, hostsOfApplcm, hostUsage, insertEsr, listEsr, listEsrJson, ownEsrIds, updateEsr, type EsrKind, type EsrRow } from '../store/mec-esr.js';
import { APPLCM_SPEC, APPSTORE_SPEC, HOST_SPEC, hostExtraChecks, normaliseAffinity, normaliseCapabilities } from './esr-specs.js';
import { invalidInput, validateBody, type BodySpec, type InvalidParam } from './validate.js';
import type { SecretBox } from './secrets.js';
import { hostCandidate, type CandidateRegistry } from './candidates.js';

// The external system registry (seed "ESR"): app stores, AppLCMs and MEC hosts per tenant, with
// create / update (PUT on the collection, the record named in the body) / list / get / delete /
// bulk delete. Every violated field is reported at once (400); duplicates are 409; secrets are
// sealed and never returned; platform records (tenant NULL) are visible but read-only.

interface KindDef {
  kind: EsrKind;
  label: string;
  idField: string;
  spec: BodySpec;
  /** Fields sealed into the secret column instead of the document. */
  secretFields: string[];
  /** Field sets that must be unique within the tenant. */
  unique: string[][];
  /** Platform records are visible to tenants. */
  shared: boolean;
}

const KINDS: Record<EsrKind, KindDef> = {
  appstore: { kind: 'appstore', label: 'app store', idField: 'appstoreId', spec: APPSTORE_SPEC, secretFields: ['appstoreRepoPassword'], unique: [['appstoreName'], ['appstoreIp', 'appstorePort']], shared: false },
  applcm: { kind: 'applcm', label: 'AppLCM', idField: 'applcmId', spec: APPLCM_SPEC, secretFields: ['password'], unique: [['applcmName'], ['applcmIp', 'applcmPort']], shared: true },
  host: { kind: 'host', label: 'MEC host', idField: 'mechostId', spec: HOST_SPEC, secretFields: [], unique: [['mechostIp'], ['mechostName']], shared: true },
};

const now = () => new Date().toISOString();
const nameField: Record<EsrKind, string> = { appstore: 'appstoreName', applcm: 'applcmName', host: 'mechostName' };

/** A record as the API shows it: the document, its id, whether it is a platform record. */
export function esrView(kind: EsrKind, row: EsrRow): Record<string, unknown> {
  const def = KINDS[kind];
  const view: Record<string, unknown> = { [def.idField]: row.id, ...row.doc };
  if (def.shared) view.shared = row.tenant_id === null;
  if (def.secretFields.length) view.hasCredentials = row.secret !== null;
  return view;
}

export class Esr {
  constructor(private readonly deps: { db: Db; secrets: SecretBox; candidates?: CandidateRegistry }) {}

  async create(kind: EsrKind, tenant: string | null, body: unknown): Promise<Record<string, unknown>> {
    const def = KINDS[kind];
    const value = this.validate(def, body);
    return this.deps.db.tx(async (tx) => {
      const id = randomUUID();
      const t = now();
      const doc = await this.toDoc(tx, def, tenant, value, { createTime: t, updateTime: t });
      await this.checkUnique(tx, def, tenant, doc, undefined);
      const secret = this.sealed(def, id, value);
      await this.write(tx, def, { id, tenantId: tenant, doc, secret, create: true });
      return esrView(kind, { id, tenant_id: tenant, doc, secret: secret ?? null });
    });
  }

  /** PUT on the collection: the record is named by its id field, else by its unique name/IP. */
  async update(kind: EsrKind, tenant: string, body: unknown, pathKey?: { field: string; value: string }): Promise<Record<string, unknown>> {
    const def = KINDS[kind];
    const value = this.validate(def, body);
    if (pathKey && value[pathKey.field] !== undefined && String(value[pathKey.field]) !== pathKey.value) {
      throw invalidInput([{ name: pathKey.field, reason: `must equal the path's ${pathKey.value}` }], `${def.label} record`);
    }
    return this.deps.db.tx(async (tx) => {
      const existing = await this.locate(tx, def, tenant, value, pathKey);
      if (existing.tenant_id === null) throw sharedReadOnly(def, existing.id);
      const doc = await this.toDoc(tx, def, tenant, value, { createTime: existing.doc.createTime as string, updateTime: now() }, existing.doc);
      await this.checkUnique(tx, def, tenant, doc, existing.id);
      const secret = this.sealed(def, existing.id, value);
      await this.write(tx, def, { id: existing.id, tenantId: tenant, doc, secret, create: false });
      const fresh = await getEsr(tx, kind, tenant, existing.id);
      return esrView(kind, fresh!);
    });
  }

  async list(kind: EsrKind, tenant: string): Promise<Record<string, unknown>[]> {
    return (await listEsr(this.deps.db, kind, tenant, { shared: KINDS[kind].shared })).map((r) => esrView(kind, r));
  }

  /** The same list as JSON text, built by the database (the API's list endpoints send it as is). */
  listJson(kind: EsrKind, tenant: string): Promise<string> {
    return listEsrJson(this.deps.db, kind, tenant, { shared: KINDS[kind].shared });
  }

  /** A host by IP: the tenant's own, else a platform host. */
  async hostByIp(tenant: string, ip: string): Promise<Record<string, unknown>> {
    const row = await findHostByIp(this.deps.db, tenant, ip);
    if (!row) throw new NotFound(`No MEC host ${ip} for this tenant.`, 'MEC_ESR_NOT_FOUND');
    return esrView('host', row);
  }

  async get(kind: EsrKind, tenant: string, id: string): Promise<Record<string, unknown>> {
    return esrView(kind, await this.row(this.deps.db, kind, tenant, id));
  }

  async row(q: Queryable, kind: EsrKind, tenant: string, id: string): Promise<EsrRow> {
    const row = await getEsr(q, kind, tenant, id, { shared: KINDS[kind].shared });
    if (!row) throw notFound(KINDS[kind], id);
    return row;
  }

  async delete(kind: EsrKind, tenant: string, id: string): Promise<void> {
    await this.deps.db.tx(async (tx) => {
      const row = await this.row(tx, kind, tenant, id);
      if (row.tenant_id === null) throw sharedReadOnly(KINDS[kind], id);
      await this.refuseInUse(tx, kind, [id]);
      await deleteEsr(tx, kind, tenant, id);
      if (kind === 'host') await this.deps.candidates?.removeCandidate(tx, id);
    });
  }

  /** Bulk delete: the listed ids (all of the tenant's when none); all or nothing. */
  async deleteMany(kind: EsrKind, tenant: string, ids?: string[]): Promise<{ deleted: string[] }> {
    return this.deps.db.tx(async (tx) => {
      const own = await ownEsrIds(tx, kind, tenant, ids);
      const missing = (ids ?? []).filter((i) => !own.includes(i.toLowerCase()));
      if (missing.length) throw new NotFound(`No ${KINDS[kind].label} ${missing.join(', ')} of this tenant; nothing was deleted.`, 'MEC_ESR_NOT_FOUND');
      await this.refuseInUse(tx, kind, own);
      for (const id of own) {
        await deleteEsr(tx, kind, tenant, id);
        if (kind === 'host') await this.deps.candidates?.removeCandidate(tx, id);
      }
      return { deleted: own };
    });
  }

  /** The decrypted secret of a record (the AppLCM client's credentials); never sent to clients. */
  openSecret(row: EsrRow): Record<string, string> {
    return row.secret ? this.deps.secrets.openJson<Record<string, string>>(row.secret, `esr:${row.id}`) : {};
  }

  private validate(def: KindDef, body: unknown): Record<string, unknown> {
    return validateBody(body, def.spec, `${def.label} record`, def.kind === 'host' ? hostExtraChecks : undefined);
  }

  private sealed(def: KindDef, id: string, value: Record<string, unknown>) {
    const plain = Object.fromEntries(def.secretFields.filter((f) => value[f] !== undefined).map((f) => [f, String(value[f])]));
    return Object.keys(plain).length ? this.deps.secrets.sealJson(plain, `esr:${id}`) : undefined;
  }

  private async toDoc(q: Queryable, def: KindDef, tenant: string | null, v: Record<string, unknown>, times: Record<string, string>, prev?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const doc: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== def.idField && !def.secretFields.includes(k)) doc[k] = x;
    for (const k of ['applcmPort', 'appstorePort']) if (doc[k] !== undefined) doc[k] = Number(doc[k]);
    if (def.kind === 'applcm') doc.scheme ??= 'http';
    if (def.kind === 'host') {
      doc.affinity = normaliseAffinity(v.affinity);
      doc.hwcapabilities = normaliseCapabilities(v.hwcapabilities);
      doc.vim ??= 'local';
      doc.configUploadStatus = (prev?.configUploadStatus as string | undefined) ?? 'NotUploaded';
      const applcm = await this.resolveApplcm(q, tenant, v);
      delete doc.applcmId;
      delete doc.applcmIp;
      delete doc.applcmPort;
      if (applcm) Object.assign(doc, { applcmId: applcm.id, applcmIp: applcm.doc.applcmIp, applcmPort: applcm.doc.applcmPort });
    }
    for (const [k, x] of Object.entries(doc)) if (x === undefined) delete doc[k];
    return { ...doc, ...times };
  }

  /** A host names its AppLCM by id or by IP (and port), as EdgeGallery's mepmIp. */
  private async resolveApplcm(q: Queryable, tenant: string | null, v: Record<string, unknown>): Promise<EsrRow | undefined> {
    if (v.applcmId !== undefined) {
      const row = await getEsr(q, 'applcm', tenant, String(v.applcmId).toLowerCase(), { shared: true });
      if (!row) throw new Unprocessable(`applcmId ${String(v.applcmId)} names no AppLCM registered for this tenant.`, 'MEC_APPLCM_NOT_FOUND', { invalidParams: [{ name: 'applcmId', reason: 'no such AppLCM' }] });
      return row;
    }
    if (v.applcmIp !== undefined) {
      const row = await findApplcmByIp(q, tenant, String(v.applcmIp), v.applcmPort === undefined ? undefined : Number(v.applcmPort));
      if (!row) throw new Unprocessable(`applcmIp ${String(v.applcmIp)} names no AppLCM registered for this tenant.`, 'MEC_APPLCM_NOT_FOUND', { invalidParams: [{ name: 'applcmIp', reason: 'no such AppLCM' }] });
      return row;
    }
    return undefined;
  }

  private async checkUnique(q: Queryable, def: KindDef, tenant: string | null, doc: Record<string, unknown>, selfId: string | undefined): Promise<void> {
    const rows = (await listEsr(q, def.kind, tenant)).filter((r) => r.id !== selfId);
    const clashes: InvalidParam[] = [];
    for (const fields of def.unique) {
      const other = rows.find((r) => fields.every((f) => String(r.doc[f]).toLowerCase() === String(doc[f]).toLowerCase()));
      if (other) clashes.push({ name: fields.join('+'), reason: `is already used by ${def.label} ${other.id}` });
    }
    if (clashes.length) throw new Conflict(`The ${def.label} record conflicts with an existing one: ${clashes.map((c) => `${c.name} ${c.reason}`).join('; ')}.`, 'MEC_ESR_DUPLICATE', { invalidParams: clashes });
  }

  private async locate(q: Queryable, def: KindDef, tenant: string, v: Record<string, unknown>, pathKey?: { field: string; value: string }): Promise<EsrRow> {
    const id = v[def.idField] as string | undefined;
    if (id) return this.row(q, def.kind, tenant, id.toLowerCase());
    const keyField = pathKey?.field ?? (def.kind === 'host' ? 'mechostIp' : nameField[def.kind]);
    const key = pathKey?.value ?? String(v[keyField]);
    const row = (await listEsr(q, def.kind, tenant, { shared: def.shared })).find((r) => String(r.doc[keyField]).toLowerCase() === key.toLowerCase());
    if (!row) throw new NotFound(`No ${def.label} with ${keyField} ${key} for this tenant (name the record by ${def.idField} or ${keyField}).`, 'MEC_ESR_NOT_FOUND');
    return row;
  }

  private async write(q: Queryable, def: KindDef, r: { id: string; tenantId: string | null; doc: Record<string, unknown>; secret: ReturnType<SecretBox['seal']> | undefined; create: boolean }): Promise<void> {
    const rec = { id: r.id, tenantId: r.tenantId, name: String(r.doc[nameField[def.kind]]), doc: r.doc, secret: r.secret, hostIp: r.doc.mechostIp as string | undefined, applcmId: (r.doc.applcmId as string | undefined) ?? null };
    try {
      if (r.create) await insertEsr(q, def.kind, rec);
      else await updateEsr(q, def.kind, rec);
      if (def.kind === 'host') await this.deps.candidates?.upsertCandidate(q, hostCandidate(r.id, r.tenantId, r.doc));
    } catch (e) {
      // Two requests racing past checkUnique: the unique indexes decide.
      if (pgErrorCode(e) === PG_ERROR.uniqueViolation) throw new Conflict(`A ${def.label} with the same name or address was registered at the same time.`, 'MEC_ESR_DUPLICATE');
      throw e;
    }
  }

  private async refuseInUse(q: Queryable, kind: EsrKind, ids: string[]): Promise<void> {
    for (const id of ids) {
      if (kind === 'host') {
        const u = await hostUsage(q, id);
        if (u.instances || u.packages) throw new Conflict(`MEC host ${id} still has ${u.instances} app instance(s) and ${u.packages} package distribution(s); remove them first.`, 'MEC_HOST_IN_USE');
      }
      if (kind === 'applcm') {
        const n = await hostsOfApplcm(q, id);
        if (n) throw new Conflict(`AppLCM ${id} still manages ${n} MEC host(s); remove or relink them first.`, 'MEC_APPLCM_IN_USE');
      }
    }
  }
}

function notFound(def: KindDef, id: string): NotFound {
  return new NotFound(`No ${def.label} ${id} for this tenant.`, 'MEC_ESR_NOT_FOUND');
}

function sharedReadOnly(def: KindDef, id: string): ProblemError {
  return new ProblemError(403, 'MEC_SHARED_RECORD', `${def.label} ${id} is a platform record shared with every tenant; tenants cannot change or delete it.`);
}
