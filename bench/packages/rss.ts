import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import yazl from 'yazl';
import { bigCsar, measureRss, mb, MiB, removePackage, startMecano, uploadStream, writeResult, type Mecano } from './common.js';

// Memory stays bounded (issue 4): mecano's resident set while it takes a 1 GiB package (raw PUT
// and marketplace multipart, generated on the fly and streamed, then validated: every byte is
// hashed twice and CRC-checked once) and a zip bomb (1 GiB of zeros deflated to ~1 MiB).
// Run: npm run build && node dist/bench/packages/rss.js [pglite|postgres]...

const GiB = 1024 * MiB;
const BOUNDARY = 'mecano-bench-boundary';

function multipartOf(file: Readable): Readable {
  const out = new PassThrough();
  out.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csar"\r\nContent-Type: application/zip\r\n\r\n`);
  file.on('end', () => out.end(`\r\n--${BOUNDARY}--\r\n`));
  file.on('error', (e) => out.destroy(e));
  file.pipe(out, { end: false });
  return out;
}

function zipBomb(zeros: number): Readable {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('tosca_definitions_version: tosca_simple_yaml_1_3\n'), 'bomb.yaml', { mtime: new Date(0) });
  const chunk = Buffer.alloc(MiB);
  let left = zeros;
  const source = new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      left -= MiB;
      this.push(chunk);
    },
  });
  zip.addReadStream(source, 'Files/zeros.bin', { compress: true, size: zeros, mtime: new Date(0) });
  zip.end();
  return zip.outputStream as unknown as Readable;
}

async function marketplaceUpload(url: string, body: Readable): Promise<{ seconds: number; status: number; csarId?: string }> {
  const t0 = performance.now();
  const r = await fetch(`${url}/onapapi/marketplace/v1/csars`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: Readable.toWeb(body) as ReadableStream, duplex: 'half' } as RequestInit);
  const answer = (await r.json()) as { csarId?: string };
  return { seconds: (performance.now() - t0) / 1000, status: r.status, csarId: answer.csarId };
}

async function phases(m: Mecano) {
  const out: Record<string, unknown> = { backend: m.backend };
  const idle = await measureRss(m.pid, () => new Promise((r) => setTimeout(r, 1000)));
  out.idleRssMiB = mb(idle.peakRss);

  const raw = await measureRss(m.pid, async () => uploadStream(m.url, await bigCsar(GiB, randomUUID())));
  if (raw.result.state !== 'ONBOARDED') throw new Error(`1 GiB PUT ended ${raw.result.state}: ${raw.result.detail}`);
  out.put1GiB = { state: raw.result.state, seconds: +raw.result.seconds.toFixed(1), MBps: +(1024 / raw.result.seconds).toFixed(0), peakRssMiB: mb(raw.peakRss), maxSampledRssMiB: mb(raw.maxSampledRss), startRssMiB: mb(raw.startRss) };
  await removePackage(m.url, raw.result.id);

  const mp = await measureRss(m.pid, async () => marketplaceUpload(m.url, multipartOf(await bigCsar(GiB, randomUUID(), 2))));
  if (mp.result.status !== 200) throw new Error(`1 GiB marketplace upload answered ${mp.result.status}`);
  out.marketplace1GiB = { status: mp.result.status, seconds: +mp.result.seconds.toFixed(1), MBps: +(1024 / mp.result.seconds).toFixed(0), peakRssMiB: mb(mp.peakRss), maxSampledRssMiB: mb(mp.maxSampledRss) };
  await fetch(`${m.url}/onapapi/marketplace/v1/csars/${mp.result.csarId}`, { method: 'DELETE' });

  const bomb = await measureRss(m.pid, () => uploadStream(m.url, zipBomb(GiB)));
  out.zipBomb1GiB = { state: bomb.result.state, reason: bomb.result.detail, seconds: +bomb.result.seconds.toFixed(2), peakRssMiB: mb(bomb.peakRss), maxSampledRssMiB: mb(bomb.maxSampledRss) };
  return out;
}

const backends = (process.argv.slice(2).filter((a) => a === 'pglite' || a === 'postgres') as ('pglite' | 'postgres')[]);
const results: Record<string, unknown>[] = [];
for (const backend of backends.length ? backends : (['pglite', 'postgres'] as const)) {
  const m = await startMecano(backend);
  try {
    const r = await phases(m);
    console.log(JSON.stringify(r));
    results.push(r);
  } finally {
    await m.close();
  }
}
console.log(`written ${await writeResult('rss', { node: process.version, measuredAt: new Date().toISOString(), results })}`);
