import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { ProblemError } from '../errors.js';

// The centre's side of the AppLCM API (seed "APPLCM", served by `mecano serve --role edge`):
// HTTP Basic with the AppLCM's registered credentials, bounded timeouts, and two kinds of
// failure the callers treat differently: unavailable (connection refused, timeout, 502-504:
// retry later) and rejected (any other answer: the edge said no, with its ProblemDetails).

export interface AppLcmEndpoint {
  scheme: 'http' | 'https';
  ip: string;
  port: number;
  userName?: string;
  password?: string;
}

/** Transient: the AppLCM could not be reached or answered 502/503/504. */
export class AppLcmUnavailable extends ProblemError {
  constructor(endpoint: string, reason: string) {
    super(503, 'MEC_APPLCM_UNAVAILABLE', `AppLCM ${endpoint} is unavailable: ${reason}`);
  }
}

/** No answer within the request's time budget (distribution reports this host as Timeout). */
export class AppLcmTimeout extends AppLcmUnavailable {}

/** The AppLCM answered with an error: its status and detail are kept. */
export class AppLcmRejected extends ProblemError {
  constructor(endpoint: string, readonly edgeStatus: number, detail: string, readonly edgeCode?: string) {
    super(edgeStatus === 401 || edgeStatus === 403 ? 502 : edgeStatus >= 500 ? 502 : edgeStatus, 'MEC_APPLCM_REJECTED', `AppLCM ${endpoint} refused the request (HTTP ${edgeStatus}): ${detail}`);
  }
}

export interface AppLcmClientOptions {
  /** Per request, connect to last byte (default 10 s; package uploads get uploadTimeoutMs). */
  timeoutMs?: number;
  uploadTimeoutMs?: number;
}

const TRANSIENT_STATUS = new Set([502, 503, 504]);
const agent = new Agent({ connect: { timeout: 5000 }, keepAliveTimeout: 4000 });

export class AppLcmClient {
  readonly base: string;
  private readonly auth?: string;

  constructor(endpoint: AppLcmEndpoint, private readonly opts: AppLcmClientOptions = {}) {
    const host = isIP(endpoint.ip) === 6 ? `[${endpoint.ip}]` : endpoint.ip;
    this.base = `${endpoint.scheme}://${host}:${endpoint.port}`;
    if (endpoint.userName !== undefined && endpoint.password !== undefined) {
      this.auth = `Basic ${Buffer.from(`${endpoint.userName}:${endpoint.password}`).toString('base64')}`;
    }
  }

  health(): Promise<Record<string, unknown>> {
    return this.json('GET', '/mec/v1/applcm/health');
  }

  putPackage(tenant: string, hostIp: string, appPkgId: string, content: Readable, size: number): Promise<Record<string, unknown>> {
    return this.json('PUT', `/mec/v1/applcm/tenant/${tenant}/hosts/${enc(hostIp)}/packages/${appPkgId}`, {
      body: content,
      headers: { 'content-type': 'application/zip', 'content-length': String(size) },
      timeoutMs: this.opts.uploadTimeoutMs ?? 600_000,
    });
  }

  getPackage(tenant: string, hostIp: string, appPkgId: string): Promise<Record<string, unknown> | undefined> {
    return this.orNotFound(this.json('GET', `/mec/v1/applcm/tenant/${tenant}/hosts/${enc(hostIp)}/packages/${appPkgId}`));
  }

  deletePackage(tenant: string, hostIp: string, appPkgId: string): Promise<Record<string, unknown> | undefined> {
    return this.orNotFound(this.json('DELETE', `/mec/v1/applcm/tenant/${tenant}/hosts/${enc(hostIp)}/packages/${appPkgId}`));
  }

  instantiate(appInstanceId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.json('POST', `/mec/v1/applcm/app_instance/${appInstanceId}`, { json: body });
  }

  getInstance(appInstanceId: string): Promise<Record<string, unknown> | undefined> {
    return this.orNotFound(this.json('GET', `/mec/v1/applcm/app_instance/${appInstanceId}`));
  }

  terminate(appInstanceId: string): Promise<Record<string, unknown> | undefined> {
    return this.orNotFound(this.json('POST', `/mec/v1/applcm/app_instance/${appInstanceId}/terminate`, { json: {} }));
  }

  kpi(tenant: string, hostIp: string): Promise<Record<string, unknown>> {
    return this.json('GET', `/mec/v1/applcm/tenant/${tenant}/hosts/${enc(hostIp)}/node-kpi`);
  }

  capabilities(tenant: string, hostIp: string): Promise<unknown[]> {
    return this.json('GET', `/mec/v1/applcm/tenant/${tenant}/hosts/${enc(hostIp)}/mep-capabilities`) as unknown as Promise<unknown[]>;
  }

  appList(tenant: string, hostIp: string): Promise<unknown[]> {
    return this.json('GET', `/mec/v1/applcm/tenant/${tenant}/hosts/${enc(hostIp)}/node-applist`) as unknown as Promise<unknown[]>;
  }

  uploadKubeconfig(hostIp: string, content: Buffer): Promise<Record<string, unknown>> {
    return this.json('POST', `/mec/v1/applcm/host/${enc(hostIp)}/k8sconfig`, { body: content, headers: { 'content-type': 'application/octet-stream' } });
  }

  deleteKubeconfig(hostIp: string): Promise<Record<string, unknown> | undefined> {
    return this.orNotFound(this.json('DELETE', `/mec/v1/applcm/host/${enc(hostIp)}/k8sconfig`));
  }

  private async orNotFound<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof AppLcmRejected && e.edgeStatus === 404) return undefined;
      throw e;
    }
  }

  private async json(
    method: Dispatcher.HttpMethod,
    path: string,
    o: { json?: unknown; body?: Readable | Buffer; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { accept: 'application/json', ...(o.headers ?? {}) };
    if (this.auth) headers.authorization = this.auth;
    let body: string | Buffer | Readable | undefined = o.body;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers['content-type'] = 'application/json';
    }
    const timeout = o.timeoutMs ?? this.opts.timeoutMs ?? 10_000;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.base + path, { method, headers, body, dispatcher: agent, headersTimeout: timeout, bodyTimeout: timeout, signal: AbortSignal.timeout(timeout) });
    } catch (e) {
      const err = e as { code?: string; message?: string; name?: string };
      if (err.name === 'TimeoutError' || /HEADERS_TIMEOUT|BODY_TIMEOUT/.test(err.code ?? '')) throw new AppLcmTimeout(this.base, `no answer within ${timeout} ms`);
      throw new AppLcmUnavailable(this.base, `${err.code ?? err.name ?? 'error'}: ${err.message ?? String(e)}`);
    }
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { detail: text.slice(0, 500) };
    }
    if (res.statusCode < 300) return parsed as Record<string, unknown>;
    const p = parsed as { detail?: string; title?: string; code?: string };
    const detail = p.detail ?? p.title ?? `HTTP ${res.statusCode}`;
    if (TRANSIENT_STATUS.has(res.statusCode)) throw new AppLcmUnavailable(this.base, `HTTP ${res.statusCode}: ${detail}`);
    throw new AppLcmRejected(this.base, res.statusCode, detail, p.code);
  }
}

const enc = encodeURIComponent;
