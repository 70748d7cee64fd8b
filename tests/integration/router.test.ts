// Routing as LiteLLM configs describe it, against several mock upstreams: weights, retries,
// cooldowns (kept across routing changes made in the app), fallbacks of each kind, invisible
// pre-first-byte stream failures, all-cooling 429s, the response cache, /health and the
// routing headers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let a: MockUpstream;
let b: MockUpstream;
let gw: TestGateway | null = null;
let offsetMs = 0;

beforeAll(async () => {
  [a, b] = await Promise.all([startMockOpenAI(), startMockOpenAI()]);
});

afterEach(async () => {
  await gw?.close();
  gw = null;
  offsetMs = 0;
  a.setFailing(null);
  b.setFailing(null);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

/** A seeded linear congruential generator: the same draws every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function entry(name: string, upstream: MockUpstream, model: string, extra = ''): string {
  return `
  - model_name: ${name}
    litellm_params:
      model: openai/${model}
      api_base: ${upstream.apiBase}${extra}`;
}

async function gateway(models: string[], settings = ''): Promise<TestGateway> {
  gw = await startTestGateway(`model_list:${models.join('')}\n${settings}`, { clock: () => Date.now() + offsetMs, random: seeded(7) });
  return gw;
}

function chat(model: string, content = 'hi', extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${gw!.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }], ...extra }),
  });
}

const served = (upstream: MockUpstream, model: string): number => upstream.requests.filter((r) => r.body?.model === model).length;

describe('load balancing', () => {
  it('honours weights within statistical bounds', async () => {
    await gateway([entry('m', a, 'weighted-a', '\n      weight: 3'), entry('m', b, 'weighted-b', '\n      weight: 1')]);
    for (let i = 0; i < 200; i++) expect((await chat('m')).status).toBe(200);
    const share = served(a, 'weighted-a') / 200;
    expect(share).toBeGreaterThan(0.65);
    expect(share).toBeLessThan(0.85);
    expect(served(a, 'weighted-a') + served(b, 'weighted-b')).toBe(200);
  });

  it('least-busy sends the next requests to the idle deployment', async () => {
    await gateway([entry('m', a, 'pause-stream'), entry('m', b, 'pause-stream')], 'router_settings:\n  routing_strategy: least-busy\n');
    // A stream held open on whichever deployment took it keeps that one busy.
    const held = await gw!.client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hold' }], stream: true });
    await expect.poll(() => a.pausedStreams + b.pausedStreams).toBe(1);
    const [busy, idle] = a.pausedStreams === 1 ? [a, b] : [b, a];
    const busyBefore = served(busy, 'pause-stream');
    const idleBefore = served(idle, 'pause-stream');
    for (let i = 0; i < 5; i++) expect((await chat('m')).status).toBe(200);
    expect(served(idle, 'pause-stream')).toBe(idleBefore + 5);
    expect(served(busy, 'pause-stream')).toBe(busyBefore);
    busy.releaseStreams();
    for await (const _chunk of held) {
      // drain
    }
  });

  it('usage-based routing skips a deployment at its rpm', async () => {
    await gateway([entry('m', a, 'limited-a', '\n      rpm: 2'), entry('m', b, 'limited-b', '\n      rpm: 100')], 'router_settings:\n  routing_strategy: usage-based-routing-v2\n');
    for (let i = 0; i < 10; i++) expect((await chat('m')).status).toBe(200);
    expect(served(a, 'limited-a')).toBeLessThanOrEqual(2);
    expect(served(b, 'limited-b')).toBeGreaterThanOrEqual(8);
  });

  it('cost-based routing picks the cheapest deployment', async () => {
    await gateway(
      [
        entry('m', a, 'pricey', '\n      input_cost_per_token: 0.00001\n      output_cost_per_token: 0.00003'),
        entry('m', b, 'cheap', '\n      input_cost_per_token: 0.0000001\n      output_cost_per_token: 0.0000004'),
      ],
      'router_settings:\n  routing_strategy: cost-based-routing\n',
    );
    for (let i = 0; i < 5; i++) await chat('m');
    expect(served(b, 'cheap')).toBe(5);
    expect(served(a, 'pricey')).toBe(0);
  });

  it('latency-based routing settles on the faster deployment', async () => {
    await gateway([entry('m', a, 'slow-150'), entry('m', b, 'fast')], 'router_settings:\n  routing_strategy: latency-based-routing\n');
    for (let i = 0; i < 8; i++) await chat('m');
    expect(served(a, 'slow-150')).toBeLessThanOrEqual(2);
    expect(served(b, 'fast')).toBeGreaterThanOrEqual(6);
  });
});

describe('retries and cooldowns', () => {
  it('retries a failing deployment elsewhere, cools it, skips it, and uses it again after the cooldown', async () => {
    await gateway(
      [entry('m', a, 'primary', '\n      order: 1'), entry('m', b, 'backup', '\n      order: 2')],
      'router_settings:\n  num_retries: 1\n  allowed_fails: 1\n  cooldown_time: 30\n',
    );
    a.setFailing(503);
    const first = await chat('m');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-loopgate-attempts')).toBe('2');
    expect(first.headers.get('x-loopgate-deployment')).toBe('m#1');
    expect((await chat('m')).status).toBe(200); // second failure on primary: it cools
    const before = served(a, 'primary');
    const third = await chat('m');
    expect(third.headers.get('x-loopgate-attempts')).toBe('1');
    expect(served(a, 'primary')).toBe(before); // skipped while cooling
    const health = (await gw!.manage('GET', '/health')).body as { deployments: Array<{ id: string; state: string; last_error: string | null }> };
    expect(health.deployments.find((d) => d.id === 'm#0')).toMatchObject({ state: 'cooling', last_error: expect.stringContaining('503') });
    a.setFailing(null);
    offsetMs += 31_000;
    const fourth = await chat('m');
    expect(fourth.headers.get('x-loopgate-deployment')).toBe('m#0');
    expect(served(a, 'primary')).toBe(before + 1);
  });

  it('never retries a client 400', async () => {
    await gateway([entry('m', a, 'fail-400')], 'router_settings:\n  num_retries: 3\n');
    const response = await chat('m');
    expect(response.status).toBe(400);
    expect(response.headers.get('x-loopgate-attempts')).toBe('1');
    expect(served(a, 'fail-400')).toBe(1);
  });

  it('answers 429 with retry-after when every deployment is cooling', async () => {
    await gateway([entry('m', a, 'fail-429'), entry('m', b, 'fail-429')], 'router_settings:\n  num_retries: 2\n');
    const before = served(a, 'fail-429') + served(b, 'fail-429');
    // The first request meets both upstreams' own 429s, and each cools for its Retry-After.
    const first = await chat('m');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(((await first.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
    const second = await chat('m');
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(7);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('rate_limit');
    expect(served(a, 'fail-429') + served(b, 'fail-429') - before).toBe(2);
  });

  it("never cools a group's only deployment: every request gets the upstream's own error, after its retries", async () => {
    await gateway([entry('m', a, 'fail-429')], 'router_settings:\n  num_retries: 2\n');
    const before = served(a, 'fail-429');
    for (let request = 1; request <= 2; request++) {
      const response = await chat('m');
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(response.headers.get('x-loopgate-attempts')).toBe('3');
      expect(await response.json()).toMatchObject({ error: { message: 'Rate limit reached for requests', code: 'rate_limit_exceeded' } });
      expect(served(a, 'fail-429') - before).toBe(3 * request);
    }
    const health = (await gw!.manage('GET', '/health')).body as { deployments: Array<{ id: string; state: string; last_error: string | null }> };
    expect(health.deployments[0]).toMatchObject({ id: 'm#0', state: 'healthy', last_error: expect.stringContaining('429') });
  });
});

describe('routing changes made in the app', () => {
  it('keeps a cooled deployment cooling when a model is added', async () => {
    // allowed_fails set away from LiteLLM's default 3 counts failures even against a group's only deployment.
    await gateway([entry('m', a, 'cooled-primary')], 'router_settings:\n  num_retries: 0\n  allowed_fails: 0\n  cooldown_time: 300\n');
    a.setFailing(500);
    expect((await chat('m')).status).toBe(500);
    a.setFailing(null);
    const api = gw!.app.api;
    const provider = await api['providers.create']({ name: 'Backup', family: 'openai', apiBase: b.apiBase, apiKey: 'sk-backup' });
    const added = await api['models.add']({ modelName: 'added', providerId: provider.id, upstreamModel: 'added-upstream' });
    expect(added.state).toBe('healthy');

    // The new model answers at once; the one that failed is still sitting out its cooldown.
    expect((await chat('added')).status).toBe(200);
    const cooling = await chat('m');
    expect(cooling.status).toBe(429);
    expect(Number(cooling.headers.get('retry-after'))).toBeGreaterThan(200);
    expect(served(a, 'cooled-primary')).toBe(1);
    const models = await api['models.list']({});
    expect(models.find((d) => d.id === 'm#0')?.state).toBe('cooling');

    offsetMs += 301_000;
    expect((await chat('m')).status).toBe(200);
  });
});

describe('fallbacks', () => {
  it('fires general, context-window and content-policy fallbacks, each in order', async () => {
    await gateway(
      [
        entry('broken', a, 'fail-500'),
        entry('also-broken', a, 'fail-500'),
        entry('rescue', b, 'rescue'),
        entry('small', a, 'fail-context'),
        entry('big', b, 'big'),
        entry('strict', a, 'fail-policy'),
        entry('lenient', b, 'lenient'),
      ],
      `router_settings:
  num_retries: 0
  fallbacks: [{"broken": ["also-broken", "rescue"]}]
  context_window_fallbacks: [{"small": ["big"]}]
  content_policy_fallbacks: [{"strict": ["lenient"]}]
`,
    );
    const general = await chat('broken');
    expect(general.status).toBe(200);
    expect(general.headers.get('x-loopgate-deployment')).toBe('rescue#2');
    expect(general.headers.get('x-loopgate-attempts')).toBe('3');
    expect((await chat('small')).headers.get('x-loopgate-deployment')).toBe('big#4');
    expect((await chat('strict')).headers.get('x-loopgate-deployment')).toBe('lenient#6');
  });

  it('uses default_fallbacks for groups without their own, and stops at max_fallbacks', async () => {
    await gateway(
      [entry('broken', a, 'fail-500'), entry('rescue', b, 'rescue')],
      'router_settings:\n  num_retries: 0\n  default_fallbacks: ["rescue"]\n',
    );
    expect((await chat('broken')).headers.get('x-loopgate-deployment')).toBe('rescue#1');
    await gw!.close();
    await gateway(
      [entry('broken', a, 'fail-500'), entry('rescue', b, 'rescue')],
      'router_settings:\n  num_retries: 0\n  max_fallbacks: 0\n  default_fallbacks: ["rescue"]\n',
    );
    expect((await chat('broken')).status).toBe(500);
  });
});

describe('streams', () => {
  it('hides a failure before the first byte from an openai streaming client', async () => {
    await gateway([entry('m', a, 'drop-before-first-byte', '\n      order: 1'), entry('m', b, 'steady', '\n      order: 2')], 'router_settings:\n  num_retries: 1\n');
    const stream = await gw!.client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'keep going' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from mock: keep going');
    expect(served(a, 'drop-before-first-byte')).toBe(1);
  });

  it('treats a stream with no first byte within stream_timeout as a failed attempt', async () => {
    await gateway([entry('m', a, 'stall-3000', '\n      order: 1\n      stream_timeout: 0.2'), entry('m', b, 'steady', '\n      order: 2')], 'router_settings:\n  num_retries: 1\n');
    const { data: stream, response } = await gw!.client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'patience' }], stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from mock: patience');
    expect(response.headers.get('x-loopgate-attempts')).toBe('2');
  });

  it('ends a stream that fails after its first byte with an error event in the dialect', async () => {
    await gateway([entry('m', a, 'drop-mid-stream')]);
    const stream = await gw!.client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a b c d' }], stream: true });
    const consume = async (): Promise<void> => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow(/upstream/i);
  });
});

describe('response cache', () => {
  it('serves an exact repeat from the cache, plain and streamed, and obeys no-cache and TTL', async () => {
    await gateway([entry('m', a, 'cached')], 'litellm_settings:\n  cache: true\n  cache_params:\n    type: local\n    ttl: 60\n');
    const first = await chat('m', 'remember');
    expect(first.headers.get('x-loopgate-cache')).toBe('miss');
    const second = await chat('m', 'remember');
    expect(second.headers.get('x-loopgate-cache')).toBe('hit');
    expect(await second.json()).toMatchObject({ choices: [{ message: { content: 'Hello from mock: remember' } }] });
    expect(served(a, 'cached')).toBe(1);

    const streamOnce = async () => {
      const stream = await gw!.client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'stream me' }], stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };
    expect(await streamOnce()).toBe('Hello from mock: stream me');
    expect(await streamOnce()).toBe('Hello from mock: stream me');
    expect(served(a, 'cached')).toBe(2);

    expect((await chat('m', 'remember', { cache: { 'no-cache': true } })).headers.get('x-loopgate-cache')).toBe('miss');
    expect(a.requests.at(-1)?.body).not.toHaveProperty('cache');
    offsetMs += 61_000;
    expect((await chat('m', 'remember')).headers.get('x-loopgate-cache')).toBe('miss');
  });

  it('is off unless configured', async () => {
    await gateway([entry('m', a, 'uncached')]);
    await chat('m', 'x');
    const again = await chat('m', 'x');
    expect(again.headers.get('x-loopgate-cache')).toBeNull();
    expect(served(a, 'uncached')).toBe(2);
  });
});

describe('headers and health', () => {
  it('background health checks bring a cooled deployment back early', async () => {
    // allowed_fails: 0 (not LiteLLM's default) lets even a group's only deployment cool.
    await gateway(
      [entry('m', a, 'checked')],
      'router_settings:\n  num_retries: 0\n  allowed_fails: 0\n  cooldown_time: 300\ngeneral_settings:\n  background_health_checks: true\n  health_check_interval: 0.2\n',
    );
    a.setFailing(500);
    expect((await chat('m')).status).toBe(500);
    expect((await chat('m')).status).toBe(429); // cooling for 300s
    a.setFailing(null);
    await expect.poll(async () => ((await gw!.manage('GET', '/health')).body as { healthy_count: number }).healthy_count, { timeout: 5_000 }).toBe(1);
    expect((await chat('m')).status).toBe(200);
    expect(a.requests.some((r) => r.body?.max_tokens === 1)).toBe(true);
  });

  it('background health checks leave wildcard deployments alone (they have no model to ask)', async () => {
    const earlier = a.requests.length;
    const pings = () => a.requests.slice(earlier).filter((r) => r.body?.max_tokens === 1);
    await gateway(
      [entry('checked', a, 'real-model'), `\n  - model_name: "openai/*"\n    litellm_params:\n      model: openai/*\n      api_base: ${a.apiBase}`],
      'general_settings:\n  background_health_checks: true\n  health_check_interval: 0.1\n',
    );
    await expect.poll(() => pings().length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    const checked = new Set(pings().map((r) => r.body?.model));
    expect([...checked]).toEqual(['real-model']);
  });

  it('says which deployment served, how many attempts, and the gateway overhead', async () => {
    await gateway([entry('m', a, 'plain')]);
    const response = await chat('m');
    expect(response.headers.get('x-loopgate-deployment')).toBe('m#0');
    expect(response.headers.get('x-loopgate-attempts')).toBe('1');
    expect(Number(response.headers.get('x-loopgate-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const health = await gw!.manage('GET', '/health');
    expect(health.body).toMatchObject({ healthy_count: 1, unhealthy_count: 0, deployments: [{ id: 'm#0', state: 'healthy', provider: 'openai' }] });
    expect((await fetch(`${gw!.url}/health`)).status).toBe(401);
  });
});
