import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { BadRequest, PayloadTooLarge, UnsupportedMediaType } from '../../errors.js';

// File uploads as EdgeGallery clients send them (multipart/form-data with the file in `file`,
// `package` or `configFile`, form fields before it) or as a raw body (application/zip,
// application/octet-stream, YAML), the form fields then taken from the query string. The file
// is handed on as a stream, never buffered whole.

export const RAW_TYPES = ['application/zip', 'application/octet-stream', 'application/x-yaml', 'application/yaml', 'text/yaml'];

export interface Upload {
  stream: Readable;
  fields: Record<string, string>;
}

export async function readUpload(request: FastifyRequest): Promise<Upload> {
  const q = request.query as Record<string, string | undefined>;
  const fields: Record<string, string> = Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (request.isMultipart()) {
    for await (const part of request.parts()) {
      if (part.type === 'file') return { stream: part.file, fields };
      fields[part.fieldname] = String(part.value);
    }
    throw new BadRequest('The multipart body has no file part (send the file in a part named file).', 'MEC_UPLOAD_NO_FILE');
  }
  if (request.body instanceof Readable) return { stream: request.body, fields };
  throw new UnsupportedMediaType(`Send the file as multipart/form-data or with Content-Type ${RAW_TYPES.join(', ')}.`);
}

/** The whole upload in memory, refusing more than maxBytes (small files: kubeconfigs). */
export async function readSmall(request: FastifyRequest, maxBytes: number): Promise<{ data: Buffer; fields: Record<string, string> }> {
  const up = await readUpload(request);
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of up.stream) {
    n += (c as Buffer).length;
    // Past the limit the rest is read and dropped (up to as much again), so that the client is
    // still listening when the 413 comes; beyond that the connection is cut.
    if (n > 2 * maxBytes) {
      up.stream.destroy();
      break;
    }
    if (n <= maxBytes) chunks.push(c as Buffer);
  }
  if (n > maxBytes) throw new PayloadTooLarge(`The file is larger than ${maxBytes} bytes.`);
  if ((up.stream as Readable & { truncated?: boolean }).truncated) throw new PayloadTooLarge(`The file is larger than the upload limit.`);
  return { data: Buffer.concat(chunks), fields: up.fields };
}
