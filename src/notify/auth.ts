import { createHash } from 'node:crypto';
import { BadRequest, Unprocessable } from '../errors.js';
import type { CallbackGuard } from './callback-guard.js';
import type { CallbackHttp } from './http-client.js';
import type { SubscriptionAuthenticationInput } from './schemas.js';

// Subscription authentication (SOL013 8.3.4): validation at creation, and the Authorization
// header of each callback. OAuth 2.0 client credentials (RFC 6749 4.4): the token is fetched with
// HTTP Basic client authentication, cached until shortly before it expires (Tacker fetches one
// per notification) and fetched again when the subscriber answers 401. Credentials are stored
// in the subscriptions.auth column only; nothing here logs or returns them.

export interface StoredAuth {
  authType: ('BASIC' | 'OAUTH2_CLIENT_CREDENTIALS')[];
  paramsBasic?: { userName: string; password: string };
  paramsOauth2ClientCredentials?: { clientId: string; clientPassword: string; tokenEndpoint: string };
}

const SUPPORTED = ['BASIC', 'OAUTH2_CLIENT_CREDENTIALS'] as const;

function missing(type: string, params: string, fields: string[]): BadRequest {
  return new BadRequest(`authentication: authType ${type} needs ${params} with ${fields.join(', ')}.`, 'AUTH_PARAMS_MISSING');
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Validates `authentication` and returns what is stored (null when absent). */
export function normalizeAuthentication(input: SubscriptionAuthenticationInput | undefined, guard: CallbackGuard): StoredAuth | null {
  if (input === undefined) return null;
  const types = [...new Set(input.authType)];
  const usable = types.filter((t): t is StoredAuth['authType'][number] => (SUPPORTED as readonly string[]).includes(t));
  if (usable.length === 0) {
    throw new Unprocessable(`authentication: authType ${types.join(', ')} is not supported; mecano supports BASIC and OAUTH2_CLIENT_CREDENTIALS.`, 'AUTH_TYPE_NOT_SUPPORTED');
  }
  // SOL013 8.3.4: each params object "shall be absent otherwise".
  if (input.paramsBasic !== undefined && !types.includes('BASIC')) {
    throw new BadRequest('authentication: paramsBasic is given but authType does not include BASIC.', 'AUTH_PARAMS_UNEXPECTED');
  }
  if (input.paramsOauth2ClientCredentials !== undefined && !types.includes('OAUTH2_CLIENT_CREDENTIALS')) {
    throw new BadRequest('authentication: paramsOauth2ClientCredentials is given but authType does not include OAUTH2_CLIENT_CREDENTIALS.', 'AUTH_PARAMS_UNEXPECTED');
  }
  const out: StoredAuth = { authType: usable };
  if (usable.includes('BASIC')) {
    const p = input.paramsBasic;
    if (!p || !nonEmpty(p.userName) || !nonEmpty(p.password)) throw missing('BASIC', 'paramsBasic', ['userName', 'password']);
    out.paramsBasic = { userName: p.userName, password: p.password };
  }
  if (usable.includes('OAUTH2_CLIENT_CREDENTIALS')) {
    const p = input.paramsOauth2ClientCredentials;
    if (!p || !nonEmpty(p.clientId) || !nonEmpty(p.clientPassword) || !nonEmpty(p.tokenEndpoint)) {
      throw missing('OAUTH2_CLIENT_CREDENTIALS', 'paramsOauth2ClientCredentials', ['clientId', 'clientPassword', 'tokenEndpoint']);
    }
    guard.parse(p.tokenEndpoint, 'tokenEndpoint');
    out.paramsOauth2ClientCredentials = { clientId: p.clientId, clientPassword: p.clientPassword, tokenEndpoint: p.tokenEndpoint };
  }
  return out;
}

export class TokenError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

// RFC 6749 2.3.1: client id and secret are form-urlencoded before the Basic encoding.
const formEncode = (s: string) => new URLSearchParams({ s }).toString().slice(2);
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export class Credentials {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly http: CallbackHttp,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when a 401 from the subscriber is worth one retry with a fresh token. */
  usesToken(auth: StoredAuth | null): boolean {
    return !!auth?.paramsOauth2ClientCredentials && auth.authType.includes('OAUTH2_CLIENT_CREDENTIALS');
  }

  /** The Authorization header for a callback; OAuth2 wins over BASIC (as in Tacker). */
  async headers(auth: StoredAuth | null, opts: { refresh?: boolean } = {}): Promise<Record<string, string>> {
    if (!auth) return {};
    const oauth = auth.paramsOauth2ClientCredentials;
    if (oauth && auth.authType.includes('OAUTH2_CLIENT_CREDENTIALS')) {
      const t = await this.token(oauth, opts.refresh ?? false);
      return { Authorization: `Bearer ${t.token}` };
    }
    const b = auth.paramsBasic;
    if (b && auth.authType.includes('BASIC')) return { Authorization: basic(b.userName, b.password) };
    return {};
  }

  private async token(p: NonNullable<StoredAuth['paramsOauth2ClientCredentials']>, refresh: boolean): Promise<CachedToken> {
    const key = `${p.tokenEndpoint}\n${p.clientId}\n${createHash('sha256').update(p.clientPassword).digest('hex')}`;
    const cached = this.cache.get(key);
    if (!refresh && cached && cached.expiresAt > this.now()) return cached;
    if (refresh) this.cache.delete(key);
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetchToken(p).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const t = await pending;
    this.cache.set(key, t);
    return t;
  }

  private async fetchToken(p: NonNullable<StoredAuth['paramsOauth2ClientCredentials']>): Promise<CachedToken> {
    const res = await this.http.send(
      'POST',
      p.tokenEndpoint,
      {
        Authorization: basic(formEncode(p.clientId), formEncode(p.clientPassword)),
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      'grant_type=client_credentials',
      { text: true },
    );
    if (res.status !== 200) throw new TokenError(`token endpoint answered ${res.status}`, res.status);
    let parsed: { access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(res.text) as typeof parsed;
    } catch {
      throw new TokenError('token endpoint answered 200 without a JSON body', 200);
    }
    if (typeof parsed.access_token !== 'string' || parsed.access_token === '') throw new TokenError('token endpoint answered without access_token', 200);
    // Renew 30 s early; without expires_in (RFC 6749 5.1: RECOMMENDED) keep it 5 minutes.
    const lifetime = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in * 1000 : 300_000;
    return { token: parsed.access_token, expiresAt: this.now() + Math.max(0, lifetime - 30_000) };
  }
}
