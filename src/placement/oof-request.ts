import { ProblemError } from '../errors.js';
import { CallbackGuard } from '../notify/callback-guard.js';
import { IDENTIFIER_TYPES, type IdentifierType } from './model.js';

// The OOF placement request (seed 002) checked field by field, every problem listed at once:
// OSDF stops at the first schematics error and answers a serviceException; the seed's 400
// carries requestStatus "failed" and a statusMessage, which is what mecano sends.

export interface OofCandidateRef {
  identifierType: IdentifierType;
  cloudOwner?: string;
  identifiers: string[];
}

export interface OofModelInfo {
  modelInvariantId: string;
  modelVersionId: string;
  [k: string]: unknown;
}

export interface OofPlacementDemand {
  resourceModuleName: string;
  serviceResourceId: string;
  tenantId?: string;
  resourceModelInfo: OofModelInfo;
  existingCandidates?: OofCandidateRef[];
  excludedCandidates?: OofCandidateRef[];
  requiredCandidates?: OofCandidateRef[];
}

export interface OofLicenseDemand {
  resourceModuleName: string;
  serviceResourceId: string;
  resourceModelInfo: OofModelInfo;
  existingLicenses?: { entitlementPoolUUID?: string[]; licenseKeyGroupUUID?: string[] };
}

export type RequestType = 'create' | 'update' | 'delete';

export interface OofPlacementRequest {
  requestInfo: {
    transactionId: string;
    requestId: string;
    callbackUrl: string;
    callbackHeader?: Record<string, string>;
    sourceId: string;
    requestType: RequestType;
    numSolutions?: number;
    optimizers: string[];
    timeout?: number;
  };
  placementInfo: { requestParameters?: Record<string, unknown>; subscriberInfo?: Record<string, unknown>; placementDemands: OofPlacementDemand[] };
  serviceInfo: { serviceInstanceId: string; serviceName: string; modelInfo: OofModelInfo };
  licenseInfo?: { licenseDemands: OofLicenseDemand[] };
}

export const DEFAULT_TIMEOUT_S = 600;
export const MAX_TIMEOUT_S = 3600;
export const MAX_SOLUTIONS = 100;
const REQUEST_ID_RE = /^[A-Za-z0-9._~:-]{1,255}$/;
const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive', 'expect']);
const GUARD = new CallbackGuard({ allowLoopback: true });

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly errors: string[] = [];
  fail(msg: string): undefined {
    this.errors.push(msg);
    return undefined;
  }
  obj(o: Obj, k: string, at: string, required: boolean): Obj | undefined {
    const v = o[k];
    if (v === undefined || v === null) return required ? this.fail(`${at}${k} is required`) : undefined;
    if (!isObj(v)) return this.fail(`${at}${k} must be an object`);
    return v;
  }
  str(o: Obj, k: string, at: string, required: boolean, max = 255): string | undefined {
    const v = o[k];
    if (v === undefined || v === null) return required ? this.fail(`${at}${k} is required`) : undefined;
    if (typeof v !== 'string' || (required && v === '') || v.length > max) return this.fail(`${at}${k} must be a ${required ? 'non-empty ' : ''}string of at most ${max} characters`);
    return v;
  }
  arr(o: Obj, k: string, at: string, required: boolean, min: number, max = 1000): unknown[] | undefined {
    const v = o[k];
    if (v === undefined || v === null) return required ? this.fail(`${at}${k} is required`) : undefined;
    if (!Array.isArray(v) || v.length < min || v.length > max) return this.fail(`${at}${k} must be a list of ${min} to ${max} entries`);
    return v;
  }
  int(o: Obj, k: string, at: string, min: number, max: number): void {
    const v = o[k];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min && (v as number) <= max)) this.fail(`${at}${k} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
}

function checkRefs(c: Checker, d: Obj, k: string, at: string): void {
  const refs = c.arr(d, k, at, false, 0, 100);
  refs?.forEach((r, i) => {
    const where = `${at}${k}[${i}].`;
    if (!isObj(r)) return c.fail(`${at}${k}[${i}] must be an object`);
    const type = c.str(r, 'identifierType', where, true, 64);
    if (type !== undefined && !(IDENTIFIER_TYPES as readonly string[]).includes(type)) c.fail(`${where}identifierType '${type}' is unknown (one of ${IDENTIFIER_TYPES.join(', ')})`);
    c.str(r, 'cloudOwner', where, false, 128);
    const ids = c.arr(r, 'identifiers', where, true, 1, 1000);
    if (ids?.some((x) => typeof x !== 'string' || x === '' || x.length > 255)) c.fail(`${where}identifiers must be non-empty strings`);
  });
}

function refKeys(refs: unknown): Set<string> {
  const out = new Set<string>();
  for (const r of Array.isArray(refs) ? refs : []) {
    if (!isObj(r) || !Array.isArray(r.identifiers)) continue;
    for (const id of r.identifiers) out.add(`${String(r.identifierType)}|${String(r.cloudOwner ?? '')}|${String(id)}`);
  }
  return out;
}

function checkModel(c: Checker, o: Obj, k: string, at: string): void {
  const m = c.obj(o, k, at, true);
  if (m) for (const f of ['modelInvariantId', 'modelVersionId']) c.str(m, f, `${at}${k}.`, true);
}

function checkRequestInfo(c: Checker, ri: Obj): void {
  const at = 'requestInfo.';
  for (const k of ['transactionId', 'sourceId']) c.str(ri, k, at, true);
  const id = c.str(ri, 'requestId', at, true);
  if (id !== undefined && id !== '' && !REQUEST_ID_RE.test(id)) c.fail(`${at}requestId must be 1-255 of A-Z a-z 0-9 . _ ~ : - (it is a URL path segment)`);
  const url = c.str(ri, 'callbackUrl', at, true, 2048);
  if (url) {
    try {
      GUARD.parse(url, `${at}callbackUrl`);
    } catch (e) {
      c.fail(e instanceof ProblemError ? e.message.replace(/\.$/, '') : `${at}callbackUrl is invalid`);
    }
  }
  const headers = c.obj(ri, 'callbackHeader', at, false);
  for (const [name, v] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME_RE.test(name) || FORBIDDEN_HEADERS.has(name.toLowerCase())) c.fail(`${at}callbackHeader '${name}' is not a header a callback may set`);
    else if (typeof v !== 'string' || /[\r\n\0]/.test(v) || v.length > 8192) c.fail(`${at}callbackHeader.${name} must be a single-line string`);
  }
  const type = c.str(ri, 'requestType', at, true, 16);
  if (type !== undefined && !['create', 'update', 'delete'].includes(type)) c.fail(`${at}requestType must be create, update or delete, got '${type}'`);
  c.int(ri, 'numSolutions', at, 1, MAX_SOLUTIONS);
  c.int(ri, 'timeout', at, 1, MAX_TIMEOUT_S);
  const opt = c.arr(ri, 'optimizers', at, true, 1, 10);
  if (opt) {
    if (opt.some((o) => typeof o !== 'string')) c.fail(`${at}optimizers must be strings`);
    else if (!opt.includes('placement')) c.fail(`${at}optimizers must include 'placement' (the only optimizer this endpoint runs), got ${JSON.stringify(opt)}`);
    else if (opt.some((o) => o !== 'placement' && o !== 'license')) c.fail(`${at}optimizers may only be 'placement' and 'license', got ${JSON.stringify(opt)}`);
  }
}

function checkDemands(c: Checker, pi: Obj, deleting: boolean): void {
  const at = 'placementInfo.';
  c.obj(pi, 'requestParameters', at, false);
  const sub = c.obj(pi, 'subscriberInfo', at, false);
  if (sub) c.str(sub, 'globalSubscriberId', `${at}subscriberInfo.`, true);
  const demands = c.arr(pi, 'placementDemands', at, !deleting, deleting ? 0 : 1, 1000);
  const names = new Set<string>();
  demands?.forEach((d, i) => {
    const where = `${at}placementDemands[${i}].`;
    if (!isObj(d)) return c.fail(`${at}placementDemands[${i}] must be an object`);
    const name = c.str(d, 'resourceModuleName', where, true, 128);
    if (name && names.has(name.toLowerCase())) c.fail(`${where}resourceModuleName '${name}' appears twice`);
    if (name) names.add(name.toLowerCase());
    c.str(d, 'serviceResourceId', where, true);
    c.str(d, 'tenantId', where, false);
    checkModel(c, d, 'resourceModelInfo', where);
    for (const k of ['existingCandidates', 'excludedCandidates', 'requiredCandidates']) checkRefs(c, d, k, where);
    const excluded = refKeys(d.excludedCandidates);
    const both = [...refKeys(d.requiredCandidates)].filter((k) => excluded.has(k)).map((k) => k.split('|')[2]);
    if (both.length > 0) c.fail(`${where}requiredCandidates and excludedCandidates both name ${both.join(', ')}`);
  });
}

function checkLicenses(c: Checker, li: Obj): void {
  const demands = c.arr(li, 'licenseDemands', 'licenseInfo.', true, 0, 1000);
  demands?.forEach((d, i) => {
    const where = `licenseInfo.licenseDemands[${i}].`;
    if (!isObj(d)) return c.fail(`licenseInfo.licenseDemands[${i}] must be an object`);
    c.str(d, 'resourceModuleName', where, true, 128);
    c.str(d, 'serviceResourceId', where, true);
    checkModel(c, d, 'resourceModelInfo', where);
    const ex = c.obj(d, 'existingLicenses', where, false);
    for (const k of ['entitlementPoolUUID', 'licenseKeyGroupUUID']) {
      const list = ex ? c.arr(ex, k, `${where}existingLicenses.`, false, 0, 100) : undefined;
      if (list?.some((x) => typeof x !== 'string')) c.fail(`${where}existingLicenses.${k} must be a list of strings`);
    }
  });
}

/** Every problem of the request (empty when it can be accepted as far as its own content goes). */
export function checkOofRequest(body: unknown): string[] {
  const c = new Checker();
  if (!isObj(body)) return ['the body must be a JSON object with requestInfo, placementInfo and serviceInfo'];
  const ri = c.obj(body, 'requestInfo', '', true);
  if (ri) checkRequestInfo(c, ri);
  const pi = c.obj(body, 'placementInfo', '', ri?.requestType !== 'delete');
  if (pi) checkDemands(c, pi, ri?.requestType === 'delete');
  const si = c.obj(body, 'serviceInfo', '', true);
  if (si) {
    c.str(si, 'serviceInstanceId', 'serviceInfo.', true);
    c.str(si, 'serviceName', 'serviceInfo.', true, 128);
    checkModel(c, si, 'modelInfo', 'serviceInfo.');
  }
  const li = c.obj(body, 'licenseInfo', '', false);
  if (li) checkLicenses(c, li);
  return c.errors;
}

/** The ids an answer must echo, as far as the body has them (also for a refused request). */
export function echoIds(body: unknown): { requestId: string; transactionId: string } {
  const ri = isObj(body) && isObj(body.requestInfo) ? body.requestInfo : {};
  return { requestId: typeof ri.requestId === 'string' ? ri.requestId : '', transactionId: typeof ri.transactionId === 'string' ? ri.transactionId : '' };
}
