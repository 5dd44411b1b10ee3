import type { FastifyInstance } from 'fastify';
import type { MecCentre } from '../../mec/index.js';
import type { EsrKind } from '../../store/mec-esr.js';
import { checkPathIp, checkPathUuid, checkTenant } from '../../mec/validate.js';
import { listOf, params, query, route } from './route.js';

// ESR (seed "ESR"): app stores, AppLCMs and MEC hosts per tenant, at the seed's paths and at
// EdgeGallery inventory's (/inventory/v1/tenants/{t}/appstores|applcms|mechosts), plus the ESR
// health check. Single records are addressed by id (app stores, AppLCMs) or IP (hosts).

interface KindRoutes {
  kind: EsrKind;
  label: string;
  create: string;
  collection: string;
  item: string;
  inventory: string;
  /** hosts are addressed by IP, the others by id */
  byIp: boolean;
}

const KINDS: KindRoutes[] = [
  { kind: 'appstore', label: 'app store', create: 'appstore', collection: 'appstores', item: 'appstores/:key', inventory: 'appstores', byIp: false },
  { kind: 'applcm', label: 'AppLCM', create: 'applcm', collection: 'applcms', item: 'applcms/applcm/:key', inventory: 'applcms', byIp: false },
  { kind: 'host', label: 'MEC host', create: 'host', collection: 'hosts', item: 'hosts/host/:key', inventory: 'mechosts', byIp: true },
];

export function esrRoutes(app: FastifyInstance, centre: MecCentre): void {
  const { esr } = centre;
  for (const k of KINDS) {
    const seed = `/tenant/:tenant_id`;
    const inv = `/inventory/v1/tenants/:tenant_id/${k.inventory}`;
    const keyOf = async (tenant: string, key: string): Promise<string> => {
      if (!k.byIp) return checkPathUuid(key, `${k.kind}Id`);
      return String((await esr.hostByIp(tenant, checkPathIp(key))).mechostId);
    };
    route(app, 'POST', [`${seed}/${k.create}`, { url: inv, envelope: 'inventory' }], { summary: `Register a ${k.label}` }, async (r) => ({
      status: 201,
      body: await esr.create(k.kind, checkTenant(params(r).tenant_id), r.body),
      word: 'Saved',
    }));
    route(app, 'PUT', [`${seed}/${k.create}`], { summary: `Update a ${k.label} (named in the body)` }, async (r) => ({
      status: 200,
      body: await esr.update(k.kind, checkTenant(params(r).tenant_id), r.body),
    }));
    route(app, 'PUT', [{ url: `${inv}/:key`, envelope: 'inventory' }], { summary: `Update a ${k.label}` }, async (r) => {
      const p = params(r);
      const tenant = checkTenant(p.tenant_id);
      const pathKey = k.byIp ? { field: 'mechostIp', value: checkPathIp(p.key) } : undefined;
      const body = k.byIp ? r.body : { ...(r.body as object), [`${k.kind}Id`]: checkPathUuid(p.key, `${k.kind}Id`) };
      return { status: 200, body: await esr.update(k.kind, tenant, body, pathKey), word: 'Updated' };
    });
    route(app, 'GET', [`${seed}/${k.collection}`, inv], { summary: `List ${k.label}s` }, async (r) => ({
      status: 200,
      body: await esr.listJson(k.kind, checkTenant(params(r).tenant_id)),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    }));
    route(app, 'DELETE', [`${seed}/${k.collection}`, { url: inv, envelope: 'inventory' }], { summary: `Delete several (or all) ${k.label}s of the tenant` }, async (r) => {
      const tenant = checkTenant(params(r).tenant_id);
      const body = (r.body ?? {}) as Record<string, unknown>;
      const keys = listOf(query(r).ids, body.ids, body[`${k.kind}Ids`], k.byIp ? (query(r).ips ?? body.ips) : undefined);
      const ids = keys ? await Promise.all(keys.map((x) => keyOf(tenant, x))) : undefined;
      return { status: 200, body: await esr.deleteMany(k.kind, tenant, ids), word: 'Deleted' };
    });
    route(app, 'GET', [`${seed}/${k.item}`, `${inv}/:key`], { summary: `Get a ${k.label}` }, async (r) => {
      const tenant = checkTenant(params(r).tenant_id);
      if (k.byIp) return { status: 200, body: await esr.hostByIp(tenant, checkPathIp(params(r).key)) };
      return { status: 200, body: await esr.get(k.kind, tenant, await keyOf(tenant, params(r).key)) };
    });
    route(app, 'DELETE', [`${seed}/${k.item}`, { url: `${inv}/:key`, envelope: 'inventory' }], { summary: `Delete a ${k.label}` }, async (r) => {
      const tenant = checkTenant(params(r).tenant_id);
      await esr.delete(k.kind, tenant, await keyOf(tenant, params(r).key));
      return { status: 204, word: 'Deleted' };
    });
  }
  route(app, 'GET', ['/mec/v1/mgmt/esr/health_check'], { summary: 'ESR health: database and every AppLCM' }, async () => {
    const h = await centre.health();
    return { status: h.status === 'DOWN' ? 503 : 200, body: h.body };
  });
}
