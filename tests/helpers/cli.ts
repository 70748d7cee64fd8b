// Runs the built `loopgate` bin as a user would, and waits for its one "listening" line.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_PATH = join(PROJECT_ROOT, 'dist/electron/cli.js');
export const LISTENING_LINE = /^Loopgate listening on (http:\/\/127\.0\.0\.1:\d+)$/;

export interface RunningCli {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  /** Signals the whole process group, as a terminal's Ctrl-C does (npx does not forward signals). */
  signal(name: NodeJS.Signals): void;
}

export function tempDir(prefix = 'loopgate-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeConfig(dir: string, yaml: string): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

function launch(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const signal = (name: NodeJS.Signals): void => {
    if (child.pid !== undefined) process.kill(-child.pid, name);
  };
  return { child, stdout: () => stdout, stderr: () => stderr, exit, signal };
}

/** Runs a command to completion (for start-up failures). */
export async function runCli(args: string[], env: Record<string, string> = {}) {
  const run = launch(process.execPath, [CLI_PATH, ...args], env);
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Starts `serve` and resolves once it printed its listening line. */
export async function startServe(args: string[], env: Record<string, string> = {}, viaNpx = false): Promise<RunningCli> {
  const run = viaNpx ? launch('npx', ['--no-install', 'loopgate', 'serve', ...args], env) : launch(process.execPath, [CLI_PATH, 'serve', ...args], env);
  const url = await new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const match = LISTENING_LINE.exec(run.stdout().split('\n')[0] ?? '');
      if (match && run.stdout().includes('\n')) resolve(match[1]!);
    };
    run.child.stdout?.on('data', check);
    void run.exit.then((code) => reject(new Error(`loopgate exited with ${code} before listening: ${run.stderr()}`)));
  });
  return { ...run, url };
}
