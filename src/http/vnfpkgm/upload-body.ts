import { PassThrough, type Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { BadRequest, PayloadTooLarge, ProblemError } from '../../errors.js';

// Package uploads as request bodies: raw (application/zip, application/octet-stream) or the
// `file` part of multipart/form-data, always streamed to the blob store, never buffered.
// Over the upload limit the server stops reading: a declared Content-Length over it is refused
// before the first byte is read, a streamed body as soon as the limit is passed; the 413 goes
// out with `Connection: close`, so Node closes the socket instead of draining the rest.

/** Multipart parsing for one scope: one file part (the CSAR), a few small fields. */
export async function registerUploadParsers(scope: FastifyInstance): Promise<void> {
  // No busboy fileSize: past it busboy keeps reading and discards the rest of the part at wire
  // speed (measured: 22 MB read before the 413 went out). The blob store's limit fails the
  // upload instead, and the request is then paused, so backpressure stops the sender.
  await scope.register(multipart, { limits: { fileSize: Number.MAX_SAFE_INTEGER, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 20 } });
  scope.addContentTypeParser(['application/zip', 'application/octet-stream'], (_request, payload, done) => done(null, payload));
}

/** 413 before reading anything when the declared length is over the limit. */
export function checkDeclaredLength(request: FastifyRequest, limit: number): void {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new PayloadTooLarge(`The request body is ${declared} bytes, more than the upload limit of ${limit} bytes.`);
  }
}

/**
 * The raw request body as a stream the blob store may destroy without destroying the socket
 * (the response still has to go out on it).
 */
export function detachedBody(request: FastifyRequest): Readable {
  const raw = request.body as Readable;
  const out = new PassThrough();
  raw.pipe(out);
  out.once('close', () => raw.unpipe(out));
  // pipe() does not forward errors: a client that goes away must fail the upload, not hang it.
  // The consumer (attached once the package is UPLOADING) sees the error through `errored`.
  out.on('error', () => undefined);
  raw.once('error', (e) => out.destroy(e));
  raw.once('close', () => {
    if (!raw.readableEnded) out.destroy(new ClientGone());
  });
  return out;
}

/**
 * Runs an upload; if it fails before the body was read to its end, reading stops and the
 * connection is closed after the answer (RFC 9112 9.6) rather than drained.
 */
export async function guarded<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const raw = reply.request.raw;
    if (!raw.complete) {
      raw.unpipe();
      raw.pause();
      reply.header('Connection', 'close');
    }
    if (e instanceof ProblemError) throw e;
    // The body itself failed: a multipart body cut short, or a client that went away.
    const msg = (e as Error)?.message ?? '';
    if (e instanceof ClientGone || /aborted|ECONNRESET/i.test(msg)) throw new BadRequest('The request body ended before it was complete.', 'REQUEST_BODY_INCOMPLETE');
    if (/terminated early|Unexpected end of/i.test(msg)) throw new BadRequest(`Malformed multipart body: ${msg}.`, 'MULTIPART_MALFORMED');
    throw e;
  }
}

class ClientGone extends Error {
  constructor() {
    super('the client closed the connection before the request body ended');
  }
}

export interface MultipartUpload<T> {
  result: T;
  /** The other (non-file) fields, by name. */
  fields: Record<string, string>;
}

/** Streams the multipart `file` part through `onFile`; the other parts are collected as fields. */
export async function multipartUpload<T>(request: FastifyRequest, onFile: (file: Readable, fileName: string) => Promise<T>): Promise<MultipartUpload<T>> {
  const fields: Record<string, string> = {};
  let done: { result: T } | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      fields[part.fieldname] = String(part.value);
      continue;
    }
    if (part.fieldname !== 'file') {
      part.file.resume();
      throw new BadRequest(`Unexpected file part '${part.fieldname}': the package goes in the part named 'file'.`, 'MULTIPART_UNEXPECTED_FILE');
    }
    // busboy reports a part cut short with emit('error'), which a consumer attached a moment
    // later (once the package is UPLOADING) would miss: relay it into a stream that keeps it.
    const file = new PassThrough();
    // The consumer sees the error through `errored`; this listener only keeps it from being uncaught.
    file.on('error', () => undefined);
    part.file.once('error', (e) => file.destroy(e));
    part.file.pipe(file);
    done = { result: await onFile(file, part.filename) };
  }
  if (!done) throw new BadRequest("The multipart body has no part named 'file' holding the package.", 'MULTIPART_FILE_MISSING');
  return { result: done.result, fields };
}
