import { lookup as dnsLookup, promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { BadRequest, Unprocessable } from '../errors.js';

// SSRF guard for callback URIs and token endpoints. Denied always: link-local (169.254/16, which
// holds the cloud metadata address 169.254.169.254, and fe80::/10), other known metadata
// addresses and names, multicast. Loopback is allowed by default (tests and single-machine
// users need it). Operators add deny entries and may restrict to an allow list. Names are
// checked at creation (every address they resolve to) and again at connect time through
// `lookup`, so a name that later resolves to a denied address (DNS rebinding) is refused too.

export interface CallbackPolicy {
  allowLoopback: boolean;
  /** Extra denied entries: IPs, CIDRs ("10.0.0.0/8"), host names, or "*.suffix" patterns. */
  deny?: string[];
  /** When non-empty, only these entries (same syntax) are allowed; deny still wins. */
  allow?: string[];
}

const ALWAYS_DENIED = ['169.254.0.0/16', '100.100.100.200/32', '224.0.0.0/4', '255.255.255.255/32', 'fe80::/10', 'fd00:ec2::254/128', 'ff00::/8'];
const DENIED_NAMES = ['metadata.google.internal', 'metadata', 'instance-data', 'instance-data.ec2.internal'];
const LOOPBACK = ['127.0.0.0/8', '0.0.0.0/8', '::1/128', '::/128'];

interface Rules {
  ips: BlockList;
  names: string[];
  any: boolean;
}

function family(ip: string): 'ipv4' | 'ipv6' {
  return isIP(ip) === 6 ? 'ipv6' : 'ipv4';
}

/** ::ffff:a.b.c.d (also as the URL parser writes it, ::ffff:a9fe:a9fe) is the IPv4 a.b.c.d. */
function unmap(ip: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (!hex) return ip;
  const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

function rules(entries: string[]): Rules {
  const ips = new BlockList();
  const names: string[] = [];
  for (const raw of entries) {
    const e = raw.trim().toLowerCase();
    if (!e) continue;
    const [addr, bits] = e.split('/');
    if (isIP(addr)) {
      const max = family(addr) === 'ipv6' ? 128 : 32;
      const prefix = bits === undefined ? max : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`invalid CIDR in callback policy: ${raw}`);
      ips.addSubnet(addr, prefix, family(addr));
    } else names.push(e);
  }
  return { ips, names, any: entries.some((e) => e.trim() !== '') };
}

function nameMatches(list: string[], host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return list.some((n) => (n.startsWith('*.') ? h.endsWith(n.slice(1)) : h === n));
}

export class CallbackGuard {
  private readonly denied: Rules;
  private readonly allowed: Rules;

  constructor(policy: CallbackPolicy) {
    this.denied = rules([...ALWAYS_DENIED, ...DENIED_NAMES, ...(policy.allowLoopback ? [] : LOOPBACK), ...(policy.deny ?? [])]);
    this.allowed = rules(policy.allow ?? []);
  }

  /**
   * Why an address is refused, or undefined when it is allowed. Deny always wins; with an allow
   * list, the address must be listed unless its host name is (`nameAllowed`).
   */
  addressRefusal(address: string, nameAllowed = false): string | undefined {
    const ip = unmap(address);
    if (this.denied.ips.check(ip, family(ip))) return `address ${ip} is denied by the callback policy`;
    if (this.allowed.any && !nameAllowed && !this.allowed.ips.check(ip, family(ip))) return `address ${ip} is not in the callback allow list`;
    return undefined;
  }

  private nameAllowed(host: string): boolean {
    return nameMatches(this.allowed.names, host);
  }

  /**
   * Syntax and literal checks only (no DNS): an absolute http(s) URL whose host is not denied.
   * Malformed → 400; refused by policy → 422.
   */
  parse(raw: string, what = 'callbackUri'): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new BadRequest(`${what} '${raw.slice(0, 200)}' is not an absolute URI.`, 'INVALID_CALLBACK_URI');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new BadRequest(`${what} must be an http or https URI, got scheme '${url.protocol.replace(/:$/, '')}'.`, 'INVALID_CALLBACK_URI');
    }
    if (!url.hostname) throw new BadRequest(`${what} '${raw.slice(0, 200)}' has no host.`, 'INVALID_CALLBACK_URI');
    const host = hostOf(url);
    const refusal = isIP(host)
      ? this.addressRefusal(host)
      : nameMatches(this.denied.names, host)
        ? `host ${host} is denied by the callback policy`
        : undefined;
    if (refusal) throw new Unprocessable(`${what} refused: ${refusal}.`, 'CALLBACK_URI_DENIED');
    return url;
  }

  /** parse() plus every address the name resolves to (422 when one is refused or none resolves). */
  async check(raw: string, what = 'callbackUri'): Promise<URL> {
    const url = this.parse(raw, what);
    const host = hostOf(url);
    if (isIP(host)) return url;
    let addrs: LookupAddress[];
    try {
      addrs = await dns.lookup(host, { all: true });
    } catch (e) {
      throw new Unprocessable(`${what} host ${host} does not resolve (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, 'CALLBACK_URI_UNREACHABLE');
    }
    for (const a of addrs) {
      const refusal = this.addressRefusal(a.address, this.nameAllowed(host));
      if (refusal) throw new Unprocessable(`${what} refused: ${host} resolves to ${a.address}; ${refusal}.`, 'CALLBACK_URI_DENIED');
    }
    return url;
  }

  /** A net.connect `lookup` that drops refused addresses (used by the delivery HTTP agent). */
  readonly lookup = (hostname: string, options: object, callback: (...args: unknown[]) => void): void => {
    const opts = options as { all?: boolean };
    dnsLookup(hostname, { ...(options as object), all: true }, (err, addresses) => {
      if (err) return callback(err);
      const byName = this.nameAllowed(hostname);
      const ok = (addresses as LookupAddress[]).filter((a) => this.addressRefusal(a.address, byName) === undefined);
      if (ok.length === 0) {
        const e = Object.assign(new Error(`callback host ${hostname} resolves only to addresses the callback policy refuses`), { code: 'ECALLBACKDENIED' });
        return callback(e);
      }
      if (opts.all) return callback(null, ok);
      return callback(null, ok[0].address, ok[0].family);
    });
  };
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}
