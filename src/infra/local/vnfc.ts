import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { bareAddress } from '../address-pool.js';
import { InfraSpecError, VnfcStartError, type InfraMode, type StopOptions, type StopResult, type VnfcPort, type VnfcResource, type VnfcSpec, type VnfcStatus } from '../driver.js';
import { cpEnvPrefix, innerIfName, MAX_CPS, netnsName, vethName } from './naming.js';
import { listLinks } from './links.js';
import { netnsExists } from './netns.js';
import { plumbVnfc, teardownVnfc, validateCps } from './plumbing.js';
import { ENV_ARTIFACT, ENV_INSTANCE, ENV_VNFC, findMarkedProcesses, isSameProcessAlive, type MarkedProcess } from './procfs.js';
import { awaitStart, freeLoopbackPort, logMarks, releaseLoopbackPort, signalGroup, spawnDetached, tailLines, waitForExit } from './supervise.js';

// One VNFC: find it, or build it from nothing; stop it; tell whether it still runs.

/** Inside its own namespace every VNFC can use the same well-known port. */
export const NETNS_HTTP_PORT = 8080;
const TAIL_LINES = 20;
const KILL_WAIT_MS = 5000;
/** VNFCs get PATH but none of mecano's own environment (database URL, credentials). */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface VnfcContext {
  mode: InfraMode;
  graceMs: number;
}

function describePorts(spec: VnfcSpec, mode: InfraMode): VnfcPort[] {
  return spec.cps.map((cp, i) =>
    mode === 'netns'
      ? { cpdId: cp.cpdId, linkId: cp.link.linkId, ifName: innerIfName(i), hostIfName: vethName(spec.instanceId, spec.vnfcId, i), ip: bareAddress(cp.ip), address: cp.ip }
      : { cpdId: cp.cpdId, linkId: cp.link.linkId, ifName: 'lo', ip: '127.0.0.1', address: cp.ip },
  );
}

function describe(spec: VnfcSpec, mode: InfraMode, pid: number, startTime: number, httpPort: number): VnfcResource {
  return {
    instanceId: spec.instanceId,
    vnfcId: spec.vnfcId,
    vduId: spec.vduId,
    resourceId: mode === 'netns' ? netnsName(spec.instanceId, spec.vnfcId) : `loopback:${spec.vnfcId}`,
    pid,
    startTime,
    ports: describePorts(spec, mode),
    httpPort,
    logPath: path.join(spec.logDir, spec.vnfcId),
    artifactPath: spec.artifactPath,
    mode,
  };
}

export function vnfcEnv(spec: VnfcSpec, mode: InfraMode, httpPort: number): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? DEFAULT_PATH, ...spec.env };
  for (const port of describePorts(spec, mode)) {
    env[`${cpEnvPrefix(port.cpdId)}_IP`] = port.ip;
    env[`${cpEnvPrefix(port.cpdId)}_IFACE`] = port.ifName;
  }
  // The markers come last so that spec.env cannot hide a VNFC from stop, reconcile and gc.
  Object.assign(env, {
    [ENV_INSTANCE]: spec.instanceId,
    [ENV_VNFC]: spec.vnfcId,
    MECANO_VDU_ID: spec.vduId,
    [ENV_ARTIFACT]: spec.artifactPath,
    MECANO_HTTP_PORT: String(httpPort),
    MECANO_LISTEN_IP: mode === 'netns' ? '0.0.0.0' : '127.0.0.1',
  });
  return env;
}

/** The session leader started for this VNFC, if one is alive (its children share the marker). */
async function findLeader(instanceId: string, vnfcId: string): Promise<MarkedProcess | undefined> {
  const all = await findMarkedProcesses();
  return all.find((p) => p.instanceId === instanceId && p.vnfcId === vnfcId && p.stat.sid === p.stat.pid);
}

async function checkSpec(spec: VnfcSpec): Promise<void> {
  if (!path.isAbsolute(spec.artifactPath)) throw new InfraSpecError(`artifact path '${spec.artifactPath}' must be absolute`, 'INVALID_ARTIFACT');
  if (spec.cps.length > MAX_CPS) throw new InfraSpecError(`a VNFC may have at most ${MAX_CPS} connection points`, 'TOO_MANY_CPS');
  validateCps(spec.cps);
  const isFile = await stat(spec.artifactPath).then((s) => s.isFile(), () => false);
  const executable = isFile && (await access(spec.artifactPath, constants.X_OK).then(() => true, () => false));
  if (!executable) throw new VnfcStartError({ vnfcId: spec.vnfcId, reason: `artifact ${spec.artifactPath} is not an executable file` });
}

/**
 * A running VNFC is reused only if it is what `spec` asks for now: the same environment (which
 * holds the artifact, the mode and every CP address) and, in netns mode, its namespace and veths.
 * Anything else (a changed CP list, another artifact, a namespace deleted under it) is rebuilt.
 */
async function matches(leader: MarkedProcess, spec: VnfcSpec, mode: InfraMode): Promise<boolean> {
  const expected = vnfcEnv(spec, mode, Number(leader.env.MECANO_HTTP_PORT));
  delete expected.PATH;
  if (Object.entries(expected).some(([k, v]) => leader.env[k] !== v)) return false;
  if (mode === 'loopback') return true;
  if (!(await netnsExists(netnsName(spec.instanceId, spec.vnfcId)))) return false;
  const names = new Set((await listLinks()).map((l) => l.ifname));
  return spec.cps.every((_, i) => names.has(vethName(spec.instanceId, spec.vnfcId, i)));
}

export async function startVnfc(spec: VnfcSpec, ctx: VnfcContext): Promise<VnfcResource> {
  await checkSpec(spec);
  const withKernel = ctx.mode === 'netns';
  const ns = netnsName(spec.instanceId, spec.vnfcId);
  const leader = await findLeader(spec.instanceId, spec.vnfcId);
  if (leader && (await matches(leader, spec, ctx.mode))) {
    return describe(spec, ctx.mode, leader.stat.pid, leader.stat.startTime, Number(leader.env.MECANO_HTTP_PORT));
  }
  // Not running, or not as asked: remove whatever an earlier attempt or run left (including the
  // kernel objects of a netns-mode VNFC found while namespaces are now disabled).
  const leaderInNetns = leader?.env.MECANO_LISTEN_IP === '0.0.0.0';
  await teardownVnfc(spec.instanceId, spec.vnfcId, withKernel || leaderInNetns);
  await mkdir(spec.logDir, { recursive: true });
  const httpPort = withKernel ? NETNS_HTTP_PORT : await freeLoopbackPort();
  try {
    if (withKernel) await plumbVnfc(spec.instanceId, spec.vnfcId, spec.cps);
    const logPath = path.join(spec.logDir, spec.vnfcId);
    const outPath = `${logPath}.out.log`;
    const errPath = `${logPath}.err.log`;
    const marks = await logMarks(outPath, errPath);
    const child = await spawnDetached({
      command: withKernel ? 'ip' : spec.artifactPath,
      args: withKernel ? ['netns', 'exec', ns, spec.artifactPath] : [],
      env: vnfcEnv(spec, ctx.mode, httpPort),
      outPath,
      errPath,
    });
    const outcome = await awaitStart(child, ctx.graceMs);
    if (outcome.kind === 'alive') return describe(spec, ctx.mode, outcome.pid, outcome.startTime, httpPort);
    throw new VnfcStartError({
      vnfcId: spec.vnfcId,
      reason: outcome.kind === 'error' ? outcome.message : `the process exited within ${ctx.graceMs} ms`,
      exitCode: outcome.kind === 'exited' ? outcome.code : null,
      signal: outcome.kind === 'exited' ? outcome.signal : null,
      stdoutTail: await tailLines(outPath, marks.out, TAIL_LINES),
      stderrTail: await tailLines(errPath, marks.err, TAIL_LINES),
    });
  } catch (e) {
    await teardownVnfc(spec.instanceId, spec.vnfcId, withKernel);
    if (!withKernel) releaseLoopbackPort(httpPort);
    throw e;
  }
}

export async function stopVnfc(res: VnfcResource, opts: StopOptions): Promise<StopResult> {
  const wasRunning = await isSameProcessAlive(res.pid, res.startTime);
  let signal: StopResult['signal'];
  if (wasRunning) {
    if (opts.graceful) {
      signalGroup(res.pid, 'SIGTERM');
      signal = 'SIGTERM';
      if (!(await waitForExit(res.pid, res.startTime, opts.timeoutMs))) signal = undefined;
    }
    if (!signal) {
      signalGroup(res.pid, 'SIGKILL');
      signal = 'SIGKILL';
      await waitForExit(res.pid, res.startTime, KILL_WAIT_MS);
    }
  }
  // Children that outlived the leader, the veths and the namespace.
  await teardownVnfc(res.instanceId, res.vnfcId, res.mode === 'netns');
  if (res.mode === 'loopback') releaseLoopbackPort(res.httpPort);
  return signal ? { wasRunning, signal } : { wasRunning };
}

export async function vnfcStatus(res: VnfcResource): Promise<VnfcStatus> {
  return (await isSameProcessAlive(res.pid, res.startTime)) ? 'running' : 'dead';
}
