// claude-code-router's documented configs (tests/fixtures/ccr/) import and serve: providers
// become deployments, Router becomes routes, APIKEY a virtual key Claude Code's token matches;
// an unknown transformer and CUSTOM_ROUTER_PATH are named in the warnings.
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/ccr/${name}`, import.meta.url), 'utf8');

let upstream: MockUpstream;
let gw: TestGateway;

beforeEach(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway('model_list: []\n');
});

afterEach(async () => {
  await gw?.close();
  await upstream?.close();
});

/** The fixture with its providers' hosts pointed at the mock upstream (the paths kept as ccr writes them). */
function local(text: string): string {
  return text.replace(/https?:\/\/[^"/]+((?:\/[^"]*)?\/chat\/completions)/g, (_whole, path: string) => `${upstream.url}${path.replace(/^\/(api\/)?(v\d+\/)?(api\/)?(compatible-mode\/)?(v\d+\/)?/, '/v1/')}`);
}

describe('importing a claude-code-router config', () => {
  it.each(['config.example.json', 'readme-config.json'])('%s: previews, imports its providers, routes and APIKEY, and serves', async (name) => {
    const text = local(fixture(name));
    const preview = await gw.app.api['config.previewImport']({ yaml: text });
    expect(preview.groups).toContain('deepseek,deepseek-chat');
    expect(preview.keys).toEqual(['claude-code-router']);
    const result = await gw.app.api['config.import']({ yaml: text, routingVersion: preview.routingVersion });
    expect(result.keys).toEqual(['claude-code-router']);
    expect(result.routing.routes.map((route) => [route.name, route.to])).toEqual([
      ['long-context', 'openrouter,google/gemini-2.5-pro-preview'],
      ['subagent', 'deepseek,deepseek-chat'],
      ['background', 'ollama,qwen2.5-coder:latest'],
      ['web-search', 'gemini,gemini-2.5-flash'],
      ['think', 'deepseek,deepseek-reasoner'],
      ['claude-default', 'deepseek,deepseek-chat'],
    ]);
    expect(result.routing.routes[0]!.when).toEqual([{ kind: 'long_context', tokens: 60000 }]);
    // maxtoken is no transformer Loopgate has: named; deepseek, openrouter, tooluse, enhancetool are native: not.
    const transformers = result.skipped.filter((line) => line.startsWith('transformer'));
    expect(transformers.length).toBeGreaterThan(0);
    expect(transformers.filter((line) => !line.startsWith('transformer "maxtoken" on provider'))).toEqual([]);

    // Claude Code, with the APIKEY as its token: its main turn goes to the default, its Haiku call to background.
    const client = new Anthropic({ apiKey: 'your-secret-key', baseURL: gw.url, maxRetries: 0 });
    const main = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(main.response.headers.get('x-loopgate-route')).toBe('claude-default');
    const background = await client.messages.create({ model: 'claude-3-5-haiku-20241022', max_tokens: 20, messages: [{ role: 'user', content: 'title' }] }).withResponse();
    expect(background.response.headers.get('x-loopgate-route')).toBe('background');
    expect(upstream.requests.map((request) => request.body?.model)).toEqual(['deepseek-chat', 'qwen2.5-coder:latest']);
  });

  it('names CUSTOM_ROUTER_PATH and transformer plugins as not imported', async () => {
    const text = JSON.stringify({
      Providers: [{ name: 'local', api_base_url: `${upstream.apiBase}/chat/completions`, api_key: 'x', models: ['m'], transformer: { use: ['my-own'] } }],
      Router: { default: 'local,m', image: 'local,m' },
      CUSTOM_ROUTER_PATH: '/home/me/.claude-code-router/custom-router.js',
      transformers: [{ path: '/home/me/.claude-code-router/plugins/gemini-cli.js' }],
    });
    const result = await gw.app.api['config.import']({ yaml: text });
    expect(result.skipped).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^transformer "my-own" on provider "local"/),
        expect.stringMatching(/^CUSTOM_ROUTER_PATH \/home\/me\/\.claude-code-router\/custom-router\.js \(Loopgate runs no router scripts/),
        expect.stringMatching(/^transformers plugin .*gemini-cli\.js/),
      ]),
    );
    expect(result.routing.routes.map((route) => route.name)).toEqual(['subagent', 'image', 'claude-default']);
  });
});
