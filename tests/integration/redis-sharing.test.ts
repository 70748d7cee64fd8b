// Two gateway instances on one real redis-server: rate limits hold across both together, a
// cooldown (a deployment's, a pool key's) and a cached answer on one are seen on the other, a change made on one reaches the
// other through pub/sub, and a Redis outage leaves each instance limiting on its own, degraded
// and saying so, until Redis is back.
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { hashKey } from '../../electron/services/key-secrets.js';
import type { Store } from '../../electron/store/index.js';
import { modelEntry, openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { chatCompletion, startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { startRedis, type TestRedis } from '../helpers/services/services.js';

/** $0.001 a token either way. */
const PRICED = '\n      input_cost_per_token: 0.001\n      output_cost_per_token: 0.001';
/** A request of about $2 on `priced`: 1,000 prompt tokens, and the mock's reply echoes them. */
const TWO_DOLLARS = 'word '.repeat(1000).trim();
const TWO_DOLLAR_COST = (1000 + 1003) * 0.001;

let redis: TestRedis;
let upstream: MockUpstream;
const running: TestGateway[] = [];

beforeAll(async () => {
  [redis, upstream] = await Promise.all([startRedis(), startMockOpenAI()]);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((gateway) => gateway.close()));
});

afterAll(async () => {
  await redis?.stop();
  await upstream?.close();
});

function config(extra = ''): string {
  return `
model_list:${openaiModel('gpt-test', 'gpt-test', upstream.apiBase)}${openaiModel('pauser', 'pause-stream', upstream.apiBase)}${openaiModel('priced', 'gpt-test', upstream.apiBase, PRICED)}
router_settings:
  redis_url: ${redis.url}
${extra}`;
}

/** Two instances on the same Redis; each has its own store unless `store` is given. */
async function pair(extra = '', options: { random?: () => number; shared?: Store } = {}): Promise<[TestGateway, TestGateway]> {
  const a = await startTestGateway(config(extra), options.random ? { random: options.random } : {});
  running.push(a);
  const b = await startTestGateway(config(extra), {
    ...(options.random ? { random: options.random } : {}),
    ...(options.shared ? { store: options.shared } : {}),
  });
  running.push(b);
  return [a, b];
}

/** The same key on both instances: the caller chooses the secret, so its hash (what Redis counts by) is the same. */
async function sameKey(gateways: TestGateway[], secret: string, settings: Record<string, unknown>): Promise<void> {
  for (const gateway of gateways) {
    const { status } = await gateway.manage('POST', '/key/generate', { key: secret, ...settings });
    expect(status).toBe(200);
  }
}

function chat(gateway: TestGateway, key: string, content = 'say hi', model = 'gpt-test'): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
}

async function readiness(gateway: TestGateway): Promise<{ state: string; redis?: string }> {
  return (await fetch(`${gateway.url}/health/readiness`)).json() as Promise<{ state: string; redis?: string }>;
}

describe('limits across instances', () => {
  it('an rpm limit of 5 admits exactly 5 of a burst of 12 split across both instances', async () => {
    const [a, b] = await pair();
    const secret = 'sk-shared-rpm-000001';
    await sameKey([a, b], secret, { rpm_limit: 5 });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => chat(i % 2 === 0 ? a : b, secret, `burst ${i}`)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('5');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await readiness(a)).toMatchObject({ state: 'ready', redis: 'connected' });
  });

  it('tokens used on A count against the tpm limit on B', async () => {
    const [a, b] = await pair();
    const secret = 'sk-shared-tpm-000001';
    await sameKey([a, b], secret, { tpm_limit: 3 });
    expect((await chat(a, secret, 'one two three four')).status).toBe(200);
    // Once A itself refuses, its tokens are counted; B's very first request is refused as well.
    await expect.poll(async () => (await chat(a, secret)).status, { timeout: 2_000 }).toBe(429);
    const refused = await chat(b, secret);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-limit-tokens')).toBe('3');
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('3 tokens per minute');
  });

  it('max_parallel_requests 1: while A streams, B refuses the same key; once the stream ends B admits it', async () => {
    const [a, b] = await pair();
    const secret = 'sk-shared-par-000001';
    await sameKey([a, b], secret, { max_parallel_requests: 1 });
    const held = await a.client(secret).chat.completions.create({ model: 'pauser', messages: [{ role: 'user', content: 'hold' }], stream: true });
    await expect.poll(() => upstream.pausedStreams).toBe(1);
    const refused = await chat(b, secret);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-limit-parallel')).toBe('1');
    upstream.releaseStreams();
    for await (const _chunk of held) {
      // drain
    }
    await expect.poll(async () => (await chat(b, secret)).status).toBe(200);
  });
});

describe('budgets across instances', () => {
  it('max_budget $1: 40 parallel requests of ~$2 split across both serve one and refuse 39; both together spend one request', async () => {
    const [a, b] = await pair();
    const secret = 'sk-shared-budget-0001';
    await sameKey([a, b], secret, { max_budget: 1 });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => chat(i % 2 === 0 ? a : b, secret, TWO_DOLLARS, 'priced')));
    const said = await Promise.all(answers.map(async (answer) => ({ status: answer.status, code: ((await answer.json()) as { error?: { code: string } }).error?.code })));
    expect(said.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(said.filter((answer) => answer.status === 400 && answer.code === 'budget_exceeded')).toHaveLength(39);
    const client = new Redis(redis.url);
    try {
      const hash = hashKey(secret);
      // The one served request settles: its cost counted once for both instances, no hold left behind.
      await expect.poll(async () => Number(await client.get(`loopgate:spend:${hash}:all`)), { timeout: 5_000 }).toBeCloseTo(TWO_DOLLAR_COST, 6);
      await expect.poll(() => client.zcard(`loopgate:spend-holds:${hash}:all`), { timeout: 5_000 }).toBe(0);
    } finally {
      client.disconnect();
    }
    // Spent on one instance, refused on both.
    expect((await chat(a, secret, 'after', 'priced')).status).toBe(400);
    expect((await chat(b, secret, 'after', 'priced')).status).toBe(400);
  });
});

describe('change events', () => {
  it('a key created, then revoked, on A reaches B through Redis (one store, as PostgreSQL will be)', async () => {
    const first = await startTestGateway(config());
    running.push(first);
    // B reads A's store but hears none of its in-process change events: only Redis can tell it.
    const mute = <T extends object>(repository: T): T => Object.assign(Object.create(repository) as T, { onChange: () => undefined });
    const shared: Store = { ...first.store, keys: mute(first.store.keys), deployments: mute(first.store.deployments), routing: mute(first.store.routing) };
    const second = await startTestGateway(config(), { store: shared });
    running.push(second);

    const created = await first.manage('POST', '/key/generate', { key_alias: 'team' });
    expect(created.status).toBe(200);
    await expect.poll(async () => (await chat(second, created.body.key)).status).toBe(200);

    expect((await first.manage('POST', '/key/block', { key: created.body.key })).status).toBe(200);
    await expect.poll(async () => (await chat(second, created.body.key)).status, { timeout: 2_000 }).toBe(401);
    expect((await chat(first, created.body.key)).status).toBe(401);

    // A model added on A is routed by B too.
    const added = await first.manage('POST', '/model/new', { model_name: 'added-on-a', litellm_params: { model: 'openai/gpt-test', api_base: upstream.apiBase, api_key: 'sk-x' } });
    expect(added.status).toBe(200);
    await expect
      .poll(async () => {
        const listed = (await (await fetch(`${second.url}/v1/models`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } })).json()) as { data: Array<{ id: string }> };
        return listed.data.map((model) => model.id);
      })
      .toContain('added-on-a');
  });
});

describe('cooldowns and cache across instances', () => {
  it('a deployment A cooled down after a 429 is cooling on B', async () => {
    const duo = `${openaiModel('duo', 'fail-429', upstream.apiBase, '\n    model_info:\n      id: duo-bad')}${openaiModel('duo', 'gpt-test', upstream.apiBase, '\n    model_info:\n      id: duo-good')}`;
    const yaml = (extra: string) => `
model_list:${duo}
router_settings:
  redis_url: ${redis.url}
${extra}`;
    const a = await startTestGateway(yaml(''), { random: () => 0 });
    running.push(a);
    const b = await startTestGateway(yaml(''), { random: () => 0 });
    running.push(b);
    const state = async (gateway: TestGateway) => ((await gateway.manage('GET', '/health')).body.deployments as Array<{ id: string; state: string }>).find((d) => d.id === 'duo-bad')?.state;
    expect(await state(b)).toBe('healthy');
    expect((await a.client().chat.completions.create({ model: 'duo', messages: [{ role: 'user', content: 'hi' }] })).choices[0]?.message.content).toContain('Hello from mock');
    expect(await state(a)).toBe('cooling');
    await expect.poll(() => state(b), { timeout: 2_000 }).toBe('cooling');
    // B's next request goes straight to the healthy deployment.
    const before = upstream.requests.filter((request) => request.body?.model === 'fail-429').length;
    await b.client().chat.completions.create({ model: 'duo', messages: [{ role: 'user', content: 'hi' }] });
    expect(upstream.requests.filter((request) => request.body?.model === 'fail-429').length).toBe(before);
  });

  it('an answer cached by A is served by B without asking the upstream', async () => {
    const [a, b] = await pair('litellm_settings:\n  cache: true\n  cache_params: { type: redis }\n');
    const first = await chat(a, TEST_MASTER_KEY, 'cache me across instances');
    expect(first.headers.get('x-loopgate-cache')).toBe('miss');
    const body = await first.text();
    const asked = upstream.requests.length;
    await expect.poll(async () => (await chat(b, TEST_MASTER_KEY, 'cache me across instances')).headers.get('x-loopgate-cache')).toBe('hit');
    const hit = await chat(b, TEST_MASTER_KEY, 'cache me across instances');
    expect(hit.headers.get('x-loopgate-cache')).toBe('hit');
    expect(JSON.parse(await hit.text())).toMatchObject({ choices: JSON.parse(body).choices });
    expect(upstream.requests.length).toBe(asked);
  });
});

describe("a pool's keys across instances", () => {
  it("a key A found rate limited rests on B too: B's requests go to the pool's other key, and B shows it cooling", async () => {
    const LIMITED = 'sk-pool-limited-1111';
    const OK = 'sk-pool-fine-2222';
    const used: string[] = [];
    const limiting = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        used.push(key);
        if (key === LIMITED) {
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '60' });
          res.end(JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(chatCompletion('chatcmpl-pool', 'pooled', { role: 'assistant', content: 'hi' }, { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 })));
      });
    });
    await new Promise<void>((resolve) => limiting.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => limiting.close(() => resolve())));
    const apiBase = `http://127.0.0.1:${(limiting.address() as AddressInfo).port}/v1`;
    const yaml = `model_list:${modelEntry('pooled', { model: 'openai/pooled', api_base: apiBase, api_key: `[${LIMITED}, ${OK}]` })}\nrouter_settings:\n  redis_url: ${redis.url}\n`;
    const [a, b] = [await startTestGateway(yaml), await startTestGateway(yaml)];
    running.push(a, b);
    const keyState = async (gateway: TestGateway) => (await gateway.app.api['providers.list']({})).flatMap((view) => view.keys).find((key) => key.hint === '1111')?.state;
    expect(await keyState(b)).toBe('ready');

    expect((await chat(a, TEST_MASTER_KEY, 'hi', 'pooled')).status).toBe(200);
    expect(used).toEqual([LIMITED, OK]);
    await expect.poll(() => keyState(b), { timeout: 2_000 }).toBe('cooling');
    used.length = 0;
    for (let i = 0; i < 2; i++) expect((await chat(b, TEST_MASTER_KEY, 'hi', 'pooled')).status).toBe(200);
    expect(used).toEqual([OK, OK]);
  });
});

describe('Redis outage', () => {
  it('keeps traffic flowing with per-instance limits, a warning and readiness degraded; a restarted Redis heals it', async () => {
    const [a, b] = await pair();
    const secret = 'sk-shared-outage-01';
    await sameKey([a, b], secret, { rpm_limit: 3 });
    await redis.kill();
    try {
      await expect.poll(async () => (await readiness(a)).state).toBe('degraded');
      expect(await readiness(a)).toMatchObject({ state: 'degraded', redis: 'unavailable' });
      expect(a.logger.records.some((record) => record.level === 'warn' && String(record.msg).includes('rate limits are per instance'))).toBe(true);
      // Each instance limits on its own: 3 each, never unlimited.
      const perInstance = async (gateway: TestGateway) => {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) statuses.push((await chat(gateway, secret, `outage ${i}`)).status);
        return statuses;
      };
      expect(await perInstance(a)).toEqual([200, 200, 200, 429, 429]);
      expect(await perInstance(b)).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await redis.restart();
    }
    await expect.poll(async () => (await readiness(a)).state, { timeout: 5_000 }).toBe('ready');
    await expect.poll(async () => (await readiness(b)).state, { timeout: 5_000 }).toBe('ready');
    expect(a.logger.records.some((record) => String(record.msg).includes('is back'))).toBe(true);
    // Shared again: a new limit holds across both together.
    const healed = 'sk-shared-healed-01';
    await sameKey([a, b], healed, { rpm_limit: 2 });
    const statuses = (await Promise.all(Array.from({ length: 6 }, (_, i) => chat(i % 2 === 0 ? a : b, healed, `healed ${i}`)))).map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(2);
  });
});
