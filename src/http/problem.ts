import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, defaultTitle, toProblemDetails, type ProblemDetails } from '../errors.js';

// One error handler for the whole service: everything leaves as application/problem+json.
// Client mistakes get their 4xx with a detail that names the offending input; anything else
// is a 500 whose body says nothing internal (the error is logged with the request id).

export function sendProblem(reply: FastifyReply, p: ProblemDetails): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}

function validationDetail(err: FastifyError): string {
  const items = (err.validation ?? []).map((v) => {
    const where = `${err.validationContext ?? 'body'}${v.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`;
    const params = v.params as Record<string, unknown>;
    if (v.keyword === 'additionalProperties') return `${where}: unknown field '${String(params.additionalProperty)}'`;
    if (v.keyword === 'required') return `${where}: missing required field '${String(params.missingProperty)}'`;
    if (v.keyword === 'enum') return `${where}: must be one of ${JSON.stringify(params.allowedValues)}`;
    return `${where}: ${v.message ?? v.keyword}`;
  });
  return items.length ? items.join('; ') : err.message;
}

const FASTIFY_CLIENT_ERRORS: Record<string, (e: FastifyError) => [number, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (e) => [415, e.message],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: (e) => [400, e.message],
  FST_ERR_CTP_BODY_TOO_LARGE: () => [413, 'Request body is larger than the configured limit.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: () => [400, 'body is missing'],
  FST_ERR_CTP_INVALID_JSON_BODY: () => [400, 'Malformed JSON body.'],
  FST_ERR_CTP_EMPTY_TYPE: () => [415, 'Content-Type header is empty.'],
  FST_ERR_CTP_INVALID_TYPE: () => [415, 'Content-Type header is invalid.'],
};

export function problemFromError(err: unknown, request: FastifyRequest): ProblemDetails {
  if (err instanceof ProblemError) return err.toProblem();
  const fe = err as FastifyError;
  if (fe && fe.validation) return { title: defaultTitle(400), status: 400, detail: validationDetail(fe) };
  if (fe && typeof fe.code === 'string' && FASTIFY_CLIENT_ERRORS[fe.code]) {
    const [status, detail] = FASTIFY_CLIENT_ERRORS[fe.code](fe);
    return { title: defaultTitle(status), status, detail };
  }
  // JSON.parse errors raised by our own content-type parsers.
  if (err instanceof SyntaxError) return { title: defaultTitle(400), status: 400, detail: `Malformed JSON body: ${err.message}` };
  const status = fe?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { title: defaultTitle(status), status, detail: fe.message };
  }
  request.log.error({ err }, 'unhandled error');
  return toProblemDetails(err);
}

interface KnownRoute {
  method: string;
  pattern: RegExp;
}

function routeRegex(url: string): RegExp {
  const src = url
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${src}/?$`);
}

/** Error handler, 404 handler and the 405 detection (Fastify itself answers 404 for a wrong method). */
export function installProblemHandlers(app: FastifyInstance): void {
  const known: KnownRoute[] = [];
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const m of methods) known.push({ method: m, pattern: routeRegex(r.url) });
  });
  app.setErrorHandler((err, request, reply) => {
    return sendProblem(reply, problemFromError(err, request));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = [...new Set(known.filter((k) => k.pattern.test(path)).map((k) => k.method))].filter((m) => m !== 'HEAD');
    if (allowed.length > 0) {
      reply.header('Allow', allowed.join(', '));
      return sendProblem(reply, { title: defaultTitle(405), status: 405, detail: `Method ${request.method} is not supported on ${path}; allowed: ${allowed.join(', ')}.` });
    }
    return sendProblem(reply, { title: defaultTitle(404), status: 404, detail: `No resource at ${path}.` });
  });
}
