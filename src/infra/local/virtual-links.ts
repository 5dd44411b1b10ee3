import { gatewayOf, inSubnet, parseSubnet } from '../address-pool.js';
import { InfraError, InfraSpecError, type InfraMode, type LinkResource, type LinkSpec } from '../driver.js';
import { bridgePorts, createBridge, deleteLink, ensureAddress, getLink, ipv4Addresses, setUp } from './links.js';
import { bridgeName, isValidIfName, parseName } from './naming.js';

// Virtual links as Linux bridges. Internal links get an `mcbr…` bridge of their own. External
// links attach to the bridge the request names; when it does not exist mecano creates it and
// marks it with an interface alias, so that whoever looks later (a retried step after a crash,
// removal, gc) can tell a bridge mecano made from one an operator made, without the database.
// An operator's bridge is brought up (attached CPs are dead otherwise) but never readdressed or
// deleted.

const ALIAS_PREFIX = 'mecano:';

export function creatorAlias(instanceId: string, linkId: string): string {
  return `${ALIAS_PREFIX}${instanceId}:${linkId}`.slice(0, 255);
}

export function isMecanoAlias(alias: string | undefined): boolean {
  return alias?.startsWith(ALIAS_PREFIX) ?? false;
}

/** The instance id in a creator alias (ids are UUIDs and hold no colon). */
export function aliasInstanceId(alias: string | undefined): string | undefined {
  if (!isMecanoAlias(alias)) return undefined;
  return (alias as string).slice(ALIAS_PREFIX.length).split(':')[0];
}

function base(spec: LinkSpec, mode: InfraMode, resourceId: string, createdByMecano: boolean): LinkResource {
  const res: LinkResource = { linkId: spec.linkId, instanceId: spec.instanceId, resourceId, mode, external: spec.external !== undefined, createdByMecano };
  if (spec.cidr) res.cidr = parseSubnet(spec.cidr).cidr;
  return res;
}

/**
 * Finds or makes the bridge. `created` tells whether mecano made it, read from the kernel marker
 * rather than remembered, so a retried call after a crash answers the same as the first one.
 */
async function ensureBridge(spec: LinkSpec, name: string): Promise<{ created: boolean }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await getLink(name);
    if (existing && existing.kind !== 'bridge') {
      throw new InfraError(`interface ${name} exists but is a ${existing.kind ?? 'plain device'}, not a bridge`, 'NOT_A_BRIDGE');
    }
    if (existing) {
      // Up is idempotent, and a bridge that is down silently drops everything attached to it.
      await setUp(name);
      return { created: isMecanoAlias(existing.alias) || spec.external === undefined };
    }
    const tmp = bridgeName(spec.instanceId, `tmp:${spec.linkId}`);
    if (await createBridge(name, creatorAlias(spec.instanceId, spec.linkId), tmp)) return { created: true };
  }
  throw new InfraError(`bridge ${name} kept appearing and disappearing while being created`, 'BRIDGE_RACE');
}

export async function ensureLink(spec: LinkSpec, mode: InfraMode): Promise<LinkResource> {
  const external = spec.external?.bridge;
  if (external !== undefined && !isValidIfName(external)) {
    throw new InfraSpecError(`bridge name '${external}' is not a valid interface name (1-15 letters, digits, '_', '.', '-')`, 'INVALID_BRIDGE_NAME');
  }
  const name = external ?? bridgeName(spec.instanceId, spec.linkId);
  if (mode === 'loopback') return base(spec, mode, name, external === undefined);
  const { created } = await ensureBridge(spec, name);
  const res = base(spec, mode, name, created);
  if (external !== undefined && res.cidr) {
    const gateway = await externalGateway(name, res.cidr, created);
    if (gateway) res.gatewayIp = gateway;
  }
  return res;
}

/**
 * On a bridge mecano made, the subnet's first host is the gateway (the address pool never hands it
 * out). An operator's bridge is not changed: an address it already has in the subnet is used.
 */
async function externalGateway(bridge: string, cidr: string, created: boolean): Promise<string | undefined> {
  if (created) {
    const gw = gatewayOf(cidr);
    await ensureAddress(bridge, `${gw}/${parseSubnet(cidr).prefix}`);
    return gw;
  }
  const found = (await ipv4Addresses(bridge)).find((a) => inSubnet(cidr, a));
  return found?.split('/')[0];
}

/**
 * Internal bridges are deleted. An external bridge is deleted only if mecano made it and nothing
 * is attached any more (another instance may share it); an operator's bridge is never touched.
 */
export async function removeLink(res: LinkResource): Promise<boolean> {
  if (res.mode === 'loopback') return false;
  const current = await getLink(res.resourceId);
  if (!current || current.kind !== 'bridge') return false;
  if (!res.external) {
    if (parseName(res.resourceId)?.kind !== 'bridge') return false;
    return deleteLink(res.resourceId);
  }
  if (!isMecanoAlias(current.alias)) return false;
  if ((await bridgePorts(res.resourceId)).length > 0) return false;
  return deleteLink(res.resourceId);
}
