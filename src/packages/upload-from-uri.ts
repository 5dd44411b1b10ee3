import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { BadRequest, PayloadTooLarge, ProblemError } from '../errors.js';
import { CallbackGuard } from '../notify/callback-guard.js';
import type { BlobStore } from './blob-store.js';
import type { PackageOnboarding } from './onboarding.js';

// POST …/package_content/upload_from_uri (SOL005 9.4.6): answered with 202 as soon as the package
// is UPLOADING; the CSAR is then fetched in the background, streamed into the blob store under
// the upload limit, and processed as an uploaded one. A failed fetch ends in ERROR with a
// ProblemDetails saying what happened (Tacker leaves the reason in its log only).
// Targets go through the SSRF guard of the notification client: link-local and metadata
// addresses never, loopback only when configured (MECANO_UPLOAD_ALLOW_LOOPBACK), names checked
// again at connect time. Redirects are followed by hand so that every hop is checked.

/** SOL005 v2.6.1 9.5.2.3 UploadVnfPkgFromUriRequest (as Tacker's v1 reads it). */
export interface UploadVnfPkgFromUriRequest {
  addressInformation: string;
  userName?: string;
  password?: string;
}

export interface UriUploadOptions {
  allowLoopback: boolean;
  maxBytes: number;
  connectTimeoutMs?: number;
  /** Until the response headers arrive. */
  headersTimeoutMs?: number;
  /** Longest pause between two body chunks (the whole transfer may take as long as it needs). */
  bodyIdleTimeoutMs?: number;
  maxRedirects?: number;
}

interface Logger {
  warn(o: object, m?: string): void;
  error(o: object, m?: string): void;
}

const failed = (detail: string, code = 'UPLOAD_FROM_URI_FAILED') => new ProblemError(422, code, detail);

/** The URI without user info or query (which may carry tokens), for messages. */
function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function describeError(e: unknown, url: URL, opts: Required<UriUploadOptions>): ProblemError {
  if (e instanceof ProblemError) return e;
  const err = e as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code ?? err.name ?? 'ERROR';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return failed(`GET ${shown(url)}: no connection within ${opts.connectTimeoutMs} ms.`, 'UPLOAD_FROM_URI_TIMEOUT');
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return failed(`GET ${shown(url)}: no response within ${opts.headersTimeoutMs} ms.`, 'UPLOAD_FROM_URI_TIMEOUT');
  if (code === 'UND_ERR_BODY_TIMEOUT') return failed(`GET ${shown(url)}: the transfer stalled for ${opts.bodyIdleTimeoutMs} ms.`, 'UPLOAD_FROM_URI_TIMEOUT');
  if (code === 'ECALLBACKDENIED') {
    const why = (err.cause?.message ?? err.message ?? '').replace(/callback/g, 'upload');
    return failed(`GET ${shown(url)} refused: ${why}.${opts.allowLoopback ? '' : ' Loopback addresses are allowed only with MECANO_UPLOAD_ALLOW_LOOPBACK=true.'}`, 'UPLOAD_URI_DENIED');
  }
  return failed(`GET ${shown(url)} failed: ${code}: ${(err.cause?.message ?? err.message ?? String(e)).slice(0, 300)}`);
}

export class UriUploads {
  private readonly opts: Required<UriUploadOptions>;
  private readonly guard: CallbackGuard;
  private agent: Agent | undefined;
  private readonly jobs = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private stopping = false;

  constructor(
    private readonly deps: { onboarding: PackageOnboarding; blobs: BlobStore; log?: Logger },
    options: UriUploadOptions,
  ) {
    this.opts = { connectTimeoutMs: 10_000, headersTimeoutMs: 30_000, bodyIdleTimeoutMs: 60_000, maxRedirects: 5, ...options };
    this.guard = new CallbackGuard({ allowLoopback: options.allowLoopback });
  }

  private dispatcher(): Agent {
    this.agent ??= new Agent({
      headersTimeout: this.opts.headersTimeoutMs,
      bodyTimeout: this.opts.bodyIdleTimeoutMs,
      connect: { timeout: this.opts.connectTimeoutMs, lookup: this.guard.lookup as never },
    });
    return this.agent;
  }

  /** The guard's verdict on one URI, worded for package uploads. */
  private target(raw: string, what: string): URL {
    try {
      return this.guard.parse(raw, what);
    } catch (e) {
      if (!(e instanceof ProblemError)) throw e;
      if (e.status === 400) throw new BadRequest(e.detail, 'INVALID_ADDRESS_INFORMATION');
      const hint = this.opts.allowLoopback ? '' : ' Loopback addresses are allowed only with MECANO_UPLOAD_ALLOW_LOOPBACK=true.';
      throw new ProblemError(422, 'UPLOAD_URI_DENIED', `${e.detail.replace(/callback policy/g, 'upload policy')}${hint}`);
    }
  }

  /** Checks the request (400/422), moves the package to UPLOADING (404/409) and starts the transfer. */
  async start(id: string, req: UploadVnfPkgFromUriRequest): Promise<void> {
    const url = this.target(req.addressInformation, 'addressInformation');
    if (url.username || url.password) throw new BadRequest('addressInformation must not carry credentials; use userName and password.', 'INVALID_ADDRESS_INFORMATION');
    if (req.password !== undefined && req.userName === undefined) throw new BadRequest('password given without userName.', 'INVALID_ADDRESS_INFORMATION');
    await this.deps.onboarding.beginUpload(id);
    const abort = new AbortController();
    const done = this.run(id, url, req, abort.signal).finally(() => this.jobs.delete(id));
    this.jobs.set(id, { abort, done });
  }

  private async run(id: string, url: URL, req: UploadVnfPkgFromUriRequest, signal: AbortSignal): Promise<void> {
    let stored: { sha256: string; size: number };
    try {
      const body = await this.open(url, req, signal);
      stored = await this.deps.blobs.put(body, { maxBytes: this.opts.maxBytes });
    } catch (e) {
      if (this.stopping) {
        // Shutting down: like an interrupted PUT, the package returns to CREATED.
        await this.deps.onboarding.resetUpload(id).catch(() => undefined);
        return;
      }
      const problem = describeError(e, url, this.opts);
      await this.deps.onboarding.failUpload(id, problem).catch((err) => this.deps.log?.error({ err, vnfPkgId: id }, 'upload_from_uri: recording the failure failed'));
      return;
    }
    try {
      await this.deps.onboarding.process(id, stored.sha256, stored.size);
    } catch (err) {
      this.deps.log?.error({ err, vnfPkgId: id }, 'upload_from_uri: processing failed');
    }
  }

  /** GET with redirects followed by hand (each hop checked by the guard); the body of the final 200. */
  private async open(start: URL, req: UploadVnfPkgFromUriRequest, signal: AbortSignal): Promise<Readable> {
    let url = start;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { accept: 'application/zip, application/octet-stream;q=0.9, */*;q=0.5' };
      // Credentials go to the origin the client named only, never to a redirect target elsewhere.
      if (req.userName !== undefined && url.origin === start.origin) {
        headers.authorization = `Basic ${Buffer.from(`${req.userName}:${req.password ?? ''}`).toString('base64')}`;
      }
      const res: Dispatcher.ResponseData = await request(url, { method: 'GET', headers, dispatcher: this.dispatcher(), signal });
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        await res.body.dump();
        if (hop >= this.opts.maxRedirects) throw failed(`GET ${shown(start)}: more than ${this.opts.maxRedirects} redirects.`);
        url = this.target(new URL(String(res.headers.location), url).toString(), 'redirect target');
        continue;
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw failed(`GET ${shown(url)} answered HTTP ${res.statusCode}${res.statusCode === 401 ? ' (check userName and password)' : ''}.`);
      }
      const length = Number(res.headers['content-length']);
      if (Number.isFinite(length) && length > this.opts.maxBytes) {
        res.body.destroy();
        throw new PayloadTooLarge(`GET ${shown(url)}: the package is ${length} bytes, more than the upload limit of ${this.opts.maxBytes} bytes.`);
      }
      return res.body;
    }
  }

  /** Transfers in progress (tests and shutdown). */
  get running(): number {
    return this.jobs.size;
  }

  /** Waits for the transfer of one package, if any (tests). */
  async settle(id: string): Promise<void> {
    await this.jobs.get(id)?.done;
  }

  /** Aborts every transfer (their packages return to CREATED) and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    const jobs = [...this.jobs.values()];
    for (const j of jobs) j.abort.abort();
    await Promise.allSettled(jobs.map((j) => j.done));
    await this.agent?.close();
    this.agent = undefined;
  }
}
