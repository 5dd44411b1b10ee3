import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RangeNotSatisfiable, type BlobRange } from '../../packages/blob-store.js';

// Single byte ranges (RFC 9110 14) for package downloads: SOL005 9.4.5.3.2 and 10.4.7.3.2
// answer a satisfiable Range with 206 and Content-Range, an unsatisfiable one with 416. A Range
// that is not one well-formed byte range (several ranges, another unit, bad syntax) is ignored
// and the whole representation is sent, as RFC 9110 14.2 allows.

const RANGE_RE = /^bytes=(\d*)-(\d*)$/;

/** The inclusive range a Range header asks for, undefined for "send it all"; 416 when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): BlobRange | undefined {
  if (!header) return undefined;
  const m = RANGE_RE.exec(header.trim().replace(/\s+/g, ''));
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const unsatisfiable = () => new RangeNotSatisfiable(`Range '${header}' is outside the ${size} bytes of the resource.`);
  if (m[1] === '') {
    // Suffix range: the last N bytes.
    const n = Number(m[2]);
    if (!Number.isSafeInteger(n)) return undefined;
    if (n === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(size - n, 0), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? Number.MAX_SAFE_INTEGER : Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(last) || last < start) return undefined;
  if (start >= size) throw unsatisfiable();
  return { start, end: Math.min(last, size - 1) };
}

/** A range picker for the domain services; a 416 carries `Content-Range: bytes *\/size`. */
export function rangePicker(request: FastifyRequest, reply: FastifyReply): (size: number) => BlobRange | undefined {
  return (size) => {
    try {
      return parseRange(request.headers.range, size);
    } catch (e) {
      reply.header('Content-Range', `bytes */${size}`);
      throw e;
    }
  };
}

/** Sends a whole representation (200) or one range of it (206) with the matching headers. */
export function sendRanged(
  reply: FastifyReply,
  body: Readable | Buffer,
  opts: { contentType: string; size: number; range?: BlobRange; fileName?: string },
): FastifyReply {
  reply.header('Accept-Ranges', 'bytes').type(opts.contentType);
  if (opts.fileName) reply.header('Content-Disposition', `attachment; filename="${opts.fileName.replace(/["\\\r\n]/g, '_')}"`);
  if (opts.range) {
    reply.code(206).header('Content-Range', `bytes ${opts.range.start}-${opts.range.end}/${opts.size}`);
    reply.header('Content-Length', String(opts.range.end - opts.range.start + 1));
  } else reply.code(200).header('Content-Length', String(opts.size));
  return reply.send(body);
}
