// LiteLLM's key API with the bodies LiteLLM's docs and scripts send: same input, same output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let upstream: MockUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  const priced = '\n      input_cost_per_token: 0.001\n      output_cost_per_token: 0.001';
  gw = await startTestGateway(
    `model_list:${[openaiModel('gpt-test', 'mock-gpt', upstream.apiBase, priced), openaiModel('other-model', 'mock-gpt', upstream.apiBase)].join('')}
  - model_name: no-key
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/UNSET_KEY
`,
  );
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- LiteLLM-shaped bodies, read field by field
async function call(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

function chat(key: string, model = 'gpt-test', headers: Record<string, string> = bearer(key)) {
  return call('POST', '/v1/chat/completions', headers, { model, messages: [{ role: 'user', content: 'hi' }] });
}

describe("LiteLLM's /key/generate input", () => {
  it('takes a caller-chosen key (validated, kept as a hash, never echoed again) and echoes token_id and created_by', async () => {
    const own = 'sk-migrated-from-litellm-0001';
    const created = await gw.manage('POST', '/key/generate', { key: own, key_alias: 'moved' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ key: own, token_id: created.body.token, created_by: 'master key' });
    expect((await chat(own)).status).toBe(200);
    const info = await gw.manage('GET', `/key/info?key=${own}`);
    expect(JSON.stringify(info.body)).not.toContain(own);
    expect(info.body.info).toMatchObject({ key_alias: 'moved', key_name: 'sk-migr...' });
    // The same secret twice, or one too weak to be a key, is refused.
    expect((await gw.manage('POST', '/key/generate', { key: own })).status).toBe(409);
    const weak = await gw.manage('POST', '/key/generate', { key: 'sk-1' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.param).toBe('key');
  });

  it('accepts null models, metadata and aliases and "" for max_budget, as LiteLLM does', async () => {
    const created = await gw.manage('POST', '/key/generate', { models: null, metadata: null, aliases: null, max_budget: '', tags: null });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ models: [], metadata: {}, aliases: {}, max_budget: null, tags: [] });
    expect((await chat(created.body.key, 'other-model')).status).toBe(200);
  });

  it('stores tags, soft_budget and the per-model settings, and shows them in /key/info', async () => {
    const settings = {
      tags: ['team-a', 'ci'],
      soft_budget: 0.5,
      model_max_budget: { 'gpt-test': { budget_limit: '0.01', time_period: '1d' } },
      model_rpm_limit: { 'gpt-test': 2 },
      model_tpm_limit: { 'other-model': 1000 },
    };
    const created = await gw.manage('POST', '/key/generate', settings);
    expect(created.status).toBe(200);
    const info = await gw.manage('GET', `/key/info?key=${created.body.token}`);
    expect(info.body.info).toMatchObject({ ...settings, model_max_budget: { 'gpt-test': { budget_limit: 0.01, time_period: '1d' } } });
  });
});

describe('per-model limits and budgets are enforced', () => {
  it('model_rpm_limit answers 429 for that model only', async () => {
    const { body } = await gw.manage('POST', '/key/generate', { model_rpm_limit: { 'gpt-test': 1 } });
    expect((await chat(body.key)).status).toBe(200);
    const limited = await chat(body.key);
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toContain('for "gpt-test"');
    expect((await chat(body.key, 'other-model')).status).toBe(200);
  });

  it('model_tpm_limit answers 429 once the model used its tokens in the minute', async () => {
    const { body } = await gw.manage('POST', '/key/generate', { model_tpm_limit: { 'gpt-test': 1 } });
    expect((await chat(body.key)).status).toBe(200);
    expect((await chat(body.key)).status).toBe(429);
    expect((await chat(body.key, 'other-model')).status).toBe(200);
  });

  it('model_max_budget stops that model once its budget is spent; other models go on', async () => {
    // Each priced chat costs several thousandths of a dollar here.
    const { body } = await gw.manage('POST', '/key/generate', { model_max_budget: { 'gpt-test': { budget_limit: 0.000001, time_period: '30d' } } });
    expect((await chat(body.key)).status).toBe(200);
    await expect.poll(async () => (await chat(body.key)).status).toBe(400);
    const refused = await chat(body.key);
    expect(refused.body.error).toMatchObject({ type: 'budget_exceeded' });
    expect(refused.body.error.message).toContain('budget for "gpt-test"');
    expect((await chat(body.key, 'other-model')).status).toBe(200);
  });

  it('soft_budget lets requests through, and says it was crossed in the log and a header', async () => {
    const { body } = await gw.manage('POST', '/key/generate', { soft_budget: 0.000001, key_alias: 'soft' });
    expect((await chat(body.key)).status).toBe(200);
    const after = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...bearer(body.key), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(after.status).toBe(200);
    expect(after.headers.get('x-litellm-key-soft-budget-exceeded')).toBe('true');
    expect(gw.logger.records.filter((record) => record.msg.includes('soft crossed its soft budget'))).toHaveLength(1);
  });
});

describe('key info, health, delete and regenerate', () => {
  it('/key/info without a key answers for the calling virtual key, which cannot read others', async () => {
    const mine = (await gw.manage('POST', '/key/generate', { key_alias: 'self', max_budget: 3 })).body;
    const other = (await gw.manage('POST', '/key/generate', {})).body;
    const own = await call('GET', '/key/info', bearer(mine.key));
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ key: mine.token, info: { key_alias: 'self', max_budget: 3 } });
    expect((await call('GET', `/key/info?key=${other.token}`, bearer(mine.key))).status).toBe(403);
    expect((await call('GET', '/key/info', bearer(TEST_MASTER_KEY))).status).toBe(400);
  });

  it('/v2/key/info lists several keys; /key/health answers for the calling key', async () => {
    const a = (await gw.manage('POST', '/key/generate', { key_alias: 'v2-a' })).body;
    const b = (await gw.manage('POST', '/key/generate', { key_alias: 'v2-b' })).body;
    const many = await gw.manage('POST', '/v2/key/info', { keys: [a.key, b.token] });
    expect(many.status).toBe(200);
    expect(many.body.info.map((info: { key_alias: string }) => info.key_alias)).toEqual(['v2-a', 'v2-b']);
    expect(await call('POST', '/key/health', bearer(a.key))).toEqual({ status: 200, body: { key: 'healthy', logging_callbacks: null } });
  });

  it('the x-litellm-api-key header works wherever Authorization: Bearer does', async () => {
    const { key } = (await gw.manage('POST', '/key/generate', {})).body;
    expect((await chat(key, 'gpt-test', { 'x-litellm-api-key': key })).status).toBe(200);
    expect((await chat(key, 'gpt-test', { 'x-litellm-api-key': `Bearer ${key}` })).status).toBe(200);
    expect((await call('POST', '/key/generate', { 'x-litellm-api-key': TEST_MASTER_KEY }, {})).status).toBe(200);
  });

  it('/key/delete takes key_aliases', async () => {
    const { key } = (await gw.manage('POST', '/key/generate', { key_alias: 'to-delete' })).body;
    const deleted = await gw.manage('POST', '/key/delete', { key_aliases: ['to-delete'] });
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted_keys).toHaveLength(1);
    expect((await chat(key)).status).toBe(401);
    expect((await gw.manage('POST', '/key/delete', { key_aliases: ['never-was'] })).status).toBe(404);
  });

  it('/key/regenerate applies the fields sent with it', async () => {
    const { key, token } = (await gw.manage('POST', '/key/generate', { key_alias: 'old', max_budget: 1 })).body;
    const regenerated = await gw.manage('POST', '/key/regenerate', { key, max_budget: 9, key_alias: 'new' });
    expect(regenerated.status).toBe(200);
    expect(regenerated.body).toMatchObject({ token, max_budget: 9, key_alias: 'new' });
    expect((await chat(key)).status).toBe(401);
    expect((await chat(regenerated.body.key)).status).toBe(200);
  });
});

describe('spend and health in LiteLLM shapes', () => {
  it('/spend/logs filters by request_id and user_id and returns LiteLLM row fields', async () => {
    const { key, token } = (await gw.manage('POST', '/key/generate', { user_id: 'ada' })).body;
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const requestId = response.headers.get('x-request-id')!;
    await response.text();
    await chat(key, 'other-model');
    const byId = await gw.manage('GET', `/spend/logs?request_id=${requestId}`);
    expect(byId.body).toHaveLength(1);
    expect(byId.body[0]).toMatchObject({
      request_id: requestId,
      api_key: token,
      user: 'ada',
      model_group: 'gpt-test',
      status: 'success',
      api_base: upstream.apiBase,
      metadata: { user_api_key: token },
      call_type: 'acompletion',
      cache_hit: 'False',
    });
    const byUser = await gw.manage('GET', '/spend/logs?user_id=ada');
    expect(byUser.body.map((row: { model: string }) => row.model).sort()).toEqual(['gpt-test', 'other-model']);
    expect((await gw.manage('GET', '/spend/logs?user_id=nobody')).body).toEqual([]);
  });

  it('/global/spend and /global/spend/keys answer', async () => {
    const { key, token } = (await gw.manage('POST', '/key/generate', { key_alias: 'spender' })).body;
    await chat(key);
    const total = await gw.manage('GET', '/global/spend');
    expect(total.status).toBe(200);
    expect(total.body.spend).toBeGreaterThan(0);
    const keys = await gw.manage('GET', '/global/spend/keys?limit=100');
    expect(keys.body.find((row: { api_key: string }) => row.api_key === token)).toMatchObject({ key_alias: 'spender', total_spend: expect.any(Number) });
  });

  it('/health lists healthy_endpoints and unhealthy_endpoints with secrets masked', async () => {
    const health = await gw.manage('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.healthy_endpoints).toEqual(expect.arrayContaining([expect.objectContaining({ model: 'openai/mock-gpt', model_name: 'gpt-test', api_base: upstream.apiBase, api_key: 'sk-****cret' })]));
    expect(health.body.unhealthy_endpoints).toEqual([expect.objectContaining({ model_name: 'no-key', error: expect.stringContaining('UNSET_KEY is not set') })]);
    expect(JSON.stringify(health.body)).not.toContain('sk-upstream-secret');
    const refused = await chat(TEST_MASTER_KEY, 'no-key');
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toContain('UNSET_KEY is not set');
  });
});
