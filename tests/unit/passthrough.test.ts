// Passthrough sign-in, piece by piece: the config word, which header names the Loopgate key, and
// what of a client's headers may go to a passthrough upstream (never its Loopgate key).
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../electron/config/index.js';
import { storedDeployment } from '../../electron/config/deployment.js';
import { clientSignIn } from '../../electron/gateway/inference/client-sign-in.js';
import { familyHeaders } from '../../electron/gateway/inference/proxy-headers.js';

const LOOPGATE_KEY = 'sk-loopgate-virtual-key-1234';
const TOKEN = 'sk-ant-oat01-client-own-token';

function deploymentOf(model: string, apiKey: string) {
  const config = parseConfigText(`model_list:\n  - model_name: m\n    litellm_params:\n      model: ${model}\n      api_key: ${apiKey}\n`, { env: {}, serverEnv: true });
  return config.deployments[0]!;
}

describe('api_key: passthrough', () => {
  it('makes an anthropic deployment one whose client signs in, with no key of its own', () => {
    expect(deploymentOf('anthropic/claude-sonnet-4-5', 'passthrough')).toMatchObject({ passthrough: true, apiKey: null, unavailable: null });
    expect(deploymentOf('anthropic/claude-sonnet-4-5', 'sk-ant-api03-x')).toMatchObject({ passthrough: false, apiKey: 'sk-ant-api03-x' });
    expect(storedDeployment({ id: 'd', modelName: 'm', family: 'anthropic', upstreamModel: 'c', apiBase: null, apiKey: 'passthrough' })).toMatchObject({ passthrough: true, apiKey: null });
  });

  it('is refused on another provider, naming the field', () => {
    expect(() => deploymentOf('openai/gpt-4o', 'passthrough')).toThrow(ConfigError);
    expect(() => deploymentOf('openai/gpt-4o', 'passthrough')).toThrow(/model_list\[0\]\.litellm_params\.api_key.*anthropic deployments only/);
  });
});

describe("the client's own sign-in", () => {
  it('is Authorization or x-api-key beside an x-loopgate-key (or x-litellm-api-key), as sent', () => {
    expect(clientSignIn({ 'x-loopgate-key': LOOPGATE_KEY, authorization: `Bearer ${TOKEN}` })).toEqual({ authorization: `Bearer ${TOKEN}` });
    expect(clientSignIn({ 'x-litellm-api-key': `Bearer ${LOOPGATE_KEY}`, 'x-api-key': TOKEN })).toEqual({ 'x-api-key': TOKEN });
  });

  it('is nothing without a header naming the Loopgate key, or when it repeats that key', () => {
    expect(clientSignIn({ authorization: `Bearer ${LOOPGATE_KEY}` })).toBeNull();
    expect(clientSignIn({ 'x-api-key': LOOPGATE_KEY })).toBeNull();
    expect(clientSignIn({ 'x-loopgate-key': LOOPGATE_KEY })).toBeNull();
    expect(clientSignIn({ 'x-loopgate-key': LOOPGATE_KEY, authorization: `Bearer ${LOOPGATE_KEY}`, 'x-api-key': LOOPGATE_KEY })).toBeNull();
  });

  it('goes upstream only to a passthrough deployment; any other gets its own key and no client credential', () => {
    const client = { 'x-loopgate-key': LOOPGATE_KEY, authorization: `Bearer ${TOKEN}`, 'anthropic-beta': 'oauth-2025-04-20' };
    const request = { path: '/v1/messages', body: '{}' };
    const own = familyHeaders(client, deploymentOf('anthropic/claude-sonnet-4-5', 'passthrough'), request, 'r1');
    expect(own).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'anthropic-beta': 'oauth-2025-04-20' });
    expect(own['x-api-key']).toBeUndefined();
    for (const [model, key] of [
      ['anthropic/claude-sonnet-4-5', 'sk-ant-api03-operator'],
      ['openai/gpt-4o', 'sk-openai-operator'],
    ] as const) {
      const headers = familyHeaders(client, deploymentOf(model, key), request, 'r2');
      expect(JSON.stringify(headers)).not.toContain(TOKEN);
      expect(JSON.stringify(headers)).not.toContain(LOOPGATE_KEY);
      expect(JSON.stringify(headers)).toContain(key);
    }
  });
});
