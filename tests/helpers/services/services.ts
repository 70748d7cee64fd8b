// Throw-away PostgreSQL and Redis servers for the tests: each on 127.0.0.1 and a free port, in
// a temp dir, without persistence, stopped at the end. Debian's packages provide the binaries
// (`apt-get install postgresql redis-server`); a missing one fails loudly, it is never skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running server: where it listens, and how to stop it (idempotent). */
export interface TestService {
  url: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/** A port nobody listens on right now (the kernel's choice for port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `name` from PATH, or from the first of `dirs` that has it; else an error naming the apt package. */
function findBinary(name: string, dirs: string[], aptPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`${name} was not found (PATH, ${dirs.join(', ') || 'nowhere else'}): install it with \`apt-get install -y ${aptPackage}\``);
}

/** Debian keeps PostgreSQL's server binaries in /usr/lib/postgresql/<version>/bin, off PATH; newest first. */
function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(root, version, 'bin'));
}

/**
 * initdb and postgres refuse to run as root: as root, they run as the `postgres` user. The
 * server goes through setpriv, which execs in place (runuser stays as a parent that does not
 * pass our stop signal on), so the child we signal is the postmaster itself.
 */
function asServerUser(command: string, args: string[], how: 'runuser' | 'exec'): { command: string; args: string[] } {
  if (process.getuid?.() !== 0) return { command, args };
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) throw new Error('running as root needs a `postgres` user: install it with `apt-get install -y postgresql`');
  if (how === 'runuser') return { command: 'runuser', args: ['-u', 'postgres', '--', command, ...args] };
  return { command: 'setpriv', args: ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args] };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}

/** Resolves when `ready` answers true, rejects when the child exits or time runs out. */
async function waitUntil(child: ChildProcess, what: string, output: () => string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited during start-up:\n${output()}`);
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not start within ${START_TIMEOUT_MS / 1000}s:\n${output()}`);
}

/** Sends one inline command to 127.0.0.1:port and resolves with the first reply line ('' when none). */
function ask(port: number, command: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (): void => {
      socket.destroy();
      resolve(reply.split('\r\n')[0] ?? '');
    };
    socket.setTimeout(1_000, done);
    socket.on('error', done);
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done();
    });
  });
}

/** Spawns a server and waits until `ready` holds (its output so far at hand); a start that fails is stopped. */
async function spawnReady(command: string, args: string[], name: string, ready: (output: string) => Promise<boolean>, stopSignal: NodeJS.Signals): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitUntil(
      child,
      name,
      () => output,
      () => ready(output),
    );
  } catch (error) {
    await stopChild(child, stopSignal);
    throw error;
  }
  return child;
}

/** The first start; if it fails, the service's temp dir goes too. */
interface Relaunchable {
  /** Ends the running child with `signal`, leaving its files. */
  halt: (signal: NodeJS.Signals) => Promise<void>;
  /** Launches it again (same port, same files). */
  relaunch: () => Promise<void>;
  /** Ends it for good and removes its files. */
  stop: () => Promise<void>;
}

/** A server child that may be halted and launched again; `dir` goes when it stops or its first launch fails. */
async function relaunchable(launch: () => Promise<ChildProcess>, dir: string, stopSignal: NodeJS.Signals): Promise<Relaunchable> {
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  let child = await launch().catch((error: unknown) => {
    remove();
    throw error;
  });
  return {
    halt: (signal) => stopChild(child, signal),
    relaunch: async () => {
      child = await launch();
    },
    stop: async () => {
      await stopChild(child, stopSignal);
      remove();
    },
  };
}

/** A PostgreSQL a test may stop and start again with its data (a database outage and its end). */
export interface TestPostgres extends TestService {
  pause(): Promise<void>;
  resume(): Promise<void>;
}

/**
 * A fresh PostgreSQL cluster: initdb into a temp dir (trust auth on loopback, no unix socket
 * outside that dir), durability off (a test cluster never outlives its run). URL of the
 * `postgres` database as the `postgres` superuser.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const dirs = postgresBinDirs();
  const initdb = findBinary('initdb', dirs, 'postgresql');
  const postgres = findBinary('postgres', dirs, 'postgresql');
  const root = mkdtempSync(join(tmpdir(), 'loopgate-pg-'));
  const data = join(root, 'data');
  if (process.getuid?.() === 0) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (ids.status === 0) chownSync(root, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
  }
  const init = asServerUser(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync', '--no-instructions'], 'runuser');
  const initialised = spawnSync(init.command, init.args, { encoding: 'utf8' });
  if (initialised.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed (${initialised.status}): ${initialised.stderr || initialised.error?.message}`);
  }
  const port = await freePort();
  const settings = ['listen_addresses=127.0.0.1', `port=${port}`, `unix_socket_directories=${root}`, 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=300'];
  const run = asServerUser(postgres, ['-D', data, ...settings.flatMap((setting) => ['-c', setting])], 'exec');
  const launch = (): Promise<ChildProcess> =>
    // The server logs "ready to accept connections" once it does.
    spawnReady(run.command, run.args, 'postgres', async (output) => /ready to accept connections/.test(output), 'SIGINT');
  // SIGINT: PostgreSQL's fast shutdown (active sessions are disconnected); a pause keeps the data.
  const server = await relaunchable(launch, root, 'SIGINT');
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, pause: () => server.halt('SIGINT'), resume: server.relaunch, stop: server.stop };
}

/** A redis-server a test may also crash and bring back (an outage and its end). */
export interface TestRedis extends TestService {
  port: number;
  /** SIGKILL, as a crash: no goodbye to the clients. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (nothing was persisted). */
  restart(): Promise<void>;
}

/**
 * A fresh redis-server on loopback: no RDB snapshots, no AOF, nothing written to disk. The run
 * shares one (global-setup.ts); a file whose test kills Redis, or whose instances listen on the
 * change channel (pub/sub ignores database numbers), starts its own.
 */
export async function startRedis(): Promise<TestRedis> {
  const redisServer = findBinary('redis-server', [], 'redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-redis-'));
  const port = await freePort();
  const launch = (): Promise<ChildProcess> =>
    spawnReady(
      redisServer,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
      'redis-server',
      async () => (await ask(port, 'PING')) === '+PONG',
      'SIGKILL',
    );
  const server = await relaunchable(launch, dir, 'SIGTERM');
  return { url: `redis://127.0.0.1:${port}`, port, kill: () => server.halt('SIGKILL'), restart: server.relaunch, stop: server.stop };
}
