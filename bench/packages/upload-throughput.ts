import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { bigCsar, measureRss, mb, MiB, noise, removePackage, startMecano, uploadStream, writeResult } from './common.js';

// Upload + onboard throughput of a 200 MB package (issue 4), and mecano's RSS meanwhile. The
// package is generated once to a local file, then PUT (streamed) RUNS times; each run is a new
// package (the previous one deleted, so its vnfdId is free again). "store only" uploads the same
// number of bytes that are not a ZIP: the transfer and the blob store, without validation.
// Run: npm run build && node dist/bench/packages/upload-throughput.js [pglite|postgres]...

const PAYLOAD = 200 * 1000 * 1000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function bench(backend: 'pglite' | 'postgres', csar: string, junk: string) {
  const size = (await stat(csar)).size;
  const m = await startMecano(backend);
  try {
    const runs: { seconds: number; MBps: number; peakRssMiB: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await measureRss(m.pid, () => uploadStream(m.url, createReadStream(csar)));
      if (r.result.state !== 'ONBOARDED') throw new Error(`run ${i}: ${r.result.state} ${r.result.detail}`);
      runs.push({ seconds: +r.result.seconds.toFixed(2), MBps: +(size / 1e6 / r.result.seconds).toFixed(1), peakRssMiB: mb(r.peakRss) });
      await removePackage(m.url, r.result.id);
    }
    const store: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await uploadStream(m.url, createReadStream(junk));
      if (r.state !== 'ERROR') throw new Error(`store-only run ended ${r.state}`);
      store.push(r.seconds);
    }
    return {
      backend,
      packageBytes: size,
      uploadOnboard: { medianSeconds: median(runs.map((r) => r.seconds)), medianMBps: median(runs.map((r) => r.MBps)), maxPeakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)), runs },
      storeOnly: { medianSeconds: +median(store).toFixed(2), medianMBps: +(size / 1e6 / median(store)).toFixed(1) },
    };
  } finally {
    await m.close();
  }
}

const dir = await mkdtemp(path.join(tmpdir(), 'mecano-bench-tp-'));
try {
  const csar = path.join(dir, 'big.csar');
  const junk = path.join(dir, 'junk.bin');
  await pipeline(await bigCsar(PAYLOAD, randomUUID()), createWriteStream(csar));
  await pipeline(noise((await stat(csar)).size, 7), createWriteStream(junk));
  const backends = process.argv.slice(2).filter((a) => a === 'pglite' || a === 'postgres') as ('pglite' | 'postgres')[];
  const results = [];
  for (const b of backends.length ? backends : (['pglite', 'postgres'] as const)) {
    const r = await bench(b, csar, junk);
    console.log(JSON.stringify(r));
    results.push(r);
  }
  console.log(`written ${await writeResult('upload-throughput', { node: process.version, measuredAt: new Date().toISOString(), payloadMiB: +(PAYLOAD / MiB).toFixed(1), runs: RUNS, results })}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
