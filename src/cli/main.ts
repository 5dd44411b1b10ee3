#!/usr/bin/env node
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, type ConfigInput } from '../config.js';
import { openDatabase, startMecano } from '../main.js';
import { migrate } from '../store/migrate.js';
import { localGc } from '../infra/local/index.js';
import { ownedResources } from '../lcm/reconciler.js';
import { VERSION } from '../version.js';

// The `mecano` command. Configuration errors exit with code 2 and a one-line reason.

function configFrom(opts: Record<string, unknown>): ReturnType<typeof loadConfig> {
  const input: ConfigInput = {
    host: opts.host as string | undefined,
    port: opts.port as string | undefined,
    dataDir: opts.dataDir as string | undefined,
    databaseUrl: opts.databaseUrl as string | undefined,
    logLevel: opts.logLevel as string | undefined,
    role: opts.role as string | undefined,
    netns: opts.netns === false ? false : undefined,
  };
  return loadConfig(input);
}

function fail(e: unknown): never {
  if (e instanceof ConfigError) {
    process.stderr.write(`mecano: configuration error: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`mecano: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
}

const program = new Command('mecano').version(VERSION, '-v, --version').description('MEC + MANO orchestrator');

const common = (c: Command) =>
  c
    .addOption(new Option('--data-dir <dir>', 'data directory (PGlite database, blobs, VNFC logs)').env('MECANO_DATA_DIR'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL; embedded PGlite when absent').env('DATABASE_URL'))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent').env('MECANO_LOG_LEVEL'));

common(
  program
    .command('serve')
    .description('run the service')
    .addOption(new Option('--host <ip>', 'address to listen on').env('MECANO_HOST'))
    .addOption(new Option('--port <n>', 'port to listen on').env('MECANO_PORT'))
    .addOption(new Option('--role <role>', 'all | centre | edge').env('MECANO_ROLE'))
    .option('--no-netns', 'run VNFCs on loopback ports instead of network namespaces'),
).action(async (opts: Record<string, unknown>) => {
  let config;
  try {
    config = configFrom(opts);
  } catch (e) {
    fail(e);
  }
  try {
    const m = await startMecano(config);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      m.app.log.info({ signal }, 'shutting down: no new requests, finishing in-flight ones');
      await m.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    // One line whatever the log level, for people and for scripts that wait for readiness: it
    // comes last, once workers run and signals are handled.
    process.stdout.write(`mecano ${VERSION} listening at ${m.url}\n`);
  } catch (e) {
    fail(e);
  }
});

common(program.command('migrate').description('apply database migrations and exit')).action(async (opts: Record<string, unknown>) => {
  try {
    const config = configFrom(opts);
    const db = await openDatabase(config);
    const applied = await migrate(db);
    await db.close();
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is current\n');
  } catch (e) {
    fail(e);
  }
});

const local = program.command('local').description('the local infrastructure driver');
common(local.command('gc').description("remove every mc-prefixed namespace, link and VNFC process that no instance owns (run it while no operation is in progress)")).action(
  async (opts: Record<string, unknown>) => {
    try {
      const config = configFrom(opts);
      const db = await openDatabase(config);
      await migrate(db);
      const owned = await ownedResources(db);
      await db.close();
      const report = await localGc(owned, { netns: config.netns });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } catch (e) {
      fail(e);
    }
  },
);

program.parseAsync(process.argv).catch(fail);
