import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { VnfcResource } from '../../src/infra/driver.js';
import { createLocalDriver, type LocalDriver } from '../../src/infra/local/index.js';
import { readStat } from '../../src/infra/local/procfs.js';
import { isRoot, kernelNames, makeFixtures, waitHttp, type Fixtures } from './helpers.js';

// A VNFC must outlive the mecano process that started it, as a VM outlives its manager: here a
// separate Node.js process starts one through the driver and exits, and the VNFC keeps serving.

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

for (const mode of ['netns', 'loopback'] as const) {
  const skip = mode === 'netns' && !isRoot() ? 'needs root: network namespaces' : false;

  describe(`a VNFC started in ${mode} mode outlives the process that started it`, { skip }, () => {
    const instanceId = randomUUID();
    let fx: Fixtures;
    let driver: LocalDriver;

    before(async () => {
      fx = await makeFixtures();
      driver = createLocalDriver({ netns: mode === 'netns' });
    });

    after(async () => {
      await driver?.gc({ links: [], vnfcs: [] }, { instanceIds: [instanceId] });
      await fx?.cleanup();
    });

    it('keeps running and answering after its parent exited, then stops cleanly', async () => {
      const starter = path.join(fx.dir, 'starter.mts');
      const index = pathToFileURL(path.join(repo, 'src/infra/local/index.ts')).href;
      await writeFile(
        starter,
        `import { createLocalDriver } from ${JSON.stringify(index)};
const driver = createLocalDriver({ netns: ${mode === 'netns'} });
const link = await driver.ensureLink({ linkId: 'vl', instanceId: ${JSON.stringify(instanceId)}, cidr: '10.251.9.0/24' });
const res = await driver.startVnfc({
  instanceId: ${JSON.stringify(instanceId)}, vnfcId: 'vnfc-detached', vduId: 'VDU1',
  artifactPath: ${JSON.stringify(fx.server)}, env: {},
  cps: [{ cpdId: 'CP1', link, ip: '10.251.9.2/24' }], logDir: ${JSON.stringify(fx.logDir)},
});
process.stdout.write(JSON.stringify({ link, res, parentPid: process.pid }));
`,
      );
      const { stdout } = await run(process.execPath, ['--import', 'tsx', starter], { cwd: repo, timeout: 30_000 });
      const { link, res, parentPid } = JSON.parse(stdout) as { link: Parameters<LocalDriver['removeLink']>[0]; res: VnfcResource; parentPid: number };

      assert.equal(await readStat(parentPid).then((s) => s?.state ?? 'gone'), 'gone', 'the starter has exited');
      assert.equal(await driver.vnfcStatus(res), 'running');
      const st = await readStat(res.pid);
      assert.notEqual(st?.ppid, parentPid);
      assert.equal(st?.sid, res.pid);
      const url = `http://127.0.0.1:${res.httpPort}/health`;
      assert.equal((await waitHttp(url, mode === 'netns' ? res.resourceId : undefined)).status, 200);

      // Another driver instance (mecano restarted) finds the same VNFC rather than a second one.
      const again = await driver.startVnfc({
        instanceId,
        vnfcId: 'vnfc-detached',
        vduId: 'VDU1',
        artifactPath: fx.server,
        env: {},
        cps: [{ cpdId: 'CP1', link, ip: '10.251.9.2/24' }],
        logDir: fx.logDir,
      });
      assert.deepEqual(again, res);

      assert.deepEqual(await driver.stopVnfc(res, { graceful: true, timeoutMs: 5000 }), { wasRunning: true, signal: 'SIGTERM' });
      await driver.removeLink(link);
      const names = await (mode === 'netns' ? kernelNames() : Promise.resolve({ netns: [], links: [] }));
      assert.ok(!names.netns.includes(res.resourceId));
      assert.ok(!names.links.includes(link.resourceId));
    });
  });
}
