// What of a client's request reaches each upstream family: Anthropic's headers, Claude Code's
// session id and `?beta=true` reach Anthropic only.
import { describe, expect, it } from 'vitest';
import { storedDeployment } from '../../electron/config/deployment.js';
import type { DeploymentConfig } from '../../electron/core/deployment.js';
import { familyHeaders, nativePathFor } from '../../electron/gateway/inference/proxy-headers.js';

/** A deployment of `family` as the config would give it. */
function deployment(family: string): DeploymentConfig {
  return { ...storedDeployment({ id: 'd', modelName: 'g', family, upstreamModel: 'up', apiBase: 'http://127.0.0.1:1', apiKey: 'k' }, 1000), source: 'config', modelInfo: {} };
}

const claudeCode = {
  accept: 'application/json',
  'user-agent': 'claude-cli/2.1.332 (external, sdk-cli)',
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219',
  'x-claude-code-session-id': 'e297f8c3-0231-43e8-985c-4232f7745ec9',
  authorization: 'Bearer sk-client',
};

describe('headers per upstream family', () => {
  it("forwards Anthropic's headers and Claude Code's session id to Anthropic", () => {
    const sent = familyHeaders(claudeCode, deployment('anthropic'), { path: '/v1/messages', body: '{}' }, 'req-1');
    expect(sent).toMatchObject({ 'anthropic-beta': 'claude-code-20250219', 'x-claude-code-session-id': claudeCode['x-claude-code-session-id'], 'user-agent': claudeCode['user-agent'], 'x-api-key': 'k' });
    expect(sent).not.toHaveProperty('authorization');
  });

  it('sends an OpenAI-style upstream no anthropic-* header, session id or Claude Code User-Agent', () => {
    for (const family of ['openai', 'deepseek', 'gemini']) {
      const names = Object.keys(familyHeaders(claudeCode, deployment(family), { path: '/chat/completions', body: '{}' }, 'req-1'));
      expect(
        names.filter((name) => name.startsWith('anthropic-') || name === 'x-claude-code-session-id' || name === 'user-agent'),
        family,
      ).toEqual([]);
    }
    expect(familyHeaders({ 'user-agent': 'codex_cli_rs/0.171.0' }, deployment('openai'), { path: '/responses', body: '{}' }, 'r')['user-agent']).toBe('codex_cli_rs/0.171.0');
  });

  it('keeps ?beta=true for a native Anthropic upstream only', () => {
    expect(nativePathFor('/v1/messages', '/v1/messages?beta=true', deployment('anthropic'))).toBe('/v1/messages?beta=true');
    expect(nativePathFor('/v1/messages', '/v1/messages', deployment('anthropic'))).toBe('/v1/messages');
    expect(nativePathFor('/chat/completions', '/v1/messages?beta=true', deployment('openai'))).toBe('/chat/completions');
  });
});
