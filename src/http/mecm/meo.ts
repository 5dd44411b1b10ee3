import type { FastifyInstance } from 'fastify';
import type { MecCentre } from '../../mec/index.js';
import { MAX_KUBECONFIG_BYTES } from '../../mec/edge/kubeconfig.js';
import type { BaseUrl } from '../common.js';
import { listOf, params, query, route } from './route.js';
import { readSmall } from './upload.js';

// MEO (seed "MEO") at /mec/v1/mgmt/tenant/{t}/… and EdgeGallery APPO's /appo/v1/tenants/{t}/…,
// plus MEC subscriptions and the MECM kubeconfig relay (inventory's …/mechosts/{ip}/k8sconfig).

export function meoRoutes(app: FastifyInstance, centre: MecCentre, baseUrl: BaseUrl): void {
  const { meo, hosts, subscriptions } = centre;
  const mgmt = '/mec/v1/mgmt/tenant/:tenant_id';
  const appo = '/appo/v1/tenants/:tenant_id';
  const location = (t: string, id: string) => ({ location: `${baseUrl()}/mec/v1/mgmt/tenant/${t}/app_instance/${id}` });

  route(app, 'POST', [`${mgmt}/app_instance`, { url: `${appo}/app_instances`, envelope: 'appo' }], { summary: 'Create an app instance (instantiate: true also instantiates it)' }, async (r) => {
    const t = params(r).tenant_id;
    const v = await meo.create(t, r.body);
    return { status: 202, body: { app_instance_id: v.appInstanceId, ...v }, headers: location(t, String(v.appInstanceId)) };
  });
  route(app, 'GET', [`${mgmt}/app_instance`, { url: `${appo}/app_instance_infos`, envelope: 'appo' }], { summary: "List the tenant's app instances" }, async (r) => ({
    status: 200,
    body: await meo.list(params(r).tenant_id, { hostIp: query(r).mecHost, ids: listOf(query(r).appinstanceids) }),
  }));
  route(app, 'GET', [`${mgmt}/app_instance/:id`, { url: `${appo}/app_instance_infos/:id`, envelope: 'appo' }], { summary: 'Get an app instance (status, last error, host selection)' }, async (r) => ({
    status: 200,
    body: await meo.get(params(r).tenant_id, params(r).id),
  }));
  route(app, 'GET', [`${mgmt}/app_instance/:id/runtime`, { url: `${appo}/app_instances/:id`, envelope: 'appo' }], { summary: 'Live state of an Instantiated app instance, from its AppLCM' }, async (r) => ({
    status: 200,
    body: await hosts.runtime(params(r).tenant_id, params(r).id),
  }));
  route(app, 'POST', [`${mgmt}/app_instance/:id`, { url: `${appo}/app_instances/:id`, envelope: 'appo' }], { summary: 'Instantiate an app instance' }, async (r) => ({
    status: 202,
    body: await meo.instantiate(params(r).tenant_id, params(r).id, r.body ?? {}),
  }));
  route(app, 'DELETE', [`${mgmt}/app_instance/:id`, { url: `${appo}/app_instances/:id`, envelope: 'appo' }], { summary: 'Terminate on the edge, then delete the app instance' }, async (r) => {
    await meo.delete(params(r).tenant_id, params(r).id);
    return { status: 202 };
  });

  route(app, 'GET', [`${mgmt}/hosts/:hostIp`], { summary: 'Get a MEC host' }, async (r) => ({ status: 200, body: await hosts.host(params(r).tenant_id, params(r).hostIp) }));
  route(app, 'GET', [`${mgmt}/hosts/:hostIp/mep-capabilities`, `${appo}/hosts/:hostIp/mep_capabilities`], { summary: "MEP capabilities of a host (from its AppLCM)" }, async (r) => ({
    status: 200,
    body: await hosts.capabilities(params(r).tenant_id, params(r).hostIp),
  }));
  route(app, 'GET', [`${mgmt}/hosts/:hostIp/node-applist`], { summary: 'Applications running on a host (from its AppLCM)' }, async (r) => ({
    status: 200,
    body: await hosts.appList(params(r).tenant_id, params(r).hostIp),
  }));
  route(app, 'GET', [`${mgmt}/hosts/:hostIp/node-kpi`, { url: `${appo}/hosts/:hostIp/kpi`, envelope: 'lcm' }], { summary: 'CPU and memory of a host (from its AppLCM)' }, async (r) => ({
    status: 200,
    body: await hosts.kpi(params(r).tenant_id, params(r).hostIp),
  }));
  route(app, 'POST', [`${mgmt}/applcm/host/:hostIp/k8sconfig`, '/inventory/v1/tenants/:tenant_id/mechosts/:hostIp/k8sconfig'], { summary: "Relay a host's kubeconfig to its AppLCM" }, async (r) => {
    const { data } = await readSmall(r, MAX_KUBECONFIG_BYTES);
    return { status: 200, body: await hosts.uploadKubeconfig(params(r).tenant_id, params(r).hostIp, data) };
  });
  route(app, 'DELETE', [`${mgmt}/applcm/host/:hostIp/k8sconfig`, '/inventory/v1/tenants/:tenant_id/mechosts/:hostIp/k8sconfig'], { summary: "Remove a host's kubeconfig from its AppLCM" }, async (r) => ({
    status: 200,
    body: await hosts.deleteKubeconfig(params(r).tenant_id, params(r).hostIp),
  }));

  route(app, 'POST', [`${mgmt}/subscriptions`, `${appo}/subscriptions`], { summary: 'Subscribe to app instance status changes' }, async (r) => {
    const s = await subscriptions.create(params(r).tenant_id, r.body);
    return { status: 201, body: s, headers: { location: String((s._links as { self: { href: string } }).self.href) } };
  });
  route(app, 'GET', [`${mgmt}/subscriptions`, `${appo}/subscriptions`], { summary: 'List subscriptions' }, async (r) => ({ status: 200, body: await subscriptions.list(params(r).tenant_id) }));
  route(app, 'GET', [`${mgmt}/subscriptions/:id`, `${appo}/subscriptions/:id`], { summary: 'Get a subscription' }, async (r) => ({ status: 200, body: await subscriptions.get(params(r).tenant_id, params(r).id) }));
  route(app, 'DELETE', [`${mgmt}/subscriptions/:id`, `${appo}/subscriptions/:id`], { summary: 'Delete a subscription' }, async (r) => {
    await subscriptions.delete(params(r).tenant_id, params(r).id);
    return { status: 204 };
  });
}
