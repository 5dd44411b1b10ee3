import { InfraSpecError } from './driver.js';

// Pure IPv4 address allocation from a link's subnet. The caller keeps the used set in the
// database (so allocation survives restarts and is shared by every mecano process) and passes it
// in; nothing here remembers anything. The network address, the broadcast address and the first
// host (the gateway, given to the bridge of an external link) are never handed out.

export interface Subnet {
  /** Normalised `a.b.c.d/p` with the host bits cleared. */
  cidr: string;
  network: number;
  prefix: number;
}

export class AddressPoolExhausted extends InfraSpecError {
  constructor(cidr: string) {
    super(`no free address left in ${cidr}`, 'ADDRESS_POOL_EXHAUSTED');
  }
}

export function ipv4ToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new InfraSpecError(`'${ip}' is not an IPv4 address`, 'INVALID_ADDRESS');
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new InfraSpecError(`'${ip}' is not an IPv4 address`, 'INVALID_ADDRESS');
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses `a.b.c.d/p`; prefixes longer than /30 leave no host besides the gateway and are refused. */
export function parseSubnet(cidr: string): Subnet {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) throw new InfraSpecError(`'${cidr}' is not an IPv4 CIDR such as 10.251.0.0/24`, 'INVALID_CIDR');
  const prefix = Number(m[2]);
  if (prefix < 8 || prefix > 30) throw new InfraSpecError(`the prefix of '${cidr}' must be from /8 to /30`, 'INVALID_CIDR');
  const mask = (0xffffffff << (32 - prefix)) >>> 0;
  let base: number;
  try {
    base = ipv4ToInt(m[1]);
  } catch {
    throw new InfraSpecError(`'${cidr}' is not an IPv4 CIDR such as 10.251.0.0/24`, 'INVALID_CIDR');
  }
  const network = (base & mask) >>> 0;
  return { cidr: `${intToIpv4(network)}/${prefix}`, network, prefix };
}

/** Strips an optional `/p` suffix: the used set may hold either form. */
export function bareAddress(address: string): string {
  const i = address.indexOf('/');
  return i < 0 ? address : address.slice(0, i);
}

function broadcastOf(s: Subnet): number {
  return s.network + 2 ** (32 - s.prefix) - 1;
}

export function gatewayOf(cidr: string): string {
  return intToIpv4(parseSubnet(cidr).network + 1);
}

/** Number of addresses this pool can hand out (hosts minus the gateway). */
export function poolCapacity(cidr: string): number {
  return 2 ** (32 - parseSubnet(cidr).prefix) - 3;
}

export function inSubnet(cidr: string, ip: string): boolean {
  const s = parseSubnet(cidr);
  const n = ipv4ToInt(bareAddress(ip));
  return n >= s.network && n <= broadcastOf(s);
}

/**
 * The lowest free addresses (as `a.b.c.d/p`), `count` of them. Lowest-first keeps allocation
 * deterministic, so a retried step asks for and gets the same address when nothing changed.
 */
export function allocateAddresses(cidr: string, used: Iterable<string>, count: number): string[] {
  const s = parseSubnet(cidr);
  const taken = new Set<number>();
  for (const u of used) taken.add(ipv4ToInt(bareAddress(u)));
  const out: string[] = [];
  const last = broadcastOf(s) - 1;
  for (let n = s.network + 2; n <= last && out.length < count; n++) {
    if (!taken.has(n)) out.push(`${intToIpv4(n)}/${s.prefix}`);
  }
  if (out.length < count) throw new AddressPoolExhausted(s.cidr);
  return out;
}

export function allocateAddress(cidr: string, used: Iterable<string>): string {
  return allocateAddresses(cidr, used, 1)[0];
}

/** The used set without `address` (compared without prefix); a new array, the input is untouched. */
export function releaseAddress(used: Iterable<string>, address: string): string[] {
  const gone = bareAddress(address);
  return [...used].filter((u) => bareAddress(u) !== gone);
}
