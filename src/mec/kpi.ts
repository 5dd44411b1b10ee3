import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

// Node KPI of the machine an AppLCM runs on, from the operating system: CPU busy share from two
// readings of /proc/stat (falling back to os.cpus() times elsewhere), memory from /proc/meminfo
// MemAvailable (os.freemem() otherwise), and the load averages. EdgeGallery's figures came from
// metrics-server sums whose "total" was not a capacity (reference §3.8); these are capacities.

export interface NodeKpi {
  /** EdgeGallery's shape: CPU in cores, memory in bytes. */
  cpuusage: { total: number; used: number };
  memusage: { total: number; used: number };
  cpu: { cores: number; usedPercent: number; loadavg: number[] };
  memory: { totalBytes: number; availableBytes: number; usedPercent: number };
  sampledAt: string;
  /** The interval the CPU share was measured over. */
  intervalMs: number;
}

interface CpuTimes {
  at: number;
  busy: number;
  total: number;
}

/** The aggregate `cpu` line: user nice system idle iowait irq softirq steal (guest is inside user). */
export function parseProcStat(text: string): { busy: number; total: number } | undefined {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 4 || f.some((x) => !Number.isFinite(x))) return undefined;
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3] + (f[4] ?? 0);
  return { busy: total - idle, total };
}

export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number } | undefined {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  return total !== undefined && available !== undefined ? { totalBytes: total, availableBytes: available } : undefined;
}

async function cpuTimes(): Promise<CpuTimes> {
  const text = await readFile('/proc/stat', 'utf8').catch(() => '');
  const p = parseProcStat(text);
  if (p) return { at: Date.now(), ...p };
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
    busy += t.user + t.nice + t.sys + t.irq;
  }
  return { at: Date.now(), busy, total };
}

async function memory(): Promise<{ totalBytes: number; availableBytes: number }> {
  const text = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  return parseMeminfo(text) ?? { totalBytes: os.totalmem(), availableBytes: os.freemem() };
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export class KpiSampler {
  private last?: CpuTimes;

  constructor(private readonly opts: { minIntervalMs?: number; maxAgeMs?: number } = {}) {}

  /** Measures CPU over the time since the previous call (at least minIntervalMs, 200 ms default). */
  async sample(): Promise<NodeKpi> {
    const minMs = this.opts.minIntervalMs ?? 200;
    let prev = this.last;
    if (!prev || Date.now() - prev.at > (this.opts.maxAgeMs ?? 30_000)) {
      prev = await cpuTimes();
      await sleep(minMs);
    } else if (Date.now() - prev.at < minMs) await sleep(minMs - (Date.now() - prev.at));
    const now = await cpuTimes();
    this.last = now;
    const dTotal = now.total - prev.total;
    const share = dTotal > 0 ? Math.min(1, Math.max(0, (now.busy - prev.busy) / dTotal)) : 0;
    const cores = os.cpus().length || 1;
    const mem = await memory();
    const usedBytes = mem.totalBytes - mem.availableBytes;
    return {
      cpuusage: { total: cores, used: round(cores * share, 3) },
      memusage: { total: mem.totalBytes, used: usedBytes },
      cpu: { cores, usedPercent: round(share * 100), loadavg: os.loadavg().map((x) => round(x, 2)) },
      memory: { totalBytes: mem.totalBytes, availableBytes: mem.availableBytes, usedPercent: round((usedBytes / mem.totalBytes) * 100) },
      sampledAt: new Date(now.at).toISOString(),
      intervalMs: now.at - prev.at,
    };
  }
}
