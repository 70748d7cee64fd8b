// The real Claude Code, signed in with its own (fake) subscription token, run offline through
// Loopgate: ANTHROPIC_CUSTOM_HEADERS names its Loopgate key in x-loopgate-key, and its own
// Authorization and OAuth beta reach the passthrough upstream unchanged; its background model
// goes to another provider with that provider's key. Without the header it is refused, never sent on.
import { describe, expect, it } from 'vitest';
import { CLAUDE, runTool, throwAwayHome, type Ran } from '../helpers/real-tools.js';
import { anthropicModel, openaiModel } from '../helpers/gateway.js';
import { useGateway } from '../helpers/file-setup.js';
import { startMockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI } from '../helpers/mock-openai.js';

const OAUTH_TOKEN = 'sk-ant-oat01-test';

const setup = useGateway(
  { claude: () => startMockAnthropic(), openai: () => startMockOpenAI() },
  ({ claude, openai }) => `model_list:${anthropicModel('claude-own', 'claude-sonnet-4-5', claude.url, 'passthrough')}${openaiModel('background', 'mock-gpt', openai.apiBase)}\n`,
  { keyAlias: 'claude-code' },
);

function runClaude(env: Record<string, string>): Promise<Ran> {
  const home = throwAwayHome('loopgate-own-login-');
  const base = { HOME: home, ANTHROPIC_BASE_URL: setup.gw.url, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', ANTHROPIC_SMALL_FAST_MODEL: 'background' };
  return runTool(CLAUDE, ['-p', 'hello from my own login', '--model', 'claude-own', '--output-format', 'json'], { ...base, ...env }, home);
}

describe('Claude Code with its own login through a passthrough provider', () => {
  it('answers; the upstream sees its own Bearer token and OAuth beta, and no Loopgate key', async () => {
    const result = await runClaude({ CLAUDE_CODE_OAUTH_TOKEN: OAUTH_TOKEN, ANTHROPIC_CUSTOM_HEADERS: `x-loopgate-key: ${setup.key}` });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ is_error: false, result: expect.stringContaining('Hello from Claude mock') });
    const messages = setup.claude.requests.filter((request) => request.path === '/v1/messages');
    expect(messages.length).toBeGreaterThan(0);
    for (const request of messages) {
      expect(request.headers.authorization).toBe(`Bearer ${OAUTH_TOKEN}`);
      expect(String(request.headers['anthropic-beta'])).toContain('oauth-2025-04-20');
      expect(request.headers['x-loopgate-key']).toBeUndefined();
      expect(request.headers['x-api-key']).toBeUndefined();
    }
    expect(JSON.stringify(setup.openai.requests)).not.toContain('sk-ant-oat');
    // The request log names the key that header carried.
    const logs = (await setup.gw.manage('GET', `/spend/logs?api_key=${encodeURIComponent(setup.key)}`)).body as Array<{ model_group: string }>;
    expect(logs.some((row) => row.model_group === 'claude-own')).toBe(true);
  }, 90_000);

  it('is refused without x-loopgate-key, its token going nowhere', async () => {
    const before = setup.claude.requests.length;
    const result = await runClaude({ CLAUDE_CODE_OAUTH_TOKEN: OAUTH_TOKEN });
    expect(result.code).not.toBe(0);
    expect(setup.claude.requests.length).toBe(before);
  }, 90_000);
});
