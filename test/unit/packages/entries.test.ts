import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import yauzl from 'yauzl';
import { buildSample } from '../../../scripts/build-samples.js';
import { ProblemError } from '../../../src/errors.js';
import { cpEnvPrefix, extractArtifact, openEntryStream, processPackage, readEntry, vnfcEnvironment, vnfdFiles, vnfdZip } from '../../../src/packages/index.js';
import { tempDir } from '../../fixtures/packages/zips.js';

// Serving single files of an onboarded CSAR, and the VDU artifact convention end to end: the
// extracted software image runs as a VNFC process with the documented environment.

function zipNames(buf: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: false }, (err, zip) => {
      if (err) return reject(err);
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => names.push(e.fileName));
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
    }),
  );
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function waitHealthy(port: number): Promise<unknown> {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.ok) return await r.json();
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`VNFC on port ${port} never answered`);
}

function startVnfc(t: TestContext, program: string, env: Record<string, string>): ChildProcess {
  // Executed directly: the shebang and the 0755 mode are part of the convention.
  const child = spawn(program, [], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return child;
}

describe('package entries', () => {
  it('reads, streams and refuses entries', async (t) => {
    const dir = await tempDir(t);
    const csar = await buildSample('tacker-layout', dir);
    const meta = (await readEntry(csar, 'TOSCA-Metadata/TOSCA.meta', 4096)).toString('utf8');
    assert.match(meta, /^Entry-Definitions: Definitions\/tacker_layout_top\.vnfd\.yaml$/m);
    assert.equal((await readEntry(csar, '/ChangeLog.txt', 4096)).toString('utf8'), '1.0 (2025-01-15): first release of the Tacker-layout sample VNF.\n');
    await assert.rejects(readEntry(csar, 'Files/nothing', 10), (e: ProblemError) => e.status === 404 && e.code === 'PACKAGE_ENTRY_NOT_FOUND');
    await assert.rejects(readEntry(csar, 'Files/images/vnfc-server.mjs', 10), (e: ProblemError) => e.status === 413);
    const { stream, size } = await openEntryStream(csar, 'Files/images/vnfc-server.mjs');
    let n = 0;
    for await (const c of stream) n += (c as Buffer).length;
    assert.equal(n, size);
  });

  it('lists the VNFD files and zips them for GET …/vnfd', async (t) => {
    const dir = await tempDir(t);
    const tacker = await buildSample('tacker-layout', dir);
    const files = await vnfdFiles(tacker);
    assert.deepEqual(files, [
      'TOSCA-Metadata/TOSCA.meta',
      'Definitions/tacker_layout_top.vnfd.yaml',
      'Definitions/etsi_nfv_sol001_common_types.yaml',
      'Definitions/etsi_nfv_sol001_vnfd_types.yaml',
      'Definitions/tacker_layout_types.yaml',
      'Definitions/tacker_layout_df_simple.yaml',
    ]);
    assert.deepEqual((await zipNames(await vnfdZip(tacker))).sort(), [...files].sort());
    const single = await buildSample('single-vdu', dir);
    assert.deepEqual(await vnfdFiles(single), ['single_vdu.yaml']);
    const stored = (await processPackage(single)).vnfd.files;
    assert.deepEqual(await zipNames(await vnfdZip(single, { files: stored })), ['single_vdu.yaml']);
  });

  it('extracts a VDU image that runs as a VNFC: health, peer traffic, clean SIGTERM', async (t) => {
    const dir = await tempDir(t);
    const csar = await buildSample('two-vdu', dir);
    const p = await processPackage(csar);
    const img = p.vnfd.flavours.simple.vdus.VDU1.swImage!;
    assert.equal(img.kind, 'executable');
    const program = await extractArtifact(csar, img.artifactPath!, path.join(dir, 'run'));
    assert.equal(program, path.join(dir, 'run', 'vnfc-server.mjs'));
    assert.equal((await stat(program)).mode & 0o777, 0o755);

    const ports = [await freePort(), await freePort()];
    const vnfcs = ['VDU1', 'VDU2'].map((vduId, i) =>
      startVnfc(t, program, vnfcEnvironment({
        instanceId: 'inst-1', vnfcId: `${vduId}-0`, vduId, httpPort: ports[i], listenIp: '127.0.0.1',
        cps: [{ cpdId: `${vduId}_CP1`, ip: '10.251.0.' + (10 + i), iface: `mc${i}` }], params: { greeting: 'hi' },
      })),
    );
    assert.deepEqual(await waitHealthy(ports[0]), { vnfcId: 'VDU1-0', vduId: 'VDU1', version: '1.0' });
    await waitHealthy(ports[1]);
    const peer = (await (await fetch(`http://127.0.0.1:${ports[0]}/peer?addr=127.0.0.1:${ports[1]}`)).json()) as { peer: unknown };
    assert.deepEqual(peer.peer, { vnfcId: 'VDU2-0', vduId: 'VDU2', version: '1.0' });
    const info = (await (await fetch(`http://127.0.0.1:${ports[1]}/info`)).json()) as { cps: Record<string, string>; params: unknown; instanceId: string };
    assert.deepEqual(info.cps, { [`${cpEnvPrefix('VDU2_CP1')}_IP`]: '10.251.0.11', MECANO_CP_VDU2_CP1_IFACE: 'mc1' });
    assert.deepEqual(info.params, { greeting: 'hi' });
    assert.equal(info.instanceId, 'inst-1');
    const codes = vnfcs.map(exited);
    for (const c of vnfcs) c.kill('SIGTERM');
    assert.deepEqual(await Promise.all(codes), [0, 0]);
  });

  it('the failing sample exits with code 3 after one error line', async (t) => {
    const dir = await tempDir(t);
    const csar = await buildSample('failing', dir);
    const program = await extractArtifact(csar, 'Files/images/vnfc-fail.mjs', dir);
    const child = startVnfc(t, program, { MECANO_VNFC_ID: 'VDU1-0', MECANO_VDU_ID: 'VDU1' });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    assert.equal(await exited(child), 3);
    assert.equal(stderr, 'vnfc VDU1-0 (VDU1): cannot start: simulated failure (exit 3)\n');
  });

  it('names connection-point variables as documented', () => {
    assert.equal(cpEnvPrefix('VDU1_CP1'), 'MECANO_CP_VDU1_CP1');
    assert.equal(cpEnvPrefix('vdu2-cp.1'), 'MECANO_CP_VDU2_CP_1');
  });
});
