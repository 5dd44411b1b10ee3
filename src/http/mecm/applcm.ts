import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFound } from '../../errors.js';
import type { MecEdge } from '../../mec/index.js';
import { MAX_KUBECONFIG_BYTES } from '../../mec/edge/kubeconfig.js';
import { checkTenant, invalidInput } from '../../mec/validate.js';
import { params, route } from './route.js';
import { readSmall, readUpload } from './upload.js';

// AppLCM (seed "APPLCM"), served by an edge: /mec/v1/applcm/… and EdgeGallery lcmcontroller's
// /lcmcontroller/v1|v2/… (its {data, retCode, message} envelope). The package endpoints under
// /mec/v1/applcm/tenant/{t}/hosts/{ip}/packages are mecano's (the seed has none): the centre's
// distribution PUTs the CSAR there. All of it sits behind the process's Basic authentication,
// whose credentials the centre registered with the AppLCM.

export function applcmRoutes(app: FastifyInstance, edge: MecEdge, info: { version: string; role: string; infrastructure: () => Promise<unknown> }): void {
  const { applcm, kubeconfigs } = edge;
  const base = '/mec/v1/applcm';
  const v2 = '/lcmcontroller/v2/tenants/:tenant_id';
  const hostBase = `${base}/tenant/:tenant_id/hosts/:hostIp`;

  /** lcmcontroller paths carry the tenant: an instance of another tenant does not exist there. */
  const ownInstance = async (r: FastifyRequest): Promise<Record<string, unknown>> => {
    const doc = await applcm.status(params(r).id);
    const t = params(r).tenant_id;
    if (t !== undefined && doc.tenantId !== checkTenant(t)) throw new NotFound(`App instance ${params(r).id} does not run here.`, 'MEC_INSTANCE_NOT_FOUND');
    return doc;
  };

  route(app, 'GET', [`${base}/health`, '/lcmcontroller/v1/health'], { summary: 'AppLCM health' }, async () => ({
    status: 200,
    body: { status: 'UP', role: info.role, version: info.version, infrastructure: await info.infrastructure() },
  }));
  route(app, 'GET', [`${base}/app_instance/:id`, { url: `${v2}/app_instances/:id`, envelope: 'lcm' }], { summary: 'Query an app instance on this edge' }, async (r) => ({ status: 200, body: await ownInstance(r) }));
  route(app, 'POST', [`${base}/app_instance/:id`], { summary: 'Instantiate an app on this edge (idempotent by id)' }, async (r) => ({ status: 202, body: await applcm.instantiate(params(r).id, r.body) }));
  route(app, 'POST', [{ url: `${v2}/app_instances/:id/instantiate`, envelope: 'lcm' }], { summary: 'Instantiate (lcmcontroller v2)' }, async (r) => {
    const b = (r.body ?? {}) as Record<string, unknown>;
    return { status: 200, body: await applcm.instantiate(params(r).id, { ...b, tenantId: params(r).tenant_id, appPkgId: b.appPkgId ?? b.packageId }) };
  });
  route(app, 'POST', [`${base}/app_instance/:id/terminate`, { url: `${v2}/app_instances/:id/terminate`, envelope: 'lcm' }], { summary: 'Terminate an app on this edge' }, async (r) => {
    if (params(r).tenant_id) await ownInstance(r);
    return { status: 202, body: await applcm.terminate(params(r).id) };
  });

  const hostIpOf = (r: FastifyRequest) => params(r).hostIp;
  route(app, 'POST', [`${base}/host/:hostIp/k8sconfig`], { summary: 'Upload the kubeconfig of a host (kept sealed, never returned)' }, async (r) => {
    const { data } = await readSmall(r, MAX_KUBECONFIG_BYTES);
    return { status: 200, body: await kubeconfigs.upload(hostIpOf(r), data) };
  });
  route(app, 'POST', [{ url: `${v2}/configuration`, envelope: 'lcm' }], { summary: 'Upload a kubeconfig (lcmcontroller v2: configFile + hostIp)' }, async (r) => {
    const { data, fields } = await readSmall(r, MAX_KUBECONFIG_BYTES);
    if (!fields.hostIp) throw invalidInput([{ name: 'hostIp', reason: 'is required' }], 'configuration upload');
    return { status: 200, body: await kubeconfigs.upload(fields.hostIp, data) };
  });
  route(app, 'GET', [`${base}/host/:hostIp/k8sconfig`], { summary: 'Whether a kubeconfig was uploaded (never its content)' }, async (r) => ({ status: 200, body: await kubeconfigs.status(hostIpOf(r)) }));
  route(app, 'DELETE', [`${base}/host/:hostIp/k8sconfig`], { summary: 'Remove the kubeconfig of a host' }, async (r) => ({ status: 200, body: await kubeconfigs.delete(hostIpOf(r)) }));

  route(app, 'GET', [`${hostBase}/mep-capabilities`, `${v2}/hosts/:hostIp/mep_capabilities`], { summary: 'Services on the host: platform and produced by apps' }, async (r) => ({
    status: 200,
    body: await edge.capabilities(params(r).tenant_id, hostIpOf(r)),
  }));
  route(app, 'GET', [`${hostBase}/node-applist`], { summary: 'Apps of the tenant that run on the host' }, async (r) => ({ status: 200, body: await applcm.apps(params(r).tenant_id, hostIpOf(r)) }));
  route(app, 'GET', [`${hostBase}/node-kpi`, { url: `${v2}/hosts/:hostIp/kpi`, envelope: 'lcm' }], { summary: 'CPU and memory of this machine' }, async (r) => {
    checkTenant(params(r).tenant_id);
    return { status: 200, body: await edge.kpi.sample() };
  });

  route(app, 'GET', [`${hostBase}/packages`], { summary: 'Packages distributed to the host' }, async (r) => ({ status: 200, body: await applcm.listPackages(params(r).tenant_id, hostIpOf(r)) }));
  route(app, 'PUT', [`${hostBase}/packages/:appPkgId`], { summary: 'Receive a distributed package (CSAR body; idempotent)' }, async (r) => {
    const up = await readUpload(r);
    return { status: 200, body: await applcm.receivePackage(params(r).tenant_id, hostIpOf(r), params(r).appPkgId, up.stream) };
  });
  route(app, 'GET', [`${hostBase}/packages/:appPkgId`], { summary: 'A distributed package' }, async (r) => ({ status: 200, body: await applcm.getPackage(params(r).tenant_id, hostIpOf(r), params(r).appPkgId) }));
  route(app, 'DELETE', [`${hostBase}/packages/:appPkgId`], { summary: 'Remove a distributed package' }, async (r) => {
    await applcm.deletePackage(params(r).tenant_id, hostIpOf(r), params(r).appPkgId);
    return { status: 204 };
  });
}
