import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';

// Accommodations for python-tackerclient (Debian 1.12.0, `openstack vnf package …`) on
// /vnfpkgm/v1, observed on the wire:
//
// 1. `vnf package upload --path <csar>` sends
//      PUT /vnfpkgm/v1/vnf_packages/{id}/package_content
//      Content-Type: application/zip, Accept: application/zip   (Accept mirrors the body's type)
//    The 202 answer has no body, so Accept constrains nothing; a 406 would only break the client.
//    PUT routes whose success answers are all empty (202/204, null schema) therefore produce no
//    media type, which src/http/media.ts reads as "any Accept will do".
// 2. `vnf package artifact download <id> <path>` sends
//      GET /vnfpkgm/v1/vnf_packages/{id}/artifacts/{path}
//      Accept: application/json                                   (the client's default for every call)
//    and saves whatever comes back. From that client (User-Agent python-tackerclient), an Accept
//    of exactly application/json on an artifact is read as */* (Tacker serves it the same way).
//
// Registered before the routes of the scope: onRoute hooks see only routes added after them.

const EMPTY_SUCCESS = new Set(['202', '204']);

function answersWithoutBody(response: Record<string, unknown> | undefined): boolean {
  if (!response) return false;
  const success = Object.entries(response).filter(([code]) => code.startsWith('2'));
  return success.length > 0 && success.every(([code, s]) => EMPTY_SUCCESS.has(code) && (s as { type?: string } | undefined)?.type === 'null');
}

const hasMethod = (route: RouteOptions, m: string) => (Array.isArray(route.method) ? route.method.includes(m as never) : route.method === m);

async function tackerArtifactAccept(request: FastifyRequest): Promise<void> {
  const ua = request.headers['user-agent'] ?? '';
  if (ua.startsWith('python-tackerclient') && request.headers.accept === 'application/json') request.headers.accept = '*/*';
}

export function tackerClientCompat(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    if (hasMethod(route, 'PUT') && route.config?.produces === undefined && answersWithoutBody(route.schema?.response as Record<string, unknown> | undefined)) {
      route.config = { ...(route.config ?? {}), produces: [] };
    }
    if (hasMethod(route, 'GET') && route.url.endsWith('/artifacts/*')) {
      const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
      route.preHandler = [tackerArtifactAccept, ...existing];
    }
  });
}
