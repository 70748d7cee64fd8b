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

/** Claude Code pointed at a gateway with a key, in its own HOME, sending nothing but the model calls. */
export function claudeEnv(home: string, gatewayUrl: string, key: string): Record<string, string> {
  return { HOME: home, ANTHROPIC_BASE_URL: gatewayUrl, ANTHROPIC_AUTH_TOKEN: key, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
}

/** `claude -p <prompt> --model <model> --output-format json` in a HOME of its own, through a gateway; bounded at 60 s. */
export function claudePrint(gatewayUrl: string, key: string, model: string, prompt: string, homePrefix = 'loopgate-claude-home-'): Promise<Ran> {
  const home = throwAwayHome(homePrefix);
  return runTool(CLAUDE, ['-p', prompt, '--model', model, '--output-format', 'json'], claudeEnv(home, gatewayUrl, key), home);
}

/** Gemini CLI's settings.json signing in by `authType`, kept from calling Google: no telemetry or usage statistics, no update check, no IDE, no folder trust. */
export function geminiSettings(authType: string): string {
  return JSON.stringify({
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    ide: { enabled: false },
    security: { auth: { selectedType: authType }, folderTrust: { enabled: false } },
  });
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
