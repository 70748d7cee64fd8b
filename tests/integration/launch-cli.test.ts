// `loopgate run` / `loopgate env` as a user meets them without a tool installed: the gateway found
// through its data dir, a headless one started when none runs, `-- <command>` with both SDKs'
// variables, the exit code passed through, and an unknown tool refused with the known ones listed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH, runCli, startServe, tempDir, type RunningCli } from '../helpers/cli.js';

let serve: RunningCli;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir('loopgate-launch-cli-');
  serve = await startServe(['--port', '0', '--data-dir', dataDir]);
});

afterAll(async () => {
  serve?.signal('SIGTERM');
  await serve?.exit;
});

function loopgate(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('loopgate run -- <command>', () => {
  it('finds the gateway through its data dir and gives the program both SDKs’ variables and its own key', async () => {
    const cwd = tempDir('loopgate-proj-');
    const print = 'for (const n of ["OPENAI_BASE_URL","OPENAI_API_KEY","ANTHROPIC_BASE_URL","ANTHROPIC_API_KEY","LOOPGATE_PROJECT"]) console.log(n + "=" + process.env[n]);';
    const result = await loopgate(['run', '--data-dir', dataDir, '--', process.execPath, '-e', print], {}, cwd);
    expect(result.code, result.stderr).toBe(0);
    const vars = Object.fromEntries(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string]),
    );
    expect(vars).toMatchObject({ OPENAI_BASE_URL: `${serve.url}/v1`, ANTHROPIC_BASE_URL: serve.url, LOOPGATE_PROJECT: basename(cwd) });
    const stored = JSON.parse(readFileSync(join(dataDir, 'launch-keys.json'), 'utf8')) as Record<string, { key: string }>;
    expect(vars.OPENAI_API_KEY).toBe(stored[`loopgate run: ${basename(process.execPath)}`]!.key);
    expect(vars.ANTHROPIC_API_KEY).toBe(vars.OPENAI_API_KEY);
    // The key works: the gateway takes it.
    const models = await fetch(`${serve.url}/v1/models`, { headers: { authorization: `Bearer ${vars.OPENAI_API_KEY}` } });
    expect(models.status).toBe(200);
  });

  it('passes the exit code through', async () => {
    const result = await loopgate(['run', '--data-dir', dataDir, '--', process.execPath, '-e', 'process.exit(7)'], {}, tempDir());
    expect(result.code).toBe(7);
  });

  it('says so when the command is not installed', async () => {
    const result = await loopgate(['run', '--data-dir', dataDir, '--', 'no-such-tool-here'], {}, tempDir());
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('no-such-tool-here is not installed or not on the PATH');
  });
});

describe('an unknown tool', () => {
  it('is refused with exit code 2 and the known tools listed', async () => {
    const result = await runCli(['run', 'cursor']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown tool "cursor"; known tools: claude, codex, gemini, opencode, qwen');
  });
});

describe('without a running gateway', () => {
  it('starts a headless one on the data dir in the background, says so, and the next call uses it', async () => {
    const empty = tempDir('loopgate-launch-empty-');
    const cwd = tempDir();
    const first = await loopgate(['env', 'codex'], { LOOPGATE_DATA_DIR: empty, LOOPGATE_PORT: '0' }, cwd);
    const pid = Number(/pid (\d+)/.exec(first.stderr)?.[1]);
    try {
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/no gateway was running; started the headless gateway/);
      const running = JSON.parse(readFileSync(join(empty, 'gateway.json'), 'utf8')) as { url: string; pid: number };
      expect(running.pid).toBe(pid);
      expect(first.stdout).toContain(`export LOOPGATE_API_KEY='`);
      expect(first.stdout).toContain(`codex() { command codex '-c' 'model_provider="loopgate"'`);
      expect(first.stdout).toContain(`model_providers.loopgate.base_url="${running.url}/v1"`);
      const second = await loopgate(['env', 'codex'], { LOOPGATE_DATA_DIR: empty, LOOPGATE_PORT: '0' }, cwd);
      expect(second.stderr).toBe('');
      // The same gateway and the same key.
      expect(second.stdout).toBe(first.stdout);
    } finally {
      if (pid > 0) process.kill(pid, 'SIGTERM');
    }
  }, 60_000);
});
