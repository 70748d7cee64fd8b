// Virtual keys end to end: the management API in LiteLLM's shapes, enforcement on /v1, and
// usage that adds up, driven with the official `openai` client.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { sqlJsDatabase } from '../helpers/store.js';

let upstream: MockUpstream;
let gw: TestGateway;
/** Test time: the gateway's clock, moved forward by tests that need budgets or expiry to lapse. */
let offsetMs = 0;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  const priced = '\n      input_cost_per_token: 0.001\n      output_cost_per_token: 0.001';
  gw = await startTestGateway(
    `model_list:${[openaiModel('gpt-test', 'mock-gpt', upstream.apiBase, priced), openaiModel('other-model', 'mock-gpt', upstream.apiBase), openaiModel('pauser', 'pause-stream', upstream.apiBase)].join('')}`,
    { clock: () => Date.now() + offsetMs },
  );
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

async function generate(settings: Record<string, unknown> = {}): Promise<{ key: string; token: string; version: number }> {
  const { status, body } = await gw.manage('POST', '/key/generate', settings);
  expect(status).toBe(200);
  return body;
}

function ask(client: OpenAI, model = 'gpt-test', content = 'say hi') {
  return client.chat.completions.create({ model, messages: [{ role: 'user', content }] });
}

/** The reply text of a chat the mock upstream answered: it echoes the prompt, so each call can be told apart. */
async function replyTo(client: OpenAI, content: string): Promise<string | null | undefined> {
  return (await ask(client, 'gpt-test', content)).choices[0]?.message.content;
}

/** Raw request with a virtual key, to read status and headers. */
async function chatRaw(key: string, model = 'gpt-test'): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'say hi' }] }),
  });
}

describe('key lifecycle', () => {
  it('generates a key that works with the openai client, shown once and stored only as a hash', async () => {
    const created = await generate({ key_alias: 'laptop', models: ['gpt-test'], metadata: { owner: 'ada' } });
    expect(created.key).toMatch(/^sk-lg-[0-9A-Za-z]{40}$/);
    const answer = await ask(gw.client(created.key));
    expect(answer.choices[0]?.message.content).toBe('Hello from mock: say hi');
    const info = await gw.manage('GET', `/key/info?key=${created.key}`);
    expect(info.body.info).toMatchObject({
      token: created.token,
      key_alias: 'laptop',
      version: 1,
      status: 'active',
      key_name: `${created.key.slice(0, 10)}...`,
      usage: { total_requests: 1, total_tokens: 7, today_requests: 1, today_tokens: 7 },
    });
    expect(info.body.info.spend).toBeCloseTo(0.007, 9);
    expect(JSON.stringify(info.body)).not.toContain(created.key);
    const row = sqlJsDatabase(gw.store).get<Record<string, unknown>>('SELECT * FROM virtual_keys WHERE id = ?', [created.token]);
    expect(JSON.stringify(row)).not.toContain(created.key);
  });

  it('stops a blocked key on the very next request, and unblocks it', async () => {
    const { key } = await generate();
    const client = gw.client(key);
    await ask(client);
    expect((await gw.manage('POST', '/key/block', { key })).body).toMatchObject({ blocked: true, status: 'revoked', version: 2 });
    await expect(ask(client)).rejects.toMatchObject({ status: 401, message: expect.stringContaining('revoked') });
    await gw.manage('POST', '/key/unblock', { key });
    expect(await replyTo(client, 'unblocked?')).toBe('Hello from mock: unblocked?');
  });

  it('regenerates: the old secret stops, the new one works, settings and id stay', async () => {
    const first = await generate({ rpm_limit: 50 });
    const { status, body } = await gw.manage('POST', `/key/${first.token}/regenerate`);
    expect(status).toBe(200);
    expect(body.key).not.toBe(first.key);
    expect(body).toMatchObject({ token: first.token, rpm_limit: 50 });
    await expect(ask(gw.client(first.key))).rejects.toMatchObject({ status: 401 });
    expect(await replyTo(gw.client(body.key), 'new secret?')).toBe('Hello from mock: new secret?');
  });

  it('lists newest first with status filter and pagination, and deletes', async () => {
    const blocked = await generate({ key_alias: 'to-list', blocked: true });
    const listed = await gw.manage('GET', '/key/list?status=revoked&size=1&page=1&return_full_object=true');
    expect(listed.body).toMatchObject({ current_page: 1, total_count: expect.any(Number) });
    expect(listed.body.keys[0]).toMatchObject({ token: blocked.token, status: 'revoked' });
    const ids = await gw.manage('GET', '/key/list?size=100');
    expect(ids.body.keys[0]).toBe(blocked.token);
    expect((await gw.manage('POST', '/key/delete', { keys: [blocked.key] })).body).toEqual({ deleted_keys: [blocked.token] });
    expect((await gw.manage('GET', `/key/info?key=${blocked.token}`)).status).toBe(404);
  });

  it('keeps the management API to the master key', async () => {
    const { key } = await generate();
    const asVirtual = await fetch(`${gw.url}/key/list`, { headers: { authorization: `Bearer ${key}` } });
    expect(asVirtual.status).toBe(403);
    expect((await fetch(`${gw.url}/key/list`)).status).toBe(401);
  });

  it('names the field of a bad management request', async () => {
    const { status, body } = await gw.manage('POST', '/key/generate', { rpm_limit: 'lots' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request', param: 'rpm_limit' });
  });
});

describe('versioned updates', () => {
  it('lets one of two updates at the same version win; the other gets 409 with the current row', async () => {
    const { key, version } = await generate({ rpm_limit: 10 });
    const [a, b] = await Promise.all([gw.manage('POST', '/key/update', { key, version, rpm_limit: 20 }), gw.manage('POST', '/key/update', { key, version, rpm_limit: 30 })]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error).toMatchObject({ code: 'conflict', current: { version: 2, rpm_limit: winner.body.rpm_limit } });
    // An update without a version (LiteLLM scripts) applies to whatever is there.
    expect((await gw.manage('POST', '/key/update', { key, tpm_limit: 5 })).body).toMatchObject({ version: 3, tpm_limit: 5 });
  });
});

describe('enforcement', () => {
  it('refuses a model the key may not use with 403 naming it, and lists only allowed models', async () => {
    const { key } = await generate({ models: ['gpt-test'] });
    const client = gw.client(key);
    await expect(ask(client, 'other-model')).rejects.toMatchObject({ status: 403, message: expect.stringContaining('"other-model"') });
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['gpt-test']);
  });

  it('routes a per-key alias to its model group', async () => {
    const { key } = await generate({ models: ['gpt-test'], aliases: { 'gpt-4': 'gpt-test' } });
    const answer = await ask(gw.client(key), 'gpt-4');
    expect(answer.choices[0]?.message.content).toBe('Hello from mock: say hi');
    expect(upstream.requests.at(-1)?.body?.model).toBe('mock-gpt');
    // Without the alias the name is unknown to the gateway.
    await expect(ask(gw.client(), 'gpt-4')).rejects.toMatchObject({ status: 404 });
  });

  it('applies rpm_limit with retry-after and x-ratelimit headers', async () => {
    const { key } = await generate({ rpm_limit: 2 });
    const first = await chatRaw(key);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect((await chatRaw(key)).status).toBe(200);
    const third = await chatRaw(key);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(third.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('rate_limit');
  });

  it('applies tpm_limit once the minute has used the tokens', async () => {
    const { key } = await generate({ tpm_limit: 10 });
    expect((await chatRaw(key)).status).toBe(200); // 7 tokens
    const second = await chatRaw(key); // 7 < 10: admitted, now 14
    expect(second.status).toBe(200);
    expect(second.headers.get('x-ratelimit-remaining-tokens')).toBe('3');
    const third = await chatRaw(key);
    expect(third.status).toBe(429);
    expect(third.headers.get('x-ratelimit-limit-tokens')).toBe('10');
    expect(third.headers.get('retry-after')).toBeTruthy();
  });

  it('applies max_parallel_requests while a stream is in flight', async () => {
    const { key } = await generate({ max_parallel_requests: 1 });
    const client = gw.client(key);
    const held = await client.chat.completions.create({ model: 'pauser', messages: [{ role: 'user', content: 'hold' }], stream: true });
    await expect.poll(() => upstream.pausedStreams).toBe(1);
    const second = await chatRaw(key);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    upstream.releaseStreams();
    for await (const _chunk of held) {
      // drain
    }
    await expect.poll(async () => (await chatRaw(key)).status).toBe(200);
  });

  it('refuses with budget_exceeded once spend reaches max_budget, which the client does not retry; the budget resets on schedule', async () => {
    const { key } = await generate({ max_budget: 0.02, budget_duration: '1h' });
    const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 3 });
    for (let i = 0; i < 3; i++) await ask(client); // 0.007 each: 0.007, 0.014, 0.021
    const before = upstream.requests.length;
    const refused = ask(client);
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'budget_exceeded' });
    expect(upstream.requests.length).toBe(before);
    const budgetLines = gw.logger.records.filter((r) => r.msg === 'request' && r.status === 400 && r.key !== 'master');
    expect(budgetLines.length).toBe(1); // one attempt: the client did not retry
    offsetMs += 61 * 60_000;
    const requestsBeforeReset = upstream.requests.length;
    expect(await replyTo(client, 'budget reset?')).toBe('Hello from mock: budget reset?');
    expect(upstream.requests.length).toBe(requestsBeforeReset + 1);
    offsetMs -= 61 * 60_000;
  });

  it('refuses an expired key with 401', async () => {
    const { key } = await generate({ duration: '10m' });
    expect(await replyTo(gw.client(key), 'before expiry?')).toBe('Hello from mock: before expiry?');
    offsetMs += 11 * 60_000;
    await expect(ask(gw.client(key))).rejects.toMatchObject({ status: 401, message: expect.stringContaining('expired') });
    offsetMs -= 11 * 60_000;
  });
});

describe('usage and spend', () => {
  it('records exactly what the upstream reported across 1,000 concurrent requests on one key', async () => {
    const { key, token } = await generate();
    const client = gw.client(key);
    const answers = await Promise.all(Array.from({ length: 1000 }, (_, i) => ask(client, 'gpt-test', `request number ${i} ${'x '.repeat(i % 5)}`)));
    const reported = answers.reduce((sum, a) => sum + (a.usage?.total_tokens ?? 0), 0);
    const info = (await gw.manage('GET', `/key/info?key=${token}`)).body.info;
    expect(info.usage.total_requests).toBe(1000);
    expect(info.usage.total_tokens).toBe(reported);
    expect(info.spend).toBeCloseTo(reported * 0.001, 6);
    const logs = (await gw.manage('GET', `/spend/logs?api_key=${token}&limit=1000`)).body as Array<{ total_tokens: number; model: string }>;
    expect(logs).toHaveLength(1000);
    expect(logs.reduce((sum, row) => sum + row.total_tokens, 0)).toBe(reported);
    expect(logs[0]).toMatchObject({ model: 'gpt-test', api_key: token, status: 'success', status_code: 200 });
    expect(logs[0]).not.toHaveProperty('messages');
  });

  it('never writes a virtual key secret into the gateway log', async () => {
    const { key } = await generate();
    await ask(gw.client(key));
    await gw.app.accounting.flush();
    expect(JSON.stringify(gw.logger.records)).not.toContain(key);
  });
});

describe('request bodies in the log', () => {
  it('keeps bodies only when the config opts in', async () => {
    const optedIn = await startTestGateway(
      `model_list:${openaiModel('gpt-test', 'mock-gpt', upstream.apiBase)}
general_settings:
  store_prompts_in_spend_logs: true
`,
    );
    try {
      await optedIn.client().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'remember me' }] });
      const logs = (await optedIn.manage('GET', '/spend/logs')).body as Array<{ messages?: string; response?: string }>;
      expect(logs[0]?.messages).toContain('remember me');
      expect(logs[0]?.response).toContain('Hello from mock: remember me');
    } finally {
      await optedIn.close();
    }
  });
});
