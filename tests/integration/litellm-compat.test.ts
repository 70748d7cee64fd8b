// Where a LiteLLM user's script would notice a difference, Loopgate answers as LiteLLM does:
// key model wildcards, /model/new's model_id, /health?model=, /health/readiness's fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let upstream: MockUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(
    `model_list:${[
      openaiModel('gpt-test', 'mock-gpt', upstream.apiBase),
      openaiModel('other-model', 'mock-gpt', upstream.apiBase),
      openaiModel('openai/gpt-4o', 'mock-gpt', upstream.apiBase),
    ].join('')}
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
    expect(listed).toEqual(['gpt-test', 'openai/gpt-4o', 'other-model']);
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
      models: 3,
    });
  });
});
