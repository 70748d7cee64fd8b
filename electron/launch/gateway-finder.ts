// Finds the gateway a launched tool should use: the one named (--url, LOOPGATE_URL), else the
// one whose address its data dir holds (the app or `loopgate serve`); when none answers, starts
// a headless one in the background on that data dir and waits for it.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDataDir } from '../config/data-dir.js';
import { readRunningGateway } from '../config/running-gateway.js';
import { LaunchError } from './launch-error.js';

const PROBE_TIMEOUT_MS = 2_000;
const START_TIMEOUT_MS = 30_000;
const POLL_MS = 150;
const HEADLESS_LOG_FILE = 'headless-gateway.log';

/** How to start a gateway on a data dir: `loopgate serve` from the CLI, the app itself from its executable. */
export interface GatewayStarter {
  command: string;
  args(dataDir: string, port: string): string[];
  /** Said on stderr: what was started. */
  describe: string;
}

/** Whether a Loopgate gateway answers at `url` (its `/` says its name). */
async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/', url), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = (await response.json()) as { name?: unknown };
    return body.name === 'Loopgate';
  } catch {
    return false;
  }
}

export interface FoundGateway {
  url: string;
  /** Set when this call started it: its process id and log file. */
  started: { pid: number; log: string } | null;
}

export async function findGateway(options: { url: string | undefined; dataDir: string; port: string; starter: GatewayStarter }): Promise<FoundGateway> {
  if (options.url) {
    if (await answers(options.url)) return { url: new URL(options.url).origin, started: null };
    throw new LaunchError(`no Loopgate gateway answers at ${options.url}`);
  }
  const running = await runningGateway(options.dataDir);
  if (running) return { url: running, started: null };
  return startHeadless(options.dataDir, options.port, options.starter);
}

/** The gateway the data dir says is running, if Loopgate still answers there (a crash leaves the address behind, and the port may be another server's now). */
export async function runningGateway(dataDir: string): Promise<string | null> {
  const running = await readRunningGateway(dataDir);
  return running && (await answers(running.url)) ? running.url : null;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

async function startHeadless(dataDir: string, port: string, starter: GatewayStarter): Promise<FoundGateway> {
  await ensureDataDir(dataDir);
  const log = join(dataDir, HEADLESS_LOG_FILE);
  const fd = openSync(log, 'a', 0o600);
  // Its own session, output to a log file: it outlives this command, as the app would.
  const child = spawn(starter.command, starter.args(dataDir, port), { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.on('error', () => (exited = -1));
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new LaunchError(`the ${starter.describe} it started on ${dataDir} stopped (exit ${String(exited)}):\n${tail(log)}`);
    const running = await readRunningGateway(dataDir);
    if (running !== null && running.pid === child.pid && (await answers(running.url))) return { url: running.url, started: { pid: child.pid ?? 0, log } };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new LaunchError(`the ${starter.describe} it started on ${dataDir} did not answer within ${START_TIMEOUT_MS / 1000} s; see ${log}`);
}
