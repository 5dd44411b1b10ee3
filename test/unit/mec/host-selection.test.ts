import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildProblem, selectHost, type HostOption } from '../../../src/mec/host-selection.js';
import { ProblemError } from '../../../src/errors.js';
import type { NodeKpi } from '../../../src/mec/kpi.js';

// Host selection as a placement problem: candidates from hosts and their KPIs, constraints from
// the request; decisions and explanations.

const GB = 1024 ** 3;
const kpi = (busy: number, memUsedGb = 1): NodeKpi => ({
  cpuusage: { total: 4, used: (4 * busy) / 100 },
  memusage: { total: 8 * GB, used: memUsedGb * GB },
  cpu: { cores: 4, usedPercent: busy, loadavg: [0, 0, 0] },
  memory: { totalBytes: 8 * GB, availableBytes: (8 - memUsedGb) * GB, usedPercent: (memUsedGb / 8) * 100 },
  sampledAt: '',
  intervalMs: 200,
});
const host = (id: string, coordinates: string | undefined, o: Partial<HostOption> & { hw?: string[]; affinity?: string } = {}): HostOption => ({
  hostId: id,
  hostIp: `192.0.2.${id}`,
  doc: { coordinates, hwcapabilities: (o.hw ?? []).map((hwType) => ({ hwType })), affinity: o.affinity },
  kpi: kpi(10),
  allocatedVcpu: 0,
  dependenciesMet: true,
  ...o,
});
const req = { appInstanceId: 'i', requirements: { vcpu: 1, memoryMb: 512 } };

describe('MEC host selection', () => {
  it('builds candidates: reserved vCPU as used capacity, CPU busy share as cost, features from capabilities and affinity', () => {
    const p = buildProblem([host('1', '116.4,39.9', { hw: ['GPU'], affinity: 'X86,ARM', allocatedVcpu: 2, kpi: kpi(37) })], { ...req, hwCapabilities: ['gpu'], affinity: 'arm' });
    const c = p.candidates[0];
    assert.deepEqual([c.lat, c.lon, c.capacity.total.vcpu, c.capacity.used.vcpu, c.capacity.used.memoryMb, c.cost.fixed], [39.9, 116.4, 4, 2, 1024, 0.37]);
    assert.deepEqual(c.features, ['hw:gpu', 'affinity:x86', 'affinity:arm']);
    assert.deepEqual(p.demands[0].requiredFeatures, ['hw:gpu', 'affinity:arm']);
  });

  it('prefers the idle host without a location, the nearest with one', async () => {
    const hosts = [host('1', '116.4,39.9', { kpi: kpi(80) }), host('2', '121.5,31.2', { kpi: kpi(5) })];
    assert.equal((await selectHost(hosts, req)).hostIp, '192.0.2.2');
    const near = await selectHost(hosts, { ...req, location: { latitude: 39.8, longitude: 116.3 } });
    assert.equal(near.hostIp, '192.0.2.1');
    assert.equal((near.explanation.chosen as any).hostIp, '192.0.2.1');
  });

  it('leaves out hosts without KPI, full hosts and hosts without the dependencies, and explains a failure', async () => {
    const hosts = [
      host('1', '116.4,39.9', { kpi: undefined, unavailable: 'ECONNREFUSED' }),
      host('2', '121.5,31.2', { allocatedVcpu: 4 }),
      host('3', '114.1,22.5', { dependenciesMet: false }),
      host('4', undefined),
    ];
    const ok = await selectHost(hosts, req);
    assert.equal(ok.hostIp, '192.0.2.4');
    await assert.rejects(
      () => selectHost(hosts, { ...req, location: { latitude: 22.5, longitude: 114.1, radiusKm: 50 } }),
      (e: unknown) => {
        assert.ok(e instanceof ProblemError && e.status === 422);
        const sel = e.extra!.hostSelection as any;
        assert.deepEqual(sel.unavailable, [{ hostIp: '192.0.2.1', reason: 'ECONNREFUSED' }]);
        assert.deepEqual(sel.rejected.map((r: any) => r.hostIp).sort(), ['192.0.2.2', '192.0.2.3', '192.0.2.4']);
        return true;
      },
    );
    await assert.rejects(() => selectHost([], req), /no MEC host/);
  });
});
