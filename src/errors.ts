// ProblemDetails (SOL013 6.3 / RFC 7807) as the one error shape of mecano.
// Domain code throws ProblemError subclasses; the HTTP layer renders them, and the
// lifecycle engine stores the same rendering in an op occurrence's `error`.

export interface ProblemDetails {
  type?: string;
  title?: string;
  status: number;
  detail: string;
  instance?: string;
  [extra: string]: unknown;
}

export class ProblemError extends Error {
  readonly status: number;
  readonly title: string;
  /** Stable machine-readable code, asserted by tests (in the spirit of FST_ERR_*). */
  readonly code: string;
  readonly type?: string;
  readonly extra?: Record<string, unknown>;

  constructor(status: number, code: string, detail: string, opts: { title?: string; type?: string; extra?: Record<string, unknown>; cause?: unknown } = {}) {
    super(detail, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ProblemError';
    this.status = status;
    this.code = code;
    this.title = opts.title ?? defaultTitle(status);
    this.type = opts.type;
    this.extra = opts.extra;
  }

  get detail(): string {
    return this.message;
  }

  toProblem(instance?: string): ProblemDetails {
    const p: ProblemDetails = { title: this.title, status: this.status, detail: this.message };
    if (this.type) p.type = this.type;
    if (instance) p.instance = instance;
    if (this.extra) Object.assign(p, this.extra);
    return p;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function defaultTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

export class BadRequest extends ProblemError {
  constructor(detail: string, code = 'BAD_REQUEST', extra?: Record<string, unknown>) {
    super(400, code, detail, { extra });
  }
}

export class NotFound extends ProblemError {
  constructor(detail: string, code = 'NOT_FOUND') {
    super(404, code, detail);
  }
}

export class Conflict extends ProblemError {
  constructor(detail: string, code = 'CONFLICT', extra?: Record<string, unknown>) {
    super(409, code, detail, { extra });
  }
}

export class Unprocessable extends ProblemError {
  constructor(detail: string, code = 'UNPROCESSABLE', extra?: Record<string, unknown>) {
    super(422, code, detail, { extra });
  }
}

export class NotAcceptable extends ProblemError {
  constructor(detail: string, code = 'NOT_ACCEPTABLE') {
    super(406, code, detail);
  }
}

export class UnsupportedMediaType extends ProblemError {
  constructor(detail: string, code = 'UNSUPPORTED_MEDIA_TYPE') {
    super(415, code, detail);
  }
}

export class PayloadTooLarge extends ProblemError {
  constructor(detail: string, code = 'PAYLOAD_TOO_LARGE') {
    super(413, code, detail);
  }
}

/** Turns anything thrown into an Error, keeping the original as `cause`. */
export function coerceError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : JSON.stringify(e), { cause: e });
}

/** Renders any error as ProblemDetails; unknown errors become an opaque 500. */
export function toProblemDetails(e: unknown, instance?: string): ProblemDetails {
  if (e instanceof ProblemError) return e.toProblem(instance);
  const p: ProblemDetails = { title: defaultTitle(500), status: 500, detail: 'An internal error occurred; see the server log.' };
  if (instance) p.instance = instance;
  return p;
}
