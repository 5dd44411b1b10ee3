import { isIP } from 'node:net';
import path from 'node:path';

// Typed configuration, read once from flags and the environment and validated at start.
// A bad value is a ConfigError: the CLI prints it and exits with code 2.

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Public base URL used in Location headers and _links (default http://host:port). */
  publicUrl?: string;
  pageSize: number;
  bodyLimit: number;
  uploadLimit: number;
  /** upload_from_uri may fetch from loopback addresses (MECANO_UPLOAD_ALLOW_LOOPBACK; off by default: SSRF). */
  uploadAllowLoopback: boolean;
  /** Credentials for basic auth ("user:password,user2:password2"); required off loopback. */
  authUsers: { user: string; password: string }[];
  role: 'all' | 'centre' | 'edge';
  workers: boolean;
  /** Use network namespaces for VNFCs (false: loopback ports only). */
  netns: boolean;
  /** How long a worker's claim on an operation lasts without a heartbeat (crash detection). */
  leaseMs: number;
  /** Key sealing secrets at rest (base64 of 32 bytes); default: <dataDir>/secret.key. */
  secretKey?: string;
  /** MEC edge: the bridge and subnet app instances' external connection points attach to. */
  mecAppNetwork: { bridge: string; cidr: string };
  /** MEC centre: how long sending a package to an AppLCM may take before the host is Timeout. */
  mecDistributionTimeoutMs: number;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface ConfigInput {
  host?: string;
  port?: string | number;
  dataDir?: string;
  databaseUrl?: string;
  logLevel?: string;
  publicUrl?: string;
  pageSize?: string | number;
  bodyLimit?: string | number;
  uploadLimit?: string | number;
  uploadAllowLoopback?: boolean;
  authUsers?: string;
  role?: string;
  workers?: boolean;
  netns?: boolean;
  leaseMs?: string | number;
  secretKey?: string;
  mecAppBridge?: string;
  mecAppCidr?: string;
  mecDistributionTimeoutMs?: string | number;
}

function int(name: string, raw: string | number | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return n;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

function parseUsers(raw: string | undefined): { user: string; password: string }[] {
  if (!raw) return [];
  return raw.split(',').map((pair) => {
    const i = pair.indexOf(':');
    if (i <= 0 || i === pair.length - 1) throw new ConfigError(`MECANO_AUTH_USERS entries must be user:password, got an entry without both`);
    return { user: pair.slice(0, i), password: pair.slice(i + 1) };
  });
}

/** Flags win over the environment; the environment wins over defaults. */
export function loadConfig(flags: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const host = flags.host ?? env.MECANO_HOST ?? '127.0.0.1';
  if (host !== 'localhost' && isIP(host) === 0) throw new ConfigError(`MECANO_HOST must be an IP address or localhost, got '${host}'`);
  const port = int('MECANO_PORT', flags.port ?? env.MECANO_PORT, 8080, 0, 65535);
  const logLevel = (flags.logLevel ?? env.MECANO_LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`MECANO_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  const databaseUrl = flags.databaseUrl ?? env.DATABASE_URL ?? undefined;
  if (databaseUrl !== undefined && databaseUrl !== '' && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must be a postgres:// or postgresql:// URL`);
  }
  const role = (flags.role ?? env.MECANO_ROLE ?? 'all') as Config['role'];
  if (!['all', 'centre', 'edge'].includes(role)) throw new ConfigError(`role must be all, centre or edge, got '${role}'`);
  const publicUrl = flags.publicUrl ?? env.MECANO_PUBLIC_URL;
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+$/.test(publicUrl.replace(/\/$/, ''))) {
    throw new ConfigError(`MECANO_PUBLIC_URL must be an http(s) origin such as http://10.0.0.1:8080`);
  }
  const authUsers = parseUsers(flags.authUsers ?? env.MECANO_AUTH_USERS);
  const cfg: Config = {
    host,
    port,
    dataDir: path.resolve(flags.dataDir ?? env.MECANO_DATA_DIR ?? './data'),
    databaseUrl: databaseUrl || undefined,
    logLevel,
    publicUrl: publicUrl?.replace(/\/$/, ''),
    pageSize: int('MECANO_PAGE_SIZE', flags.pageSize ?? env.MECANO_PAGE_SIZE, 100, 1, 10_000),
    bodyLimit: int('MECANO_BODY_LIMIT', flags.bodyLimit ?? env.MECANO_BODY_LIMIT, 1024 * 1024, 1024, 1024 ** 3),
    uploadLimit: int('MECANO_UPLOAD_LIMIT', flags.uploadLimit ?? env.MECANO_UPLOAD_LIMIT, 2 * 1024 ** 3, 1024, 64 * 1024 ** 3),
    uploadAllowLoopback: flags.uploadAllowLoopback ?? env.MECANO_UPLOAD_ALLOW_LOOPBACK === 'true',
    authUsers,
    role,
    workers: flags.workers ?? env.MECANO_WORKERS !== 'false',
    netns: flags.netns ?? env.MECANO_NETNS !== 'false',
    leaseMs: int('MECANO_LEASE_MS', flags.leaseMs ?? env.MECANO_LEASE_MS, 30_000, 500, 3_600_000),
    secretKey: flags.secretKey ?? env.MECANO_SECRET_KEY ?? undefined,
    mecDistributionTimeoutMs: int('MECANO_MEC_DISTRIBUTION_TIMEOUT_MS', flags.mecDistributionTimeoutMs ?? env.MECANO_MEC_DISTRIBUTION_TIMEOUT_MS, 600_000, 100, 24 * 3_600_000),
    mecAppNetwork: { bridge: flags.mecAppBridge ?? env.MECANO_MEC_APP_BRIDGE ?? 'mcmecapps', cidr: flags.mecAppCidr ?? env.MECANO_MEC_APP_CIDR ?? '10.238.0.0/24' },
  };
  if (cfg.secretKey !== undefined && Buffer.from(cfg.secretKey, 'base64').length !== 32) throw new ConfigError('MECANO_SECRET_KEY must be the base64 encoding of 32 random bytes');
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(cfg.mecAppNetwork.bridge)) throw new ConfigError('MECANO_MEC_APP_BRIDGE must be an interface name of 1-15 letters, digits, _ . -');
  if (!/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-8])$/.test(cfg.mecAppNetwork.cidr)) throw new ConfigError('MECANO_MEC_APP_CIDR must be an IPv4 subnet from /16 to /28, e.g. 10.238.0.0/24');
  if (!isLoopback(cfg.host) && cfg.authUsers.length === 0) {
    throw new ConfigError(
      `refusing to listen on ${cfg.host}: it is not a loopback address and no authentication is configured ` +
        `(set MECANO_AUTH_USERS=user:password, or listen on 127.0.0.1)`,
    );
  }
  return cfg;
}
