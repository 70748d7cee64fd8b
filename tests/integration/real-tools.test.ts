// The real tools people point at Loopgate, installed from npm and run offline: Claude Code
// (Anthropic Messages), Codex CLI (Responses API) and Gemini CLI (Gemini API), each against
// an upstream of its own dialect and an OpenAI-style one, authenticated with a virtual key.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudePrint, geminiSettings, runTool, throwAwayHome } from '../helpers/real-tools.js';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { anthropicModel, modelEntry, openaiModel } from '../helpers/gateway.js';
import { useGateway } from '../helpers/file-setup.js';
import { startMockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI } from '../helpers/mock-openai.js';
import { startMockGemini } from '../helpers/mock-providers.js';

const CODEX = join(PROJECT_ROOT, 'node_modules/.bin/codex');
const GEMINI = join(PROJECT_ROOT, 'node_modules/.bin/gemini');

const setup = useGateway(
  { claude: () => startMockAnthropic(), openai: () => startMockOpenAI(), gemini: () => startMockGemini('gemini-upstream-key') },
  ({ claude, openai, gemini }) =>
    `model_list:${[
      anthropicModel('claude-native', 'claude-sonnet-4-5', claude.url),
      modelEntry('gemini-native', { model: 'gemini/gemini-2.5-flash', api_base: `${gemini.url}/v1beta`, api_key: 'gemini-upstream-key' }),
      openaiModel('via-chat', 'mock-gpt', openai.apiBase),
      openaiModel('via-responses', 'mock-responses', openai.apiBase, '\n    model_info:\n      mode: responses'),
    ].join('')}\n`,
  { keyAlias: 'tools' },
);

async function claudeCode(model: string, prompt: string) {
  const result = await claudePrint(setup.gw.url, setup.key, model, prompt);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { is_error: boolean; result: string; num_turns: number };
}

async function codex(model: string, prompt: string) {
  const home = throwAwayHome();
  mkdirSync(join(home, '.codex'));
  writeFileSync(
    join(home, '.codex/config.toml'),
    `model = "${model}"
model_provider = "loopgate"

[model_providers.loopgate]
name = "Loopgate"
base_url = "${setup.gw.url}/v1"
env_key = "LOOPGATE_API_KEY"
wire_api = "responses"
`,
  );
  const result = await runTool(CODEX, ['exec', '--skip-git-repo-check', prompt], { HOME: home, CODEX_HOME: join(home, '.codex'), LOOPGATE_API_KEY: setup.key }, home);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

/** Gemini CLI headless (-p), with settings that keep it from calling Google: no telemetry or usage statistics, no update check, no IDE. */
async function geminiCli(model: string, prompt: string) {
  const home = throwAwayHome();
  mkdirSync(join(home, '.gemini'));
  writeFileSync(join(home, '.gemini/settings.json'), geminiSettings('gemini-api-key'));
  const env = { HOME: home, GOOGLE_GEMINI_BASE_URL: setup.gw.url, GEMINI_API_KEY: setup.key, GEMINI_TELEMETRY_ENABLED: 'false' };
  const result = await runTool(GEMINI, ['-p', prompt, '-m', model, '-o', 'json'], env, home);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { response: string; stats: { models: Record<string, { api: { totalRequests: number }; tokens: { total: number } }> } };
}

describe('Claude Code through Loopgate', () => {
  it('talks to an Anthropic upstream, relayed natively', async () => {
    const out = await claudeCode('claude-native', 'say hi');
    expect(out.is_error).toBe(false);
    expect(out.result).toContain('Hello from Claude mock');
    expect(setup.claude.requests.at(-1)?.body).toMatchObject({ model: 'claude-sonnet-4-5', stream: true });
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
    expect(setup.openai.requests.some((r) => (r.body?.messages as Array<{ role: string }> | undefined)?.some((m) => m.role === 'tool'))).toBe(true);
  });
});

describe('Codex CLI through Loopgate', () => {
  it('talks to a chat-only upstream, translated from the Responses API; hosted tools are left out', async () => {
    const result = await codex('via-chat', 'say hi');
    expect(result.stdout).toContain('Hello from mock: say hi');
    const sent = setup.openai.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect((sent.body?.tools as unknown[]).length).toBeGreaterThan(0);
    await expect.poll(() => setup.gw.logger.records.find((r) => r.msg === 'Left out tools the upstream cannot run')).toBeTruthy();
  });

  it('talks to a Responses-capable upstream, relayed natively', async () => {
    const result = await codex('via-responses', 'say hi');
    expect(result.stdout).toContain('Hello from responses mock');
    expect(setup.openai.requests.at(-1)?.path).toBe('/v1/responses');
  });
});

describe('Gemini CLI through Loopgate', () => {
  it('talks to a Gemini upstream, relayed natively', async () => {
    const out = await geminiCli('gemini-native', 'say hi');
    expect(out.response).toContain('Hello from Gemini mock');
    expect(out.stats.models['gemini-native']?.tokens.total).toBeGreaterThan(0);
    const sent = setup.gemini.requests.at(-1)!;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(sent.headers['x-goog-api-key']).toBe('gemini-upstream-key');
    // Relayed as sent: the CLI's parametersJsonSchema, which translation would have re-said as `parameters`.
    const declarations = (sent.body.tools as Array<{ functionDeclarations: Array<Record<string, unknown>> }>)[0]!.functionDeclarations;
    expect(declarations[0]).toHaveProperty('parametersJsonSchema');
  });

  it('talks to a chat-only upstream, translated, including a tool round trip', async () => {
    const plain = await geminiCli('via-chat', 'say hi');
    expect(plain.response).toContain('Hello from mock');
    // "weather" makes the mock call Gemini CLI's first tool; its answer goes back as a tool message.
    const withTool = await geminiCli('via-chat', 'what is the weather?');
    expect(withTool.response).toContain('The tool said');
    expect(withTool.stats.models['via-chat']?.api.totalRequests).toBeGreaterThanOrEqual(2);
    const answered = setup.openai.requests.at(-1)!.body!.messages as Array<{ role: string; tool_call_id?: string; tool_calls?: Array<{ id: string }> }>;
    const call = answered.find((m) => m.tool_calls)!.tool_calls![0]!;
    expect(answered.find((m) => m.role === 'tool')?.tool_call_id).toBe(call.id);
  });

  it('is recorded against the virtual key, with usage', async () => {
    const calls = (): Array<Record<string, unknown>> => setup.gw.logger.records.filter((r) => r.msg === 'request' && String(r.path).startsWith('/v1beta/models/'));
    await expect.poll(() => calls().length).toBeGreaterThanOrEqual(4);
    for (const call of calls()) expect(call).toMatchObject({ key: expect.stringMatching(/^key_/), status: 200, total_tokens: expect.any(Number) });
    expect(calls().every((call) => Number(call.total_tokens) > 0)).toBe(true);
  });
});

describe('usage of every tool', () => {
  it('is counted against the virtual key', async () => {
    const info = await setup.gw.manage('GET', `/key/info?key=${setup.token}`);
    expect(info.body.info.usage.total_requests).toBeGreaterThanOrEqual(9);
    expect(info.body.info.usage.total_tokens).toBeGreaterThan(0);
  });
});
