import { Agent, request } from 'undici';
import type { CallbackGuard } from './callback-guard.js';

// Outbound HTTP for callbacks, test GETs and token requests: one keep-alive undici Agent (a pool
// per origin), connections resolved through the SSRF guard, every request bounded by a timeout
// (connect, headers, body and overall). Redirects are not followed: a 3xx is not a delivery.

export interface HttpAnswer {
  status: number;
  /** The first bytes of the response body (error answers; any answer with `text: true`). */
  text: string;
}

export class CallbackHttpError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'CallbackHttpError';
  }
}

const MAX_TEXT = 64 * 1024;

export class CallbackHttp {
  private agent: Agent | undefined;

  constructor(
    private readonly guard: CallbackGuard,
    private readonly timeoutMs: number,
  ) {}

  /** Created on first use and again after close(), so a stopped notifier can start again. */
  private dispatcher(): Agent {
    this.agent ??= new Agent({
      keepAliveTimeout: 30_000,
      connections: 32,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: { timeout: Math.min(this.timeoutMs, 10_000), lookup: this.guard.lookup as never },
    });
    return this.agent;
  }

  /**
   * One request; network failures and timeouts become a CallbackHttpError whose message says
   * what happened (ECONNREFUSED, timeout after N ms, …) without any credential.
   */
  async send(method: 'GET' | 'POST', rawUrl: string, headers: Record<string, string>, body?: string, opts: { text?: boolean } = {}): Promise<HttpAnswer> {
    // Literal IPs never reach `lookup`: check them here (names are checked at connect time).
    this.guard.parse(rawUrl);
    try {
      const res = await request(rawUrl, {
        method,
        headers,
        body,
        dispatcher: this.dispatcher(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // A delivered notification's answer is not read, only drained (keeps the connection reusable).
      if (!opts.text && res.statusCode >= 200 && res.statusCode < 300) {
        await res.body.dump({ limit: MAX_TEXT });
        return { status: res.statusCode, text: '' };
      }
      return { status: res.statusCode, text: await readSome(res.body) };
    } catch (e) {
      throw describe(e, this.timeoutMs);
    }
  }

  async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    await agent?.close();
  }
}

async function readSome(body: AsyncIterable<Buffer> & { dump?: () => Promise<void> }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < MAX_TEXT) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, MAX_TEXT).toString('utf8');
}

function describe(e: unknown, timeoutMs: number): CallbackHttpError {
  const err = e as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code ?? err.name ?? 'ERROR';
  if (err.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new CallbackHttpError(`no answer within ${timeoutMs} ms (${code})`, 'TIMEOUT');
  }
  const msg = err.cause?.message ?? err.message ?? String(e);
  return new CallbackHttpError(`${code}: ${msg}`.slice(0, 500), code);
}
