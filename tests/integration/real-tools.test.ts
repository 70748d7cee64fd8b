// The real tools people point at Loopgate, installed from npm and run offline: Claude Code
// (Anthropic Messages) and Codex CLI (Responses API), each against an Anthropic-style and an
// OpenAI-style upstream, authenticated with a virtual key.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

const require = createRequire(import.meta.url);
// Installs skip postinstall scripts (.npmrc), so Claude Code's native binary is run from its
// platform package directly, as its own postinstall would have linked it.
const CLAUDE = join(dirname(require.resolve(`@anthropic-ai/claude-code-${process.platform}-${process.arch}/package.json`)), 'claude');
const CODEX = join(PROJECT_ROOT, 'node_modules/.bin/codex');

let claude: MockAnthropic;
let openai: MockUpstream;
let gw: TestGateway;
let key: string;
let token: string;

beforeAll(async () => {
  claude = await startMockAnthropic();
  openai = await startMockOpenAI();
  gw = await startTestGateway(`model_list:
  - model_name: claude-native
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_base: ${claude.url}
      api_key: sk-ant-upstream${[
    openaiModel('via-chat', 'mock-gpt', openai.apiBase),
    openaiModel('via-responses', 'mock-responses', openai.apiBase, '\n    model_info:\n      mode: responses'),
  ].join('')}
`);
  const created = await gw.manage('POST', '/key/generate', { key_alias: 'tools' });
  key = created.body.key;
  token = created.body.token;
});

afterAll(async () => {
  await gw?.close();
  await claude?.close();
  await openai?.close();
});

function run(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A throw-away HOME so nothing of this machine's user leaks in or out. */
function freshHome(): string {
  return mkdtempSync(join(tmpdir(), 'loopgate-tool-home-'));
}

async function claudeCode(model: string, prompt: string) {
  const home = freshHome();
  const result = await run(CLAUDE, ['-p', prompt, '--model', model, '--output-format', 'json'], {
    HOME: home,
    ANTHROPIC_BASE_URL: gw.url,
    ANTHROPIC_AUTH_TOKEN: key,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  }, home);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { is_error: boolean; result: string; num_turns: number };
}

async function codex(model: string, prompt: string) {
  const home = freshHome();
  mkdirSync(join(home, '.codex'));
  writeFileSync(
    join(home, '.codex/config.toml'),
    `model = "${model}"
model_provider = "loopgate"

[model_providers.loopgate]
name = "Loopgate"
base_url = "${gw.url}/v1"
env_key = "LOOPGATE_API_KEY"
wire_api = "responses"
`,
  );
  const result = await run(CODEX, ['exec', '--skip-git-repo-check', prompt], { HOME: home, CODEX_HOME: join(home, '.codex'), LOOPGATE_API_KEY: key }, home);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('Claude Code through Loopgate', () => {
  it('talks to an Anthropic upstream, relayed natively', async () => {
    const out = await claudeCode('claude-native', 'say hi');
    expect(out.is_error).toBe(false);
    expect(out.result).toContain('Hello from Claude mock');
    expect(claude.requests.at(-1)?.body).toMatchObject({ model: 'claude-sonnet-4-5', stream: true });
  });

  it('talks to an OpenAI-compatible upstream, translated, including a tool round trip', async () => {
    const plain = await claudeCode('via-chat', 'say hi');
    expect(plain.is_error).toBe(false);
    expect(plain.result).toContain('Hello from mock');
    // "weather" makes the mock call Claude Code's first tool; the result goes back as a tool message.
    const withTool = await claudeCode('via-chat', 'what is the weather?');
    expect(withTool.is_error).toBe(false);
    expect(withTool.num_turns).toBeGreaterThanOrEqual(2);
    expect(withTool.result).toContain('The tool said');
    expect(openai.requests.some((r) => (r.body?.messages as Array<{ role: string }> | undefined)?.some((m) => m.role === 'tool'))).toBe(true);
  });
});

describe('Codex CLI through Loopgate', () => {
  it('talks to a chat-only upstream, translated from the Responses API; hosted tools are left out', async () => {
    const result = await codex('via-chat', 'say hi');
    expect(result.stdout).toContain('Hello from mock: say hi');
    const sent = openai.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect((sent.body?.tools as unknown[]).length).toBeGreaterThan(0);
    await expect.poll(() => gw.logger.records.find((r) => r.msg === 'Left out tools the upstream cannot run')).toBeTruthy();
  });

  it('talks to a Responses-capable upstream, relayed natively', async () => {
    const result = await codex('via-responses', 'say hi');
    expect(result.stdout).toContain('Hello from responses mock');
    expect(openai.requests.at(-1)?.path).toBe('/v1/responses');
  });

  it('is counted against the virtual key', async () => {
    const info = await gw.manage('GET', `/key/info?key=${token}`);
    expect(info.body.info.usage.total_requests).toBeGreaterThanOrEqual(5);
    expect(info.body.info.usage.total_tokens).toBeGreaterThan(0);
  });
});
