// Runs a tool offline: a throw-away HOME (nothing of this machine's user leaks in or out),
// only the environment given, bounded in time.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Executable } from './binaries.js';
import { MARKER, MARKER_FILE } from './upstreams.js';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(tool: Executable, args: string[], env: Record<string, string>, cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(tool.command, [...tool.args, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A fresh HOME, which is also the working directory, holding the file the scripted upstreams have read. */
export function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'loopgate-conformance-'));
  writeFileSync(join(home, MARKER_FILE), `${MARKER}\n`);
  return home;
}
