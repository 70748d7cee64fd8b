// Running the real agents (Claude Code, Codex CLI, Gemini CLI) offline in tests: where their
// binaries are, a throw-away HOME, and a bounded run with only the environment a test gives.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// Installs skip postinstall scripts (.npmrc), so Claude Code's native binary is run from its
// platform package directly, as its own postinstall would have linked it.
export const CLAUDE = join(dirname(require.resolve(`@anthropic-ai/claude-code-${process.platform}-${process.arch}/package.json`)), 'claude');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A throw-away HOME so nothing of this machine's user leaks in or out. */
export function throwAwayHome(prefix = 'loopgate-tool-home-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs a tool with PATH and the environment given, nothing else; killed after `timeoutMs`. */
export function runTool(command: string, args: string[], env: Record<string, string>, cwd: string, timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
