import { execFile, spawn } from 'node:child_process';
import { InfraError } from '../driver.js';

// The `ip` (iproute2) command, always with an argument array: names come from ids and bridge
// names given in requests, and nothing here goes through a shell.

const IP = 'ip';
const TIMEOUT_MS = 15_000;

export class IpCommandError extends InfraError {
  readonly args: string[];
  readonly stderr: string;
  readonly exitCode: number | null;

  constructor(args: string[], stderr: string, exitCode: number | null, cause?: unknown) {
    super(`ip ${args.join(' ')} failed${exitCode !== null ? ` (exit ${exitCode})` : ''}: ${stderr.trim() || String(cause)}`, 'IP_COMMAND_FAILED', cause);
    this.name = 'IpCommandError';
    this.args = args;
    this.stderr = stderr;
    this.exitCode = exitCode;
  }

  /** iproute2 prints these when the object to show, change or delete does not exist. */
  get notFound(): boolean {
    return /does not exist|Cannot find device|No such file or directory|Cannot open network namespace/i.test(this.stderr);
  }

  get alreadyExists(): boolean {
    return /File exists|already exists|already assigned/i.test(this.stderr);
  }
}

export function ip(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(IP, args, { timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const code = typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : null;
        reject(new IpCommandError(args, String(stderr), code, err));
      } else {
        resolve(String(stdout));
      }
    });
  });
}

/** `ip -j …`; iproute2 prints nothing at all (not `[]`) for some empty lists. */
export async function ipJson<T>(args: string[]): Promise<T[]> {
  const out = (await ip(['-j', ...args])).trim();
  return out === '' ? [] : (JSON.parse(out) as T[]);
}

/** Runs `ip` and ignores a "does not exist" failure: deletions are idempotent. */
export async function ipIgnoreMissing(args: string[]): Promise<boolean> {
  try {
    await ip(args);
    return true;
  } catch (e) {
    if (e instanceof IpCommandError && e.notFound) return false;
    throw e;
  }
}

/**
 * Several commands in one `ip -batch -` process (optionally inside a namespace with `-n`): one
 * fork instead of one per command. iproute2 stops at the first failing line and names it.
 */
export function ipBatch(lines: string[], netns?: string): Promise<void> {
  const args = [...(netns ? ['-n', netns] : []), '-batch', '-'];
  return new Promise((resolve, reject) => {
    const child = spawn(IP, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => reject(new IpCommandError(args, stderr, null, e)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new IpCommandError([...args, `<<< ${lines.join('; ')}`], stderr, code));
    });
    child.stdin.end(lines.join('\n') + '\n');
  });
}
