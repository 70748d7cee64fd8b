// LiteLLM's model management API (/model/new, /model/update, /model/delete, /model/info,
// /v1/model/info, /model_group/info) over the same services as the app: a model added there is
// routable at once, its secret is never echoed, and edits carry versions.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI } from '../helpers/mock-openai.js';
import { useMocks } from '../helpers/file-setup.js';

const SECRET = 'sk-upstream-never-echoed-1234';

const mocks = useMocks({ upstream: () => startMockOpenAI({ apiKey: SECRET }) });
let gw: TestGateway | null = null;

afterEach(async () => {
  await gw?.close();
  gw = null;
});

async function gateway(): Promise<TestGateway> {
  // A config-file model on the same upstream, with the same key (read from the environment).
  gw = await startTestGateway(
    `model_list:
  - model_name: from-file
    litellm_params:
      model: openai/file-model
      api_base: ${mocks.upstream.apiBase}
      api_key: os.environ/UPSTREAM_KEY
`,
    { env: { UPSTREAM_KEY: SECRET } },
  );
  return gw;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads LiteLLM-shaped bodies field by field
async function get(path: string, key = TEST_MASTER_KEY): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(`${gw!.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}

describe('/model/* management API', () => {
  it('adds a model that answers at once, lists it without its key, edits it by version and deletes it', async () => {
    await gateway();
    const created = await gw!.manage('POST', '/model/new', {
      model_name: 'added',
      litellm_params: { model: 'openai/first-upstream', api_base: mocks.upstream.apiBase, api_key: SECRET, rpm: 100, weight: 2 },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      model_name: 'added',
      litellm_params: { model: 'openai/first-upstream', api_base: mocks.upstream.apiBase, rpm: 100, weight: 2 },
      model_info: { db_model: true, version: 1, source: 'app', in_force: true, enabled: true },
    });
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    const id = created.body.model_info.id as string;

    const client = gw!.client();
    const reply = await client.chat.completions.create({ model: 'added', messages: [{ role: 'user', content: 'hello' }] });
    expect(reply.choices[0]?.message.content).toBe('Hello from mock: hello');
    expect(mocks.upstream.requests.at(-1)?.body?.model).toBe('first-upstream');

    for (const path of ['/model/info', '/v1/model/info']) {
      const info = await get(path);
      expect(info.status).toBe(200);
      expect(info.text).not.toContain(SECRET);
      expect(info.body.data.map((m: { model_name: string }) => m.model_name).sort()).toEqual(['added', 'from-file']);
      const added = info.body.data.find((m: { model_info: { id: string } }) => m.model_info.id === id);
      expect(added).toMatchObject({ litellm_params: { model: 'openai/first-upstream', rpm: 100 }, model_info: { version: 1, litellm_provider: 'openai', mode: 'chat' } });
      expect(added.litellm_params).not.toHaveProperty('api_key');
    }
    expect((await get(`/model/info?litellm_model_id=${id}`)).body.data).toHaveLength(1);

    const updated = await gw!.manage('POST', '/model/update', { model_info: { id, version: 1 }, litellm_params: { model: 'openai/second-upstream', rpm: 5 } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ litellm_params: { model: 'openai/second-upstream', rpm: 5, weight: 2 }, model_info: { id, version: 2 } });
    await client.chat.completions.create({ model: 'added', messages: [{ role: 'user', content: 'again' }] });
    expect(mocks.upstream.requests.at(-1)?.body?.model).toBe('second-upstream');

    const stale = await gw!.manage('POST', '/model/update', { model_info: { id, version: 1 }, litellm_params: { rpm: 1 } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'conflict' });
    expect(stale.body.error.current).toMatchObject({ model_info: { id, version: 2 }, litellm_params: { rpm: 5 } });
    expect(JSON.stringify(stale.body)).not.toContain(SECRET);

    expect((await gw!.manage('POST', '/model/delete', { id })).status).toBe(200);
    await expect(client.chat.completions.create({ model: 'added', messages: [{ role: 'user', content: 'gone?' }] })).rejects.toMatchObject({ status: 404 });
    expect((await gw!.manage('POST', '/model/delete', { id })).status).toBe(404);
  });

  it('reads /model/new exactly as config.yaml reads a model_list entry, and says which field is wrong', async () => {
    await gateway();
    const wrong = await gw!.manage('POST', '/model/new', { model_name: 'x', litellm_params: { model: 'openai/x', rpm: -1 } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ param: 'litellm_params.rpm' });
    const unknown = await gw!.manage('POST', '/model/new', { model_name: 'x', litellm_params: { model: 'nosuchfamily/x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^litellm_params\.model: unknown provider "nosuchfamily"/);
    // An environment reference resolves where the gateway runs, as in a config file.
    const fromEnv = await gw!.manage('POST', '/model/new', {
      model_name: 'env-key',
      litellm_params: { model: 'openai/env-upstream', api_base: mocks.upstream.apiBase, api_key: 'os.environ/UPSTREAM_KEY' },
      model_info: { id: 'my-chosen-id' },
    });
    expect(fromEnv.body.model_info.id).toBe('my-chosen-id');
    expect((await gw!.client().chat.completions.create({ model: 'env-key', messages: [{ role: 'user', content: 'x' }] })).choices).toHaveLength(1);
    const twice = await gw!.manage('POST', '/model/new', { model_name: 'y', litellm_params: { model: 'openai/y', api_base: mocks.upstream.apiBase }, model_info: { id: 'my-chosen-id' } });
    expect(twice.status).toBe(409);
  });

  it('keeps config-file models read-only, writes to the master key, and shows a virtual key only its own models', async () => {
    await gateway();
    const info = await get('/model/info');
    const fileId = info.body.data.find((m: { model_name: string }) => m.model_name === 'from-file').model_info.id as string;
    const edit = await gw!.manage('POST', '/model/update', { model_info: { id: fileId }, litellm_params: { rpm: 1 } });
    expect(edit.status).toBe(403);
    expect(edit.body.error.message).toContain('copy it into the app');
    expect((await gw!.manage('POST', '/model/delete', { id: fileId })).status).toBe(403);

    await gw!.manage('POST', '/model/new', { model_name: 'private', litellm_params: { model: 'openai/p', api_base: mocks.upstream.apiBase, api_key: SECRET } });
    const key = await gw!.manage('POST', '/key/generate', { models: ['from-file'] });
    const asKey = await get('/v1/model/info', key.body.key as string);
    expect(asKey.status).toBe(200);
    expect(asKey.body.data.map((m: { model_name: string }) => m.model_name)).toEqual(['from-file']);
    const groupsAsKey = await get('/model_group/info', key.body.key as string);
    expect(groupsAsKey.body.data.map((g: { model_group: string }) => g.model_group)).toEqual(['from-file']);

    const write = await fetch(`${gw!.url}/model/new`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.body.key as string}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model_name: 'z', litellm_params: { model: 'openai/z' } }),
    });
    expect(write.status).toBe(403);
    expect((await fetch(`${gw!.url}/model/info`)).status).toBe(401);
  });

  it('/model_group/info lists each group with its providers and summed limits', async () => {
    await gateway();
    await gw!.manage('POST', '/model/new', { model_name: 'pair', litellm_params: { model: 'openai/one', api_base: mocks.upstream.apiBase, api_key: SECRET, rpm: 10, tpm: 1000 } });
    await gw!.manage('POST', '/model/new', { model_name: 'pair', litellm_params: { model: 'groq/two', api_base: mocks.upstream.apiBase, api_key: SECRET, rpm: 5, tpm: 500 } });
    const groups = await get('/model_group/info');
    expect(groups.status).toBe(200);
    const pair = groups.body.data.find((g: { model_group: string }) => g.model_group === 'pair');
    expect(pair).toMatchObject({ model_group: 'pair', providers: ['openai', 'groq'], rpm: 15, tpm: 1500, mode: 'chat', source: 'app' });
    expect((await get('/model_group/info?model_group=from-file')).body.data).toEqual([expect.objectContaining({ model_group: 'from-file', providers: ['openai'] })]);
  });
});
