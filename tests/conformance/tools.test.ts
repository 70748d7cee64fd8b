// The conformance suite: real Claude Code releases, Codex CLI and Gemini CLI through Loopgate
// against scripted upstreams, native and translated. `npm test` runs the installed version of
// each tool; `npm run conformance` (LOOPGATE_CONFORMANCE=all) runs every version in
// versions.ts and writes the compatibility table into docs/compatibility.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelEntry, openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { startMockGemini, type MockServer } from '../helpers/mock-providers.js';
import { startMockSearch, type MockSearch } from '../helpers/mock-search.js';
import { startSearchingChat } from '../helpers/mock-searching-chat.js';
import { claudeCode, CODEX, GEMINI_CLI, INSTALLED_CLAUDE_CODE, INSTALLED_CODEX, INSTALLED_GEMINI_CLI } from './binaries.js';
import { CHAT, chatScenario, DEEPSEEK, discoveryScenario, MARKED, nativeScenario, reasoningScenario, toolSearchScenario, webSearchScenario, type Verdict } from './claude-code.js';
import { freshHome, run } from './run.js';
import { Results } from './table.js';
import { startScriptedAnthropic, startScriptedChat, type ScriptedUpstream } from './upstreams.js';
import { CLAUDE_CODE_VERSIONS } from './versions.js';

const FULL = process.env.LOOPGATE_CONFORMANCE === 'all';
const versions = FULL ? CLAUDE_CODE_VERSIONS : [INSTALLED_CLAUDE_CODE];
const results = new Results();

let anthropic: ScriptedUpstream;
let strict: ScriptedUpstream;
let chat: ScriptedUpstream;
let openai: MockUpstream;
let gemini: MockServer;
let searching: MockServer;
let searx: MockSearch;
let gw: TestGateway;
let key: string;

beforeAll(async () => {
  [anthropic, strict, chat, openai, gemini, searching, searx] = await Promise.all([
    startScriptedAnthropic(),
    startScriptedChat({ strict: true }),
    startScriptedChat({ strict: false }),
    startMockOpenAI(),
    startMockGemini('gemini-upstream-key'),
    startSearchingChat(),
    startMockSearch('searxng'),
  ]);
  gw = await startTestGateway(
    `model_list:${[
      // Aliased: the group's upstream model has another name than the one Claude Code asks for.
      modelEntry('claude-sonnet-4-5', { model: 'anthropic/claude-sonnet-4-5-20250929', api_base: anthropic.url, api_key: 'sk-ant-upstream' }),
      modelEntry('deepseek-chat', { model: 'deepseek/deepseek-v4-chat', api_base: `${strict.url}/v1`, api_key: 'sk-deepseek' }),
      modelEntry('marked-chat', { model: 'openai/reasoner-upstream', api_base: `${strict.url}/v1`, api_key: 'sk-upstream' }, { send_reasoning_content: 'true' }),
      openaiModel('plain-chat', 'gpt-upstream', `${chat.url}/v1`),
      openaiModel('codex-chat', 'mock-gpt', openai.apiBase),
      openaiModel('codex-responses', 'mock-responses', openai.apiBase, '\n    model_info:\n      mode: responses'),
      modelEntry('gemini-alias', { model: 'gemini/gemini-2.5-flash', api_base: `${gemini.url}/v1beta`, api_key: 'gemini-upstream-key' }),
      openaiModel('search-chat', 'mock-gpt', `${searching.url}/v1`),
      // A claude… name Claude Code does not know itself: the one its discovery offers (known Claude models are left out).
      openaiModel('claude-via-loopgate', 'gpt-upstream', `${chat.url}/v1`),
    ].join('')}\n` + `search_tools:\n  - litellm_params: { search_provider: searxng, api_base: "${searx.url}" }\n`,
  );
  key = (await gw.manage('POST', '/key/generate', { key_alias: 'conformance' })).body.key;
}, 60_000);

afterAll(async () => {
  if (FULL) {
    const { writeTable } = await import('./table.js');
    writeTable(results, new Date().toISOString().slice(0, 10));
  }
  await gw?.close();
  await Promise.all([anthropic, strict, chat, openai, gemini, searching, searx].map((server) => server?.close()));
});

function expectAll(row: string, verdicts: Verdict[]): void {
  for (const v of verdicts) results.record(row, v.column, v.cell);
  expect(verdicts.filter((v) => v.cell === 'fail').map((v) => `${v.column}: ${v.why}`)).toEqual([]);
}

describe.each(versions)('Claude Code %s', (version) => {
  const row = `Claude Code ${version}`;
  const tool = (): ReturnType<typeof claudeCode> => claudeCode(version);

  it('keeps signed thinking on an aliased model, with cache usage and Anthropic headers (native)', { timeout: 120_000 }, async () => {
    expectAll(row, await nativeScenario(tool(), gw.url, key, anthropic, 'claude-sonnet-4-5'));
  });

  it('sends reasoning back to a strict DeepSeek upstream, one request per turn', { timeout: 120_000 }, async () => {
    expectAll(row, await reasoningScenario(tool(), gw.url, key, strict, 'deepseek-chat', DEEPSEEK));
  });

  it('sends reasoning back to an OpenAI-compatible deployment marked as needing it', { timeout: 120_000 }, async () => {
    expectAll(row, await reasoningScenario(tool(), gw.url, key, strict, 'marked-chat', MARKED));
  });

  it('round-trips a tool through an OpenAI-chat upstream with nothing Anthropic leaking to it', { timeout: 120_000 }, async () => {
    expectAll(row, await chatScenario(tool(), gw.url, key, chat, 'plain-chat'));
  });

  it("turns ToolSearch's tool_reference into the tool's definition for a chat upstream", { timeout: 120_000 }, async () => {
    expectAll(row, await toolSearchScenario(tool(), gw.url, key, chat, 'plain-chat'));
  });

  it('searches the web through an OpenAI-chat upstream with a search provider set', { timeout: 120_000 }, async () => {
    expectAll(row, await webSearchScenario(tool(), gw.url, key, 'search-chat'));
  });

  it("offers Loopgate's claude… groups through gateway model discovery", { timeout: 120_000 }, async () => {
    expectAll(row, await discoveryScenario(tool(), gw.url, key, 'claude-sonnet-4-5', 'claude-via-loopgate'));
  });
});

describe(`Codex CLI ${INSTALLED_CODEX}`, () => {
  const row = `Codex CLI ${INSTALLED_CODEX}`;
  async function codex(model: string): Promise<string> {
    const home = freshHome();
    mkdirSync(join(home, '.codex'));
    const provider = `[model_providers.loopgate]\nname = "Loopgate"\nbase_url = "${gw.url}/v1"\nenv_key = "LOOPGATE_API_KEY"\nwire_api = "responses"\n`;
    writeFileSync(join(home, '.codex/config.toml'), `model = "${model}"\nmodel_provider = "loopgate"\n\n${provider}`);
    const ran = await run(CODEX, ['exec', '--skip-git-repo-check', 'say hi'], { HOME: home, CODEX_HOME: join(home, '.codex'), LOOPGATE_API_KEY: key }, home);
    return ran.stdout;
  }

  it('answers through a chat upstream (translated) and a Responses upstream (native)', { timeout: 120_000 }, async () => {
    const translated = (await codex('codex-chat')).includes('Hello from mock');
    const native = (await codex('codex-responses')).includes('Hello from responses mock');
    expectAll(row, [
      { column: `plain answer · ${CHAT}`, cell: translated ? 'pass' : 'fail', why: 'no answer' },
      { column: 'plain answer · OpenAI Responses (native)', cell: native ? 'pass' : 'fail', why: 'no answer' },
    ]);
  });
});

describe(`Gemini CLI ${INSTALLED_GEMINI_CLI}`, () => {
  const row = `Gemini CLI ${INSTALLED_GEMINI_CLI}`;
  async function geminiCli(model: string, prompt: string): Promise<{ response?: string } | null> {
    const home = freshHome();
    mkdirSync(join(home, '.gemini'));
    const settings = {
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      ide: { enabled: false },
      security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
    };
    writeFileSync(join(home, '.gemini/settings.json'), JSON.stringify(settings));
    const ran = await run(GEMINI_CLI, ['-p', prompt, '-m', model, '-o', 'json'], { HOME: home, GOOGLE_GEMINI_BASE_URL: gw.url, GEMINI_API_KEY: key, GEMINI_TELEMETRY_ENABLED: 'false' }, home);
    try {
      return JSON.parse(ran.stdout) as { response?: string };
    } catch {
      return null;
    }
  }

  it('answers through an aliased Gemini upstream (native) and round-trips a tool through a chat upstream', { timeout: 120_000 }, async () => {
    const native = (await geminiCli('gemini-alias', 'say hi'))?.response?.includes('Hello from Gemini mock') === true;
    const tool = (await geminiCli('codex-chat', 'what is the weather?'))?.response?.includes('The tool said') === true;
    expectAll(row, [
      { column: 'plain answer, aliased model · Gemini (native)', cell: native ? 'pass' : 'fail', why: 'no answer' },
      { column: `tool round trip · ${CHAT}`, cell: tool ? 'pass' : 'fail', why: 'no tool round trip' },
    ]);
  });
});
