// Where a LiteLLM user's script would notice a difference, Loopgate answers as LiteLLM does:
// key model wildcards, /model/new's model_id, /health?model=, /health/readiness's fields,
// LiteLLM-only body fields (consumed, never sent upstream; fallbacks, num_retries and
// mock_response honoured).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelEntry, openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { specErrors } from '../helpers/openapi.js';

let upstream: MockUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  const azure = (deployment: string) => ({ model: `azure/${deployment}`, api_base: upstream.url, api_key: 'sk-azure', api_version: '2024-06-01' });
  gw = await startTestGateway(
    `model_list:${[
      openaiModel('gpt-test', 'mock-gpt', upstream.apiBase),
      openaiModel('other-model', 'mock-gpt', upstream.apiBase),
      openaiModel('openai/gpt-4o', 'mock-gpt', upstream.apiBase),
      openaiModel('broken', 'fail-500', upstream.apiBase),
      openaiModel('responses-model', 'mock-gpt', upstream.apiBase, '\n    model_info:\n      mode: responses'),
      openaiModel('image-model', 'gpt-image-1', upstream.apiBase),
      openaiModel('dalle', 'dall-e-3', upstream.apiBase),
      openaiModel('mod-model', 'omni-moderation-latest', upstream.apiBase),
      modelEntry('azure-gpt', azure('my-gpt4o-deployment'), { base_model: 'azure/gpt-4o' }),
      modelEntry('azure-image', azure('my-image-deployment')),
      modelEntry('claude', { model: 'anthropic/claude-3-5-haiku-latest', api_base: upstream.url, api_key: 'sk-anthropic' }),
      modelEntry('azure-unpriced', azure('my-gpt4o-deployment')),
    ].join('')}
router_settings:
  retry_after: 0
`,
  );
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

async function newKey(fields: Record<string, unknown>): Promise<string> {
  const created = await gw.manage('POST', '/key/generate', fields);
  expect(created.status).toBe(200);
  return created.body.key as string;
}

describe('a key whose models are "*" (or a LiteLLM pattern)', () => {
  it('"*" lets the key use every model, as in LiteLLM, and /v1/models lists them all', async () => {
    const client = gw.client(await newKey({ models: ['*'] }));
    for (const model of ['gpt-test', 'other-model']) {
      const reply = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
      expect(reply.choices[0]?.message.content).toBe('Hello from mock: hi');
    }
    const listed = (await client.models.list()).data.map((model) => model.id).sort();
    expect(listed).toEqual(['azure-gpt', 'azure-image', 'azure-unpriced', 'broken', 'claude', 'dalle', 'gpt-test', 'image-model', 'mod-model', 'openai/gpt-4o', 'other-model', 'responses-model']);
  });

  it('"openai/*" allows the names it matches and refuses the others', async () => {
    const client = gw.client(await newKey({ models: ['openai/*'] }));
    const reply = await client.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.choices[0]?.message.content).toBe('Hello from mock: hi');
    await expect(client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 403 });
  });
});

describe('/model/new without an id', () => {
  it('generates one and answers it as model_id, as LiteLLM does; the model is routable under it', async () => {
    const created = await gw.manage('POST', '/model/new', { model_name: 'added', litellm_params: { model: 'openai/mock-gpt', api_base: upstream.apiBase, api_key: 'sk-x' } });
    expect(created.status).toBe(200);
    const id = created.body.model_id as string;
    expect(id).toMatch(/\S{6,}/);
    expect(created.body.model_info.id).toBe(id);
    const info = await gw.manage('GET', `/model/info?litellm_model_id=${id}`);
    expect(info.body.data).toHaveLength(1);
    await gw.manage('POST', '/model/delete', { id });
  });
});

describe('/health?model=', () => {
  it('lists only the deployments of that model, and ?model_id= only that deployment', async () => {
    const all = await gw.manage('GET', '/health');
    expect(all.body.healthy_count).toBeGreaterThan(1);
    const one = await gw.manage('GET', '/health?model=other-model');
    expect(one.body.healthy_endpoints).toEqual([expect.objectContaining({ model_name: 'other-model' })]);
    expect(one.body.unhealthy_endpoints).toEqual([]);
    expect(one.body.healthy_count).toBe(1);
    const id = one.body.healthy_endpoints[0].model_id as string;
    const byId = await gw.manage('GET', `/health?model_id=${encodeURIComponent(id)}`);
    expect(byId.body.healthy_endpoints.map((endpoint: { model_id: string }) => endpoint.model_id)).toEqual([id]);
    expect((await gw.manage('GET', '/health?model=nothing-by-this-name')).body).toMatchObject({ healthy_count: 0, unhealthy_count: 0 });
  });
});

describe('/health/readiness', () => {
  it("answers LiteLLM's fields (status healthy, db, cache, litellm_version, ...) and Loopgate's state", async () => {
    const response = await fetch(`${gw.url}/health/readiness`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'healthy',
      state: 'ready',
      db: 'connected',
      cache: null,
      litellm_version: expect.any(String),
      success_callbacks: [],
      use_aiohttp_transport: false,
      models: 12,
    });
  });
});

async function post(path: string, key: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const hi = [{ role: 'user' as const, content: 'hi' }];

describe("LiteLLM's own request fields", () => {
  it("are consumed, never sent upstream (metadata stays where it is the API's own field)", async () => {
    const key = await newKey({ models: ['gpt-test', 'responses-model'] });
    const litellmOnly = {
      metadata: { trace: 'x' },
      tags: ['team-a'],
      guardrails: ['pii'],
      caching: false,
      num_retries: 1,
      fallbacks: [],
      mock_testing_fallbacks: false,
      litellm_metadata: {},
      api_base: 'http://evil.invalid',
    };
    const response = await post('/v1/chat/completions', key, { model: 'gpt-test', messages: hi, temperature: 0.5, ...litellmOnly });
    expect(response.status).toBe(200);
    const sent = upstream.requests.at(-1)!.body!;
    expect(sent.temperature).toBe(0.5);
    for (const field of Object.keys(litellmOnly)) expect(sent).not.toHaveProperty(field);
    // On the Responses API, metadata is OpenAI's own field and passes; tags do not.
    const responses = await post('/v1/responses', key, { model: 'responses-model', input: 'hi', metadata: { trace: 'x' }, tags: ['t'] });
    expect(responses.status).toBe(200);
    expect(upstream.requests.at(-1)!.body).toMatchObject({ metadata: { trace: 'x' } });
    expect(upstream.requests.at(-1)!.body).not.toHaveProperty('tags');
  });

  it('request-level fallbacks are tried after the model fails, within what the key may use', async () => {
    const key = await newKey({ models: ['broken', 'gpt-test'] });
    const before = upstream.requests.length;
    const served = await gw
      .client(key)
      .chat.completions.create({ model: 'broken', messages: hi, num_retries: 0, fallbacks: ['gpt-test'] } as never)
      .withResponse();
    expect(served.data.choices[0]?.message.content).toBe('Hello from mock: hi');
    expect(served.response.headers.get('x-loopgate-attempts')).toBe('2');
    expect(upstream.requests.slice(before).map((request) => request.body?.model)).toEqual(['fail-500', 'mock-gpt']);
    // A fallback the key may not use is refused before anything goes upstream.
    const sealed = await newKey({ models: ['broken'] });
    const sentBefore = upstream.requests.length;
    const refused = await post('/v1/chat/completions', sealed, { model: 'broken', messages: hi, fallbacks: ['gpt-test'] });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string; param: string } }).error).toMatchObject({ param: 'fallbacks', message: expect.stringContaining('fallback model "gpt-test"') });
    expect(upstream.requests.length).toBe(sentBefore);
    // A fallback nothing routes is a 404 that names the field.
    expect((await post('/v1/chat/completions', TEST_MASTER_KEY, { model: 'broken', messages: hi, fallbacks: ['no-such-model'] })).status).toBe(404);
  });

  it('num_retries sets the retries of this request', async () => {
    const key = await newKey({ models: ['broken'] });
    for (const [retries, tries] of [
      [0, 1],
      [3, 4],
    ] as const) {
      const before = upstream.requests.length;
      const response = await post('/v1/chat/completions', key, { model: 'broken', messages: hi, num_retries: retries });
      expect(response.status).toBe(500);
      expect(upstream.requests.length - before).toBe(tries);
    }
    expect((await post('/v1/chat/completions', key, { model: 'broken', messages: hi, num_retries: -1 })).status).toBe(400);
  });

  it("mock_response answers in the client's dialect, plain and streamed, without an upstream", async () => {
    const key = await newKey({ models: ['gpt-test'] });
    const client = gw.client(key);
    const before = upstream.requests.length;
    const plain = await client.chat.completions.create({ model: 'gpt-test', messages: hi, mock_response: 'It is mocked.' } as never);
    expect(plain.choices[0]?.message.content).toBe('It is mocked.');
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: hi, stream: true, mock_response: 'Streamed mock.' } as never);
    let text = '';
    for await (const chunk of stream as unknown as AsyncIterable<{ choices: Array<{ delta: { content?: string } }> }>) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Streamed mock.');
    const messages = await post('/v1/messages', key, { model: 'gpt-test', max_tokens: 10, messages: hi, mock_response: 'Anthropic mock.' });
    expect(((await messages.json()) as { content: Array<{ text: string }> }).content[0]?.text).toBe('Anthropic mock.');
    expect(upstream.requests.length).toBe(before);
    const embeddings = await post('/v1/embeddings', key, { model: 'gpt-test', input: 'x', mock_response: 'no' });
    expect(embeddings.status).toBe(400);
    expect(upstream.requests.length).toBe(before);
  });
});

describe('an Azure deployment with model_info.base_model', () => {
  it('is priced as its base model, so a budget stops the key (without base_model the deployment name prices nothing)', async () => {
    const unpriced = await newKey({ models: ['azure-unpriced'] });
    expect((await post('/v1/chat/completions', unpriced, { model: 'azure-unpriced', messages: hi })).status).toBe(200);
    await gw.app.accounting.flush();
    expect((await gw.manage('GET', `/key/info?key=${unpriced}`)).body.info.spend).toBe(0);

    const key = await newKey({ models: ['azure-gpt'], max_budget: 0.00001 });
    const first = await post('/v1/chat/completions', key, { model: 'azure-gpt', messages: hi });
    expect(first.status).toBe(200);
    expect(upstream.requests.at(-1)?.path).toBe('/openai/deployments/my-gpt4o-deployment/chat/completions');
    await gw.app.accounting.flush();
    // gpt-4o: 1 prompt token at $2.50/M and 4 completion tokens at $10/M.
    expect((await gw.manage('GET', `/key/info?key=${key}`)).body.info.spend).toBeCloseTo(0.0000425, 9);
    const second = await post('/v1/chat/completions', key, { model: 'azure-gpt', messages: hi });
    expect(second.status).toBe(400);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('budget_exceeded');
  });
});

describe('/spend/logs?request_id=<the answer id>', () => {
  it("finds the row by the id the client got back (chat, streamed chat, responses, messages), as LiteLLM's request_id does", async () => {
    const { key, token } = (await gw.manage('POST', '/key/generate', { models: ['gpt-test', 'responses-model'] })).body as { key: string; token: string };
    const client = gw.client(key);
    const chat = await client.chat.completions.create({ model: 'gpt-test', messages: hi });
    let streamedId = '';
    for await (const chunk of await client.chat.completions.create({ model: 'gpt-test', messages: hi, stream: true })) streamedId ||= chunk.id;
    const response = await client.responses.create({ model: 'responses-model', input: 'hi' });
    const message = (await (await post('/v1/messages', key, { model: 'gpt-test', max_tokens: 10, messages: hi })).json()) as { id: string };
    await gw.app.accounting.flush();
    const found = async (id: string) => (await gw.manage('GET', `/spend/logs?api_key=${token}&request_id=${encodeURIComponent(id)}`)).body as Array<{ response_id: string; call_type: string }>;
    expect(chat.id).toBe('chatcmpl-mock');
    // The mock gives every chat the same id: the plain and the streamed one.
    expect((await found(chat.id)).map((row) => row.call_type)).toEqual(['acompletion', 'acompletion']);
    expect(streamedId).toBe(chat.id);
    expect(await found(response.id)).toEqual([expect.objectContaining({ response_id: response.id, call_type: 'aresponses' })]);
    expect(message.id).toMatch(/^msg_/);
    expect(await found(message.id)).toEqual([expect.objectContaining({ response_id: message.id, call_type: 'anthropic_messages' })]);
    expect(await found('chatcmpl-nothing')).toEqual([]);
  });
});

describe('/v1/images/generations and /v1/moderations', () => {
  it("pass through to OpenAI-compatible upstreams in the spec's shapes, with and without /v1, and are accounted", async () => {
    const { key, token } = (await gw.manage('POST', '/key/generate', { models: ['image-model', 'dalle', 'mod-model'] })).body as { key: string; token: string };
    const client = gw.client(key);
    const image = await client.images.generate({ model: 'image-model', prompt: 'a small red cat', n: 2 });
    expect(specErrors('ImagesResponse', image)).toEqual([]);
    expect(image.data).toHaveLength(2);
    expect(upstream.requests.at(-1)).toMatchObject({ path: '/v1/images/generations', body: { model: 'gpt-image-1', prompt: 'a small red cat', n: 2 } });
    expect(specErrors('CreateImageRequest', upstream.requests.at(-1)!.body)).toEqual([]);
    const moderation = await client.moderations.create({ model: 'mod-model', input: 'I will kill the process' });
    expect(moderation.results[0]?.flagged).toBe(true);
    expect(upstream.requests.at(-1)).toMatchObject({ path: '/v1/moderations', body: { model: 'omni-moderation-latest' } });
    const bare = await post('/images/generations', key, { model: 'dalle', prompt: 'a dog' });
    expect(bare.status).toBe(200);
    expect((await post('/moderations', key, { model: 'mod-model', input: ['fine', 'also fine'] })).status).toBe(200);
    await gw.app.accounting.flush();
    const rows = (await gw.manage('GET', `/spend/logs?api_key=${token}`)).body as Array<{ call_type: string; model: string; spend: number; prompt_tokens: number; response_id: string | null }>;
    const byModel = (model: string) => rows.filter((row) => row.model === model);
    // gpt-image-1 is priced by its tokens; dall-e-3 answers no usage, so it is logged at $0; moderation is free.
    expect(byModel('image-model')).toEqual([expect.objectContaining({ call_type: 'aimage_generation', prompt_tokens: 4, spend: expect.any(Number) })]);
    expect(byModel('image-model')[0]!.spend).toBeGreaterThan(0);
    expect(byModel('dalle')).toEqual([expect.objectContaining({ call_type: 'aimage_generation', spend: 0 })]);
    expect(byModel('mod-model')).toHaveLength(2);
    expect(byModel('mod-model')[0]).toMatchObject({ call_type: 'amoderation', response_id: 'modr-mock', spend: 0 });
  });

  it("go to an Azure deployment's URL, and a key may use only its own models there", async () => {
    const key = await newKey({ models: ['azure-image'] });
    expect((await post('/v1/images/generations', key, { model: 'azure-image', prompt: 'a boat' })).status).toBe(200);
    expect(upstream.requests.at(-1)?.path).toBe('/openai/deployments/my-image-deployment/images/generations');
    expect((await post('/v1/moderations', key, { model: 'mod-model', input: 'x' })).status).toBe(403);
  });

  it('a provider without such an endpoint answers a clear 400, nothing sent upstream', async () => {
    const before = upstream.requests.length;
    for (const [path, body] of [
      ['/v1/images/generations', { model: 'claude', prompt: 'a cat' }],
      ['/v1/moderations', { model: 'claude', input: 'hello' }],
    ] as const) {
      const response = await post(path, TEST_MASTER_KEY, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(`${path} is served only by OpenAI-compatible providers`);
    }
    expect(upstream.requests.length).toBe(before);
    expect((await post('/v1/images/generations', TEST_MASTER_KEY, { model: 'image-model' })).status).toBe(400);
  });
});
