import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { KpiSampler, parseMeminfo, parseProcStat } from '../../../src/mec/kpi.js';

// Node KPI from /proc: parsing, and a real sample of this machine.

describe('node KPI', () => {
  it('parses the aggregate cpu line (guest time is already in user) and meminfo', () => {
    assert.deepEqual(parseProcStat('cpu  100 5 50 800 20 1 4 0 7 0\ncpu0 1 2 3 4\n'), { busy: 160, total: 980 });
    assert.equal(parseProcStat('intr 1 2 3\n'), undefined);
    assert.deepEqual(parseMeminfo('MemTotal:       1000 kB\nMemFree: 10 kB\nMemAvailable:    250 kB\n'), { totalBytes: 1024000, availableBytes: 256000 });
    assert.equal(parseMeminfo('MemTotal: 5 kB\n'), undefined);
  });

  it('samples this machine: cores, a CPU share in 0..100, memory that adds up', async () => {
    const k = await new KpiSampler({ minIntervalMs: 50 }).sample();
    assert.equal(k.cpu.cores, os.cpus().length);
    assert.ok(k.cpu.usedPercent >= 0 && k.cpu.usedPercent <= 100);
    assert.ok(k.intervalMs >= 50);
    assert.equal(k.memusage.total, k.memory.totalBytes);
    assert.equal(k.memusage.used, k.memory.totalBytes - k.memory.availableBytes);
    assert.ok(Math.abs(k.memory.totalBytes - os.totalmem()) < 0.05 * os.totalmem());
    assert.equal(k.cpuusage.total, k.cpu.cores);
  });
});
