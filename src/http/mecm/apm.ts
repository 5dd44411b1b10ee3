import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { MecCentre } from '../../mec/index.js';
import { listOf, params, route } from './route.js';
import { readUpload } from './upload.js';

// APM (seed "APP Package Management") at the seed's paths and EdgeGallery APM's
// (/apm/v1/tenants/{t}/packages…). Distribution to hosts is the upload's optional host list
// (`hostList`, as APM's upload form) or an explicit per-host POST, which also retries a host
// whose distribution ended in Error or Timeout.

export function apmRoutes(app: FastifyInstance, centre: MecCentre, uploadLimit: number): void {
  const { apm } = centre;
  const seed = '/tenant/:tenant_id/package';
  const eg = '/apm/v1/tenants/:tenant_id/packages';

  route(app, 'GET', ['/packageresource/:appPkgId'], { summary: 'Get an app package by id' }, async (r) => ({ status: 200, body: await apm.get(undefined, params(r).appPkgId) }));
  route(app, 'GET', [seed, eg], { summary: "List the tenant's app packages" }, async (r) => ({ status: 200, body: await apm.list(params(r).tenant_id) }));
  route(app, 'GET', [`${seed}/:appPkgId`, `${eg}/:appPkgId`], { summary: 'Get an app package with its per-host distribution status' }, async (r) => ({
    status: 200,
    body: await apm.get(params(r).tenant_id, params(r).appPkgId),
  }));
  route(app, 'POST', [`${seed}/:appPkgId`], { summary: 'Upload (onboard) an app package; hostList distributes it', bodyLimit: uploadLimit }, async (r) => {
    const up = await readUpload(r);
    const body = await apm.upload(params(r).tenant_id, params(r).appPkgId, up.stream, { appId: up.fields.appId, hostIps: listOf(up.fields.hostList, up.fields.hostIp) });
    return { status: 201, body };
  });
  // EdgeGallery APM's upload generates the ids: appId and packageId, each 32 hex.
  route(app, 'POST', [`${eg}/upload`], { summary: 'Upload an app package (ids generated)', bodyLimit: uploadLimit }, async (r) => {
    const up = await readUpload(r);
    const appId = up.fields.appId ?? randomBytes(16).toString('hex');
    const body = await apm.upload(params(r).tenant_id, appId + randomBytes(16).toString('hex'), up.stream, { appId, hostIps: listOf(up.fields.hostList) });
    return { status: 201, body: { appPackageId: body.appPkgId, appId: body.appId, ...body } };
  });
  route(app, 'POST', [`${seed}/:appPkgId/host/:hostIp`, `${eg}/:appPkgId/hosts/:hostIp`], { summary: 'Distribute (or redistribute) the package to one host' }, async (r) => ({
    status: 202,
    body: await apm.distribute(params(r).tenant_id, params(r).appPkgId, [params(r).hostIp]),
  }));
  route(app, 'POST', [`${seed}/:appPkgId/hosts`, `${eg}/:appPkgId/hosts`], { summary: 'Distribute the package to several hosts ({hostIp: [..]})' }, async (r) => {
    const b = (r.body ?? {}) as Record<string, unknown>;
    return { status: 202, body: await apm.distribute(params(r).tenant_id, params(r).appPkgId, listOf(b.hostIp, b.hostList, b.mecHost) ?? []) };
  });
  route(app, 'GET', [`${seed}/:appPkgId/download`, `${eg}/:appPkgId/download`], { summary: 'Download the CSAR', produces: ['application/zip', 'application/octet-stream'] }, async (r) => {
    const c = await apm.download(params(r).tenant_id, params(r).appPkgId);
    return { status: 200, stream: c.stream, headers: { 'content-type': 'application/zip', 'content-length': String(c.size), 'content-disposition': `attachment; filename="${params(r).appPkgId}.csar"` } };
  });
  route(app, 'DELETE', [`${seed}/:appPkgId`, `${eg}/:appPkgId`], { summary: 'Delete the package from every host, then the package' }, async (r) => {
    await apm.delete(params(r).tenant_id, params(r).appPkgId);
    return { status: 204 };
  });
  route(app, 'DELETE', [`${seed}/:appPkgId/host/:hostIp`, `${eg}/:appPkgId/hosts/:hostIp`], { summary: 'Delete the package from one host' }, async (r) => {
    await apm.deleteFromHost(params(r).tenant_id, params(r).appPkgId, params(r).hostIp);
    return { status: 204 };
  });
}
