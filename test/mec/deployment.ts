import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { TEST_DB_KIND, createPgDatabase } from '../helpers/db.js';

// A real two-node MEC deployment on this machine: the centre (compiled CLI, role centre) in the
// root network namespace, each edge (role edge) in its own namespace `mecano-edge-<tag>` joined
// to the root one by a veth pair on a private /30 (10.231.N.0/30: .1 root side, .2 edge side).
// The edge's app network (where its apps' external CPs get addresses) is routed through the
// edge's veth address, so the test — like a client of the app — reaches the apps over the link.
// Everything made here is removed by `destroy()`, including app processes an edge left behind.

const execFileP = promisify(execFile);
const CLI = path.resolve('dist/src/cli/main.js');
const ip = (...args: string[]) => execFileP('ip', args);

export interface Proc {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `mecano serve`, optionally inside a network namespace; resolves once it listens. */
export function serve(env: NodeJS.ProcessEnv, netns?: string): Promise<Proc> {
  const cmd = netns ? 'nsenter' : process.execPath;
  const args = netns ? [`--net=/run/netns/${netns}`, process.execPath, CLI, 'serve'] : [CLI, 'serve'];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, MECANO_PORT: '0', MECANO_LOG_LEVEL: process.env.MECANO_TEST_LOG ?? 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`mecano did not start: ${out}`)), 60_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /listening at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, url: m[1], output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mecano exited with ${code}: ${out}`));
    });
  });
}

export function stop(p: Proc, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill(signal);
  });
}

export interface EdgeNode {
  netns: string;
  /** The edge's address on the link (it listens there). */
  ip: string;
  /** The edge's app network, routed from the root namespace through the edge. */
  appCidr: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  user: string;
  password: string;
  proc?: Proc;
  start(): Promise<Proc>;
}

export class Deployment {
  readonly tag = randomBytes(2).toString('hex');
  readonly n = randomInt(2, 250);
  readonly edges: EdgeNode[] = [];
  centre?: Proc;
  centreEnv: NodeJS.ProcessEnv = {};
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  private dir = '';

  async init(): Promise<void> {
    this.dir = await mkdtemp(path.join(tmpdir(), `mecano-mec-${this.tag}-`));
    this.cleanups.push(() => rm(this.dir, { recursive: true, force: true }));
  }

  /**
   * A database for one process: its own PGlite data dir, or its own PostgreSQL database. An edge
   * cannot reach the server's loopback address from its namespace: it uses the Unix socket
   * (same file system, other network).
   */
  private async database(name: string, viaSocket = false): Promise<NodeJS.ProcessEnv> {
    const dataDir = path.join(this.dir, name);
    if (TEST_DB_KIND !== 'postgres') return { MECANO_DATA_DIR: dataDir };
    const db = await createPgDatabase();
    this.cleanups.push(db.drop);
    return { MECANO_DATA_DIR: dataDir, DATABASE_URL: viaSocket ? await socketUrl(db.url) : db.url };
  }

  async startCentre(extra: NodeJS.ProcessEnv = {}): Promise<Proc> {
    if (!this.centreEnv.MECANO_DATA_DIR) this.centreEnv = { ...(await this.database('centre')), MECANO_ROLE: 'centre', MECANO_HOST: '127.0.0.1', ...extra };
    this.centre = await serve(this.centreEnv);
    return this.centre;
  }

  /** Namespace, veth pair, addresses, forwarding and the route to the edge's app network. */
  async addEdge(): Promise<EdgeNode> {
    const k = this.edges.length;
    const netns = `mecano-edge-${this.tag}${k}`;
    const rootIf = `mcve${this.tag}${k}a`;
    const edgeIf = `mcve${this.tag}${k}b`;
    const base = `10.231.${this.n}.${k * 4}`;
    const [, , , last] = base.split('.').map(Number);
    const rootIp = `10.231.${this.n}.${last + 1}`;
    const edgeIp = `10.231.${this.n}.${last + 2}`;
    const appCidr = `10.232.${this.n}.${k * 64}/26`;
    await ip('netns', 'add', netns);
    this.cleanups.push(() => this.removeNetns(netns));
    await ip('link', 'add', rootIf, 'type', 'veth', 'peer', 'name', edgeIf);
    this.cleanups.push(() => ip('link', 'del', rootIf).catch(() => undefined));
    await ip('link', 'set', edgeIf, 'netns', netns);
    await ip('addr', 'add', `${rootIp}/30`, 'dev', rootIf);
    await ip('link', 'set', rootIf, 'up');
    await ip('-n', netns, 'addr', 'add', `${edgeIp}/30`, 'dev', edgeIf);
    await ip('-n', netns, 'link', 'set', edgeIf, 'up');
    await ip('-n', netns, 'link', 'set', 'lo', 'up');
    await execFileP('ip', ['netns', 'exec', netns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    await ip('route', 'add', appCidr, 'via', edgeIp);
    this.cleanups.push(() => ip('route', 'del', appCidr).catch(() => undefined));
    const password = randomBytes(12).toString('hex');
    const env: NodeJS.ProcessEnv = { ...(await this.database(`edge${k}`, true)), MECANO_ROLE: 'edge', MECANO_HOST: edgeIp, MECANO_AUTH_USERS: `applcm:${password}`, MECANO_MEC_APP_CIDR: appCidr, MECANO_MEC_APP_BRIDGE: 'mcmecapps' };
    const edge: EdgeNode = {
      netns,
      ip: edgeIp,
      appCidr,
      dataDir: String(env.MECANO_DATA_DIR),
      env,
      user: 'applcm',
      password,
      start: async () => {
        edge.proc = await serve(env, netns);
        // Restarts keep the address the centre registered.
        env.MECANO_PORT = new URL(edge.proc.url).port;
        return edge.proc;
      },
    };
    this.edges.push(edge);
    return edge;
  }

  private async killApps(): Promise<void> {
    await killAppsUnder(this.edges.map((e) => e.dataDir));
  }

  /** The namespaces the edge's apps ran in (made by the edge, named mcns…) go with their processes. */
  private async removeNetns(netns: string): Promise<void> {
    await ip('netns', 'del', netns).catch(() => undefined);
  }

  async destroy(): Promise<void> {
    if (this.centre) await stop(this.centre, 'SIGKILL');
    for (const e of this.edges) if (e.proc) await stop(e.proc, 'SIGKILL');
    await this.killApps();
    for (const c of this.cleanups.reverse()) await c().catch(() => undefined);
  }
}

/** The same database reached through the server's Unix socket directory. */
async function socketUrl(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const dirs = (await c.query<{ d: string }>("SELECT current_setting('unix_socket_directories') AS d")).rows[0].d;
  const port = (await c.query<{ p: string }>("SELECT current_setting('port') AS p")).rows[0].p;
  await c.end();
  const u = new URL(url);
  return `postgresql://${u.username}@/${u.pathname.slice(1)}?host=${encodeURIComponent(dirs.split(',')[0].trim())}&port=${port}`;
}

/**
 * App processes a mecano started from artifacts under one of `dirs` (its data directories),
 * SIGKILLed, and the namespaces they ran in removed: what a failed test would otherwise leave.
 */
export async function killAppsUnder(dirs: string[]): Promise<void> {
  const namespaces: string[] = [];
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const env = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
    const artifact = /(?:^|\0)MECANO_ARTIFACT=([^\0]*)/.exec(env)?.[1];
    if (!artifact || !dirs.some((d) => artifact.startsWith(d))) continue;
    const ns = (await execFileP('ip', ['netns', 'identify', pid]).catch(() => ({ stdout: '' }))).stdout.trim();
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone already */
    }
    if (ns.startsWith('mcns')) namespaces.push(ns);
  }
  for (const ns of namespaces) await ip('netns', 'del', ns).catch(() => undefined);
}
