import { execFile, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

// Driving mecano with the real python-tackerclient (`openstack vnflcm …`, `openstack vnf package
// …`, Debian packages python3-tackerclient and python3-openstackclient), with no Keystone:
//   openstack --os-auth-type none --os-endpoint http://127.0.0.1:PORT [--os-tacker-api-version 2] …
// The client then sends X-Auth-Token: notused, and Version: 1.3.0 (v1) or 2.0.0 (v2).

const PACKAGES = ['python3-tackerclient', 'python3-openstackclient'];

/** `openstack` on PATH with the tacker plugin loaded (asked of openstack itself: the python3 on
 * PATH need not be the interpreter the Debian script runs). */
function clientPresent(): boolean {
  const r = spawnSync('openstack', ['vnflcm', 'list', '--help'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 && r.stdout.includes('vnflcm list');
}

/**
 * Installs the client with apt-get when it is missing. Returns undefined when it is usable,
 * otherwise why not (the test is then skipped with that message).
 */
export function ensureTackerClient(): string | undefined {
  if (clientPresent()) return undefined;
  if (process.getuid?.() !== 0) return `python-tackerclient is not installed and installing it (apt-get install ${PACKAGES.join(' ')}) needs root`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', env, timeout: 300_000 });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', ...PACKAGES], { encoding: 'utf8', env, timeout: 600_000 }) : update;
  if (install.status !== 0 || !clientPresent()) {
    return `apt-get could not install ${PACKAGES.join(' ')}: ${(install.stderr || install.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`;
  }
  return undefined;
}

export interface OscResult {
  code: number;
  stdout: string;
  stderr: string;
}

// The client's own environment variables (OS_CLOUD, OS_AUTH_URL, …) would override the flags.
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')));

export class Osc {
  constructor(
    private readonly endpoint: string,
    readonly version: '1' | '2',
  ) {}

  run(...args: string[]): Promise<OscResult> {
    const argv = ['--os-auth-type', 'none', '--os-endpoint', this.endpoint, '--os-tacker-api-version', this.version, ...args];
    return new Promise((resolve) => {
      execFile('openstack', argv, { env: cleanEnv(), timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Runs a command that must succeed; returns its standard output. */
  async ok(...args: string[]): Promise<string> {
    const r = await this.run(...args);
    if (r.code !== 0) throw new Error(`openstack ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  }

  /** `… -f json` parsed. */
  async json(...args: string[]): Promise<any> {
    return JSON.parse(await this.ok(...args, '-f', 'json'));
  }

  /** The newest occurrence of an instance, as `vnflcm op list --filter` prints it. */
  async lastOp(instanceId: string): Promise<{ ID: string; 'Operation State': string; Operation: string }> {
    const ops = await this.json('vnflcm', 'op', 'list', '--filter', `(eq,vnfInstanceId,${instanceId})`);
    if (ops.length === 0) throw new Error(`no occurrence for ${instanceId}`);
    return ops[ops.length - 1];
  }

  /** Polls `vnflcm op show` until the occurrence leaves STARTING/PROCESSING/ROLLING_BACK. */
  async settle(opId: string, timeoutMs = 90_000): Promise<any> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const op = await this.json('vnflcm', 'op', 'show', opId);
      if (['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK'].includes(op['Operation State'])) return op;
      if (Date.now() > until) throw new Error(`operation ${opId} still ${op['Operation State']}`);
      await sleep(300);
    }
  }
}
