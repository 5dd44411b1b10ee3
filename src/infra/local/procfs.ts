import { readdir, readFile } from 'node:fs/promises';

// What /proc says about processes: liveness, start time, session, and the MECANO_* markers that
// every VNFC carries in its environment (so a VNFC can be found without the database, e.g. after
// mecano died between spawning it and recording it).

export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z (zombie), X (dead), T… */
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  /** Clock ticks after boot (field 22). */
  startTime: number;
}

/**
 * Parses /proc/<pid>/stat (proc(5)). `comm` is in parentheses and may itself contain spaces and
 * parentheses, so the fields are counted from the last `)`.
 */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  if (rest.length < 20) return undefined;
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0],
    ppid: Number(rest[1]),
    pgid: Number(rest[2]),
    sid: Number(rest[3]),
    startTime: Number(rest[19]),
  };
}

export async function readStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A zombie has exited; only its parent's wait() is missing, so it counts as dead. */
export function isLiveState(state: string): boolean {
  return state !== 'Z' && state !== 'X' && state !== 'x';
}

/** Alive and still the same process (a reused pid has another start time). */
export async function isSameProcessAlive(pid: number, startTime: number): Promise<boolean> {
  const st = await readStat(pid);
  return st !== undefined && isLiveState(st.state) && st.startTime === startTime;
}

export function parseEnviron(buf: Buffer): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of buf.toString('utf8').split('\0')) {
    const i = entry.indexOf('=');
    if (i > 0) env[entry.slice(0, i)] = entry.slice(i + 1);
  }
  return env;
}

export async function readEnviron(pid: number): Promise<Record<string, string> | undefined> {
  try {
    return parseEnviron(await readFile(`/proc/${pid}/environ`));
  } catch {
    return undefined;
  }
}

export const ENV_INSTANCE = 'MECANO_INSTANCE_ID';
export const ENV_VNFC = 'MECANO_VNFC_ID';
export const ENV_ARTIFACT = 'MECANO_ARTIFACT';
const MARKER = Buffer.from(`${ENV_VNFC}=`);

export interface MarkedProcess {
  stat: ProcStat;
  instanceId: string;
  vnfcId: string;
  env: Record<string, string>;
}

/**
 * Every live process whose environment carries the VNFC marker: the VNFCs and any children they
 * started. Reading all environ files costs about 3 ms for 100 processes (measured here).
 */
export async function findMarkedProcesses(): Promise<MarkedProcess[]> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  const self = process.pid;
  const found = await Promise.all(
    pids.map(async (pid): Promise<MarkedProcess | undefined> => {
      if (pid === self) return undefined;
      let buf: Buffer;
      try {
        buf = await readFile(`/proc/${pid}/environ`);
      } catch {
        return undefined;
      }
      if (buf.indexOf(MARKER) < 0) return undefined;
      const env = parseEnviron(buf);
      const stat = await readStat(pid);
      if (!stat || !isLiveState(stat.state) || !env[ENV_VNFC]) return undefined;
      return { stat, instanceId: env[ENV_INSTANCE] ?? '', vnfcId: env[ENV_VNFC], env };
    }),
  );
  return found.filter((p): p is MarkedProcess => p !== undefined);
}
