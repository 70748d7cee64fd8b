#!/usr/bin/env node
// `loopgate`: the headless entry. Plain Node, no Electron.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { APP_VERSION } from './core/app-info.js';
import { CommandError, keysCommand, KEYS_USAGE } from './cli-keys.js';
import { importCommand, IMPORT_USAGE } from './cli-import.js';
import { ConfigError } from './config/index.js';
import { defaultDataDir } from './config/data-dir.js';
import { DataDirLockedError } from './store/files.js';
import { DataKeyWrappedError, WRAPPED_DATA_KEY_FILE } from './store/secrets.js';
import { BatchedJsonLogger } from './core/logger.js';
import { guardProcess } from './core/request-scope.js';
import { startGateway } from './app/start.js';
import { importSqlJsStore } from './store/pg/import.js';
import { envCommand, LAUNCH_USAGE, LaunchError, runCommand, type LaunchHost } from './launch/index.js';

const USAGE = `Usage:
  loopgate serve [--config FILE] [--host 127.0.0.1] [--port 7420] [--data-dir DIR] [--open]
  loopgate keys create|list|revoke ...   (see \`loopgate keys --help\`)
  loopgate import ccr [PATH]             (see \`loopgate import --help\`)
  loopgate run <tool> [args…] | loopgate env <tool>   (see \`loopgate run --help\`)
  loopgate export-key [--data-dir DIR]   (run by the desktop app's executable)
  loopgate migrate-store --from DATA_DIR --to DATABASE_URL [--data-dir DIR]
  loopgate --version

serve       Run the gateway in the foreground until SIGINT or SIGTERM.
--config    A LiteLLM-format config.yaml (model_list, router_settings, ...).
--host      Interface to listen on (default 127.0.0.1).
--port      Port to listen on; 0 picks a free one (default 7420).
--data-dir  Where Loopgate keeps its data (default: LOOPGATE_DATA_DIR, else the OS app-data folder).
--open      Open the admin UI in the browser, already signed in.

migrate-store  Copy a laptop's store (--from its data dir, the app stopped) into an empty
            PostgreSQL database (--to), provider keys sealed again under the server's data
            key (LOOPGATE_DATA_KEY, else the key file in --data-dir), then check the counts.
`;

const DUPLICATE_SIGNAL_MS = 1_000;

/** Exit codes: 0 done, 1 failed at start, 2 bad command line. */
class UsageError extends Error {}

function fail(message: string, code: number): never {
  process.stderr.write(`loopgate: ${message}\n`);
  process.exit(code);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port expects a number from 0 to 65535, got "${value}"`);
  return port;
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7420' },
      'data-dir': { type: 'string' },
      open: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const logger = new BatchedJsonLogger(process.stderr);
  // A fault one request's handling missed ends that request; any other still stops the server, as Node would.
  guardProcess({ logger, outsideRequest: () => void logger.flush().finally(() => process.exit(1)) });
  const started = await startGateway({
    configFile: values.config ?? null,
    host: values.host,
    port: parsePort(values.port),
    dataDir: values['data-dir'] ?? defaultDataDir(process.env),
    env: process.env,
    logger,
    serverEnv: true,
  });
  let stoppingSince = 0;
  const stop = (signal: NodeJS.Signals): void => {
    // A wrapper (npm, a shell) may pass the same Ctrl-C on moments after the terminal did:
    // only a signal sent well after the first means "stop now".
    if (stoppingSince) {
      if (Date.now() - stoppingSince > DUPLICATE_SIGNAL_MS) fail(`second ${signal}: exiting without waiting for in-flight requests`, 1);
      return;
    }
    stoppingSince = Date.now();
    logger.log('info', `${signal} received; finishing in-flight requests`);
    started.close().then(
      () => process.exit(0),
      (error: unknown) => fail(`shutdown failed: ${String(error)}`, 1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Printed last: whoever waits for this line may signal at once, so the handlers come first.
  process.stdout.write(`Loopgate listening on ${started.url.origin}\n`);
  if (values.open) openInBrowser(started.gateway.loginLink(), logger);
}

/**
 * Plain Node has no OS keychain: the desktop app's executable does the export (its
 * \`export-key\`); here we only say whether it is needed and how.
 */
async function exportKeyHeadless(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } }, strict: true, allowPositionals: false });
  const dataDir = values['data-dir'] ?? defaultDataDir(process.env);
  if (!existsSync(join(dataDir, WRAPPED_DATA_KEY_FILE)) || existsSync(join(dataDir, 'data-key'))) {
    return void process.stdout.write(`The data key in ${dataDir} is already a key file; \`loopgate serve\` can use it.\n`);
  }
  throw new CommandError(new DataKeyWrappedError(dataDir).message);
}

/** Opens the admin UI, signed in by a one-time link, in the user's browser. */
function openInBrowser(link: string, logger: BatchedJsonLogger): void {
  // Said on stderr too, for when no browser opens (a one-time link, valid five minutes, this machine only).
  process.stderr.write(`Admin UI: ${link}\n`);
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [link], { stdio: 'ignore', detached: true });
  child.on('error', () => logger.log('warn', `Could not open a browser; visit ${originOf(link)}/ui and sign in with the master key`));
  child.unref();
}

function originOf(link: string): string {
  return new URL(link).origin;
}

async function migrateStore(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { from: { type: 'string' }, to: { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  if (!values.from || !values.to) throw new UsageError('migrate-store needs --from <data-dir> and --to <database_url>');
  const logger = new BatchedJsonLogger(process.stderr);
  const report = await importSqlJsStore({ fromDir: values.from, databaseUrl: values.to, dataDir: values['data-dir'] ?? defaultDataDir(process.env), env: process.env, logger });
  let mismatched = false;
  for (const [table, { source, copied }] of Object.entries(report.counts)) {
    mismatched ||= source !== copied;
    process.stdout.write(`${table.padEnd(18)} ${String(source).padStart(8)} -> ${String(copied).padStart(8)}${source === copied ? '' : '  MISMATCH'}\n`);
  }
  if (mismatched) throw new CommandError('the copy does not match the source; the database was left with what was written');
  process.stdout.write(`Copied; provider keys are sealed under the data key from ${report.dataKeySource}.\n`);
}

/** A headless gateway for `loopgate run` when none is running: this same CLI's `serve`, in the background. */
function launchHost(): LaunchHost {
  const cli = fileURLToPath(import.meta.url);
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    starter: { command: process.execPath, args: (dataDir, port) => [cli, 'serve', '--data-dir', dataDir, '--port', port], describe: 'headless gateway (`loopgate serve`)' },
  };
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') return void process.stdout.write(`${APP_VERSION}\n`);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return void process.stdout.write(USAGE);
  }
  if (command === 'serve') return serve(rest);
  if (command === 'export-key') return exportKeyHeadless(rest);
  if (command === 'migrate-store') return migrateStore(rest);
  if (command === 'run' || command === 'env') {
    if (rest[0] === undefined || rest[0] === '--help' || rest[0] === '-h') return void process.stdout.write(LAUNCH_USAGE);
    const code = await (command === 'run' ? runCommand : envCommand)(rest, launchHost());
    process.exit(code);
  }
  if (command === 'keys') {
    if (rest[0] === undefined || rest[0] === '--help' || rest[0] === '-h') return void process.stdout.write(KEYS_USAGE);
    return keysCommand(rest);
  }
  if (command === 'import') {
    if (rest[0] === undefined || rest[0] === '--help' || rest[0] === '-h') return void process.stdout.write(IMPORT_USAGE);
    return importCommand(rest);
  }
  throw new UsageError(`unknown command "${command}"`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) fail(`invalid config: ${error.message}`, 1);
  if (error instanceof UsageError) fail(`${error.message}\n\n${USAGE}`, 2);
  if (error instanceof LaunchError) fail(error.message, error.exitCode);
  if (error instanceof CommandError) fail(error.message, 1);
  if (error instanceof DataDirLockedError) fail(error.message, 1);
  if (error instanceof DataKeyWrappedError) fail(error.message, 1);
  const code = (error as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    fail(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  if (code === 'EIMPORTREFUSED' || code === 'EDATAKEYMISMATCH') fail((error as Error).message, 1);
  if (code === 'EADDRINUSE') fail(`the port is already in use: ${(error as Error).message}`, 1);
  fail(`failed to start: ${error instanceof Error ? error.message : String(error)}`, 1);
});
