// LiteLLM's routing vocabulary end to end, with the official `openai` client against a real
// gateway and the mock upstreams: bare model names, wildcard groups, drop_params, fallbacks that
// name a deployment by id, hidden aliases and disabled deployments.
import type OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '../helpers/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let a: MockUpstream;
let b: MockUpstream;
let claude: MockAnthropic;
let gw: TestGateway | null = null;

beforeAll(async () => {
  [a, b, claude] = await Promise.all([startMockOpenAI(), startMockOpenAI(), startMockAnthropic({ apiKey: 'sk-ant-upstream' })]);
});

afterEach(async () => {
  await gw?.close();
  gw = null;
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), claude?.close()]);
});

/** A model_list entry; `model` as LiteLLM writes it, `extra` indented as litellm_params lines. */
function entry(name: string, model: string, apiBase: string, extra = '', id?: string): string {
  return `
  - model_name: "${name}"
    litellm_params:
      model: ${model}
      api_base: ${apiBase}
      api_key: ${model.startsWith('anthropic/') ? 'sk-ant-upstream' : 'sk-upstream'}${extra}${id ? `\n    model_info:\n      id: ${id}` : ''}`;
}

async function gateway(models: string[], settings = '', options: TestGatewayOptions = {}): Promise<OpenAI> {
  gw = await startTestGateway(`model_list:${models.join('')}\n${settings}`, { random: () => 0.5, ...options });
  return gw.client();
}

const ask = (client: OpenAI, model: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }).withResponse();

const lastModel = (upstream: { requests: Array<{ body: Record<string, unknown> | null }> }): unknown => upstream.requests.at(-1)?.body?.model;

async function listed(): Promise<string[]> {
  const { body } = await gw!.manage('GET', '/v1/models');
  return (body as { data: Array<{ id: string }> }).data.map((model) => model.id);
}

describe('bare model names', () => {
  it('sends `model: gpt-4o` to the OpenAI family with the model as written', async () => {
    const client = await gateway([entry('chat', 'gpt-4o', a.apiBase)]);
    const { data, response } = await ask(client, 'chat');
    expect(data.choices[0]?.message.content).toBe('Hello from mock: hi');
    expect(lastModel(a)).toBe('gpt-4o');
    expect(a.requests.at(-1)?.path).toBe('/v1/chat/completions');
    expect(response.headers.get('x-loopgate-deployment')).toBe('chat#0');
  });
});

describe('wildcard groups', () => {
  const models = (): string[] => [
    entry('openai/*', 'openai/*', a.apiBase, '', 'openai-any'),
    entry('anthropic/*', 'anthropic/*', claude.url, '', 'anthropic-any'),
    entry('*', 'openai/*', b.apiBase, '', 'catch-all'),
    entry('openai/gpt-4o', 'openai/pinned-4o', a.apiBase, '', 'exact'),
  ];

  it("routes a matching name to the pattern's provider with the matched model id", async () => {
    const client = await gateway(models());
    const openai = await ask(client, 'openai/gpt-4.1-mini');
    expect(lastModel(a)).toBe('gpt-4.1-mini');
    expect(openai.response.headers.get('x-loopgate-deployment')).toBe('openai-any');

    const anthropic = await ask(client, 'anthropic/claude-haiku-4-5');
    expect(lastModel(claude)).toBe('claude-haiku-4-5');
    expect(anthropic.data).toMatchObject({ model: 'anthropic/claude-haiku-4-5', choices: [{ message: { content: 'Hello from Claude mock: hi' } }] });

    const anything = await ask(client, 'my-local-model');
    expect(lastModel(b)).toBe('my-local-model');
    expect(anything.response.headers.get('x-loopgate-deployment')).toBe('catch-all');
  });

  it('lets an exact group win over every pattern, and streams through a pattern too', async () => {
    const client = await gateway(models());
    await ask(client, 'openai/gpt-4o');
    expect(lastModel(a)).toBe('pinned-4o');
    const stream = await client.chat.completions.create({ model: 'openai/o3-mini', messages: [{ role: 'user', content: 'stream' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from mock: stream');
    expect(lastModel(a)).toBe('o3-mini');
  });

  it('lists wildcard groups by their names in /v1/models, as LiteLLM does', async () => {
    await gateway(models());
    expect(await listed()).toEqual(['openai/*', 'anthropic/*', '*', 'openai/gpt-4o']);
  });

  it('answers a name no pattern matches with model_not_found', async () => {
    const client = await gateway([entry('anthropic/*', 'anthropic/*', claude.url)]);
    await expect(ask(client, 'openai/gpt-4o')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });
});

describe('drop_params', () => {
  const claudeModel = (name: string, extra = ''): string => entry(name, 'anthropic/claude-sonnet-4-5', claude.url, extra);
  // Fields the Anthropic family cannot take: without drop_params each is a 400 naming it.
  const unsupported = { n: 2, seed: 7, logit_bias: { '50256': -100 } };

  it('refuses fields the family cannot take when off (the default)', async () => {
    const client = await gateway([claudeModel('claude')]);
    await expect(ask(client, 'claude', unsupported)).rejects.toMatchObject({ status: 400, param: 'n' });
  });

  it('drops them when on globally, says so in a header and the log, and sends the rest', async () => {
    const client = await gateway([claudeModel('claude')], 'litellm_settings:\n  drop_params: true\n');
    const { data, response } = await ask(client, 'claude', { ...unsupported, temperature: 0.2 });
    expect(data.choices[0]?.message.content).toBe('Hello from Claude mock: hi');
    expect(response.headers.get('x-loopgate-dropped-params')).toBe('n, logit_bias, seed');
    const sent = claude.requests.at(-1)?.body ?? {};
    expect(sent).toMatchObject({ model: 'claude-sonnet-4-5', temperature: 0.2 });
    for (const field of ['n', 'seed', 'logit_bias']) expect(sent).not.toHaveProperty(field);
    expect(gw!.logger.records).toContainEqual(expect.objectContaining({ msg: expect.stringContaining('drop_params'), params: 'n,logit_bias,seed', deployment: 'claude#0' }));
  });

  it("lets a deployment's own drop_params win over the global one, either way", async () => {
    const client = await gateway([claudeModel('keeps', '\n      drop_params: false'), claudeModel('drops', '\n      drop_params: true')], 'litellm_settings:\n  drop_params: true\n');
    await expect(ask(client, 'keeps', unsupported)).rejects.toMatchObject({ status: 400, param: 'n' });
    expect((await ask(client, 'drops', unsupported)).response.headers.get('x-loopgate-dropped-params')).toBe('n, logit_bias, seed');
    await gw!.close();
    const off = await gateway([claudeModel('drops', '\n      drop_params: true')]);
    expect((await ask(off, 'drops', { n: 3 })).response.headers.get('x-loopgate-dropped-params')).toBe('n');
  });

  it('drops nothing, and says nothing, for an upstream that takes every field', async () => {
    const client = await gateway([entry('gpt', 'openai/mock-gpt', a.apiBase)], 'litellm_settings:\n  drop_params: true\n');
    const { response } = await ask(client, 'gpt', { seed: 7 });
    expect(response.headers.get('x-loopgate-dropped-params')).toBeNull();
    expect(a.requests.at(-1)?.body).toMatchObject({ seed: 7 });
  });
});

describe('fallbacks naming a deployment by model_info.id', () => {
  it('routes the fallback to exactly that deployment', async () => {
    const client = await gateway(
      [entry('broken', 'openai/fail-500', a.apiBase), entry('rescue', 'openai/rescue-a', a.apiBase, '', 'rescue-a'), entry('rescue', 'openai/rescue-b', b.apiBase, '', 'rescue-b')],
      'router_settings:\n  num_retries: 0\n  fallbacks: [{"broken": ["rescue-a"]}]\n',
    );
    // random() = 0.5 makes simple-shuffle pick rescue-b for the group; the fallback names rescue-a.
    expect((await ask(client, 'rescue')).response.headers.get('x-loopgate-deployment')).toBe('rescue-b');
    for (let i = 0; i < 3; i++) {
      const { response } = await ask(client, 'broken');
      expect(response.headers.get('x-loopgate-deployment')).toBe('rescue-a');
      expect(response.headers.get('x-loopgate-attempts')).toBe('2');
    }
    expect(lastModel(a)).toBe('rescue-a');
  });
});

describe('hidden aliases', () => {
  it('routes an alias LiteLLM marks hidden but leaves it out of /v1/models', async () => {
    const client = await gateway([entry('gpt-4o', 'openai/mock-4o', a.apiBase)], 'router_settings:\n  model_group_alias:\n    gpt-4: { model: gpt-4o, hidden: true }\n    gpt-4-latest: gpt-4o\n');
    await ask(client, 'gpt-4');
    expect(lastModel(a)).toBe('mock-4o');
    expect(await listed()).toEqual(['gpt-4o', 'gpt-4-latest']);
    expect((await gw!.manage('GET', '/v1/models/gpt-4')).status).toBe(404);
    expect((await gw!.manage('GET', '/v1/models/gpt-4-latest')).status).toBe(200);
  });
});

describe('disabled deployments', () => {
  const disable = (...ids: string[]): TestGatewayOptions => ({
    configure: (config) => {
      for (const deployment of config.deployments) if (ids.includes(deployment.id)) deployment.enabled = false;
    },
  });

  it('never chooses a disabled deployment, and /health says it is disabled', async () => {
    const client = await gateway([entry('m', 'openai/off-a', a.apiBase, '', 'off-a'), entry('m', 'openai/on-b', b.apiBase, '', 'on-b')], '', disable('off-a'));
    for (let i = 0; i < 5; i++) expect((await ask(client, 'm')).response.headers.get('x-loopgate-deployment')).toBe('on-b');
    expect(a.requests.some((r) => r.body?.model === 'off-a')).toBe(false);
    const health = (await gw!.manage('GET', '/health')).body as { deployments: Array<{ id: string; state: string }> };
    expect(health.deployments.map((d) => [d.id, d.state])).toEqual([
      ['off-a', 'disabled'],
      ['on-b', 'healthy'],
    ]);
  });

  it('answers a group whose every deployment is disabled with a clear 404, not a 429, and does not list it', async () => {
    const client = await gateway([entry('off', 'openai/off', a.apiBase, '', 'off'), entry('on', 'openai/on', a.apiBase)], '', disable('off'));
    const error = (await ask(client, 'off').catch((thrown: unknown) => thrown)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toMatchObject({ status: 404, code: 'model_not_found' });
    expect(error.message).toContain('disabled');
    expect(await listed()).toEqual(['on']);
  });
});
