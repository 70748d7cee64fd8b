// Routing as LiteLLM configs describe it, against several mock upstreams: weights, retries,
// cooldowns (kept across routing changes made in the app), fallbacks of each kind, invisible
// pre-first-byte stream failures, all-cooling 429s, the response cache, /health and the
// routing headers.
import { describe, expect, it } from 'vitest';
import { modelEntry, type TestGateway } from '../helpers/gateway.js';
import type { MockUpstream } from '../helpers/mock-openai.js';
import { routingBench, served } from '../helpers/routing-bench.js';

const bench = routingBench();
const { chat } = bench;

/** A seeded linear congruential generator: the same draws every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function entry(name: string, upstream: MockUpstream, model: string, extra = ''): string {
  return `${modelEntry(name, { model: `openai/${model}`, api_base: upstream.apiBase })}${extra}`;
}

function gateway(models: string[], settings = ''): Promise<TestGateway> {
  return bench.start(`model_list:${models.join('')}\n${settings}`, { random: seeded(7) });
}

describe('load balancing', () => {
  it('honours weights within statistical bounds', async () => {
    await gateway([entry('m', bench.a, 'weighted-a', '\n      weight: 3'), entry('m', bench.b, 'weighted-b', '\n      weight: 1')]);
    for (let i = 0; i < 200; i++) expect((await chat('m')).status).toBe(200);
    const share = served(bench.a, 'weighted-a') / 200;
    expect(share).toBeGreaterThan(0.65);
    expect(share).toBeLessThan(0.85);
    expect(served(bench.a, 'weighted-a') + served(bench.b, 'weighted-b')).toBe(200);
  });

  it('least-busy sends the next requests to the idle deployment', async () => {
    await gateway([entry('m', bench.a, 'pause-stream'), entry('m', bench.b, 'pause-stream')], 'router_settings:\n  routing_strategy: least-busy\n');
    // A stream held open on whichever deployment took it keeps that one busy.
    const held = await bench.gw.client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hold' }], stream: true });
    await expect.poll(() => bench.a.pausedStreams + bench.b.pausedStreams).toBe(1);
    const [busy, idle] = bench.a.pausedStreams === 1 ? [bench.a, bench.b] : [bench.b, bench.a];
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
    await gateway([entry('m', bench.a, 'limited-a', '\n      rpm: 2'), entry('m', bench.b, 'limited-b', '\n      rpm: 100')], 'router_settings:\n  routing_strategy: usage-based-routing-v2\n');
    for (let i = 0; i < 10; i++) expect((await chat('m')).status).toBe(200);
    expect(served(bench.a, 'limited-a')).toBeLessThanOrEqual(2);
    expect(served(bench.b, 'limited-b')).toBeGreaterThanOrEqual(8);
  });

  it('cost-based routing picks the cheapest deployment', async () => {
    await gateway(
      [
        entry('m', bench.a, 'pricey', '\n      input_cost_per_token: 0.00001\n      output_cost_per_token: 0.00003'),
        entry('m', bench.b, 'cheap', '\n      input_cost_per_token: 0.0000001\n      output_cost_per_token: 0.0000004'),
      ],
      'router_settings:\n  routing_strategy: cost-based-routing\n',
    );
    for (let i = 0; i < 5; i++) await chat('m');
    expect(served(bench.b, 'cheap')).toBe(5);
    expect(served(bench.a, 'pricey')).toBe(0);
  });

  it('latency-based routing settles on the faster deployment', async () => {
    await gateway([entry('m', bench.a, 'slow-150'), entry('m', bench.b, 'fast')], 'router_settings:\n  routing_strategy: latency-based-routing\n');
    for (let i = 0; i < 8; i++) await chat('m');
    expect(served(bench.a, 'slow-150')).toBeLessThanOrEqual(2);
    expect(served(bench.b, 'fast')).toBeGreaterThanOrEqual(6);
  });
});

describe('retries and cooldowns', () => {
  it('retries a failing deployment elsewhere, cools it, skips it, and uses it again after the cooldown', async () => {
    await gateway([entry('m', bench.a, 'primary', '\n      order: 1'), entry('m', bench.b, 'backup', '\n      order: 2')], 'router_settings:\n  num_retries: 1\n  allowed_fails: 1\n  cooldown_time: 30\n');
    bench.a.setFailing(503);
    const first = await chat('m');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-loopgate-attempts')).toBe('2');
    expect(first.headers.get('x-loopgate-deployment')).toBe('m#1');
    expect((await chat('m')).status).toBe(200); // second failure on primary: it cools
    const before = served(bench.a, 'primary');
    const third = await chat('m');
    expect(third.headers.get('x-loopgate-attempts')).toBe('1');
    expect(served(bench.a, 'primary')).toBe(before); // skipped while cooling
    const health = (await bench.gw.manage('GET', '/health')).body as { deployments: Array<{ id: string; state: string; last_error: string | null }> };
    expect(health.deployments.find((d) => d.id === 'm#0')).toMatchObject({ state: 'cooling', last_error: expect.stringContaining('503') });
    bench.a.setFailing(null);
    bench.offsetMs += 31_000;
    const fourth = await chat('m');
    expect(fourth.headers.get('x-loopgate-deployment')).toBe('m#0');
    expect(served(bench.a, 'primary')).toBe(before + 1);
  });

  it('never retries a client 400', async () => {
    await gateway([entry('m', bench.a, 'fail-400')], 'router_settings:\n  num_retries: 3\n');
    const response = await chat('m');
    expect(response.status).toBe(400);
    expect(response.headers.get('x-loopgate-attempts')).toBe('1');
    expect(served(bench.a, 'fail-400')).toBe(1);
  });

  it('answers 429 with retry-after when every deployment is cooling', async () => {
    await gateway([entry('m', bench.a, 'fail-429'), entry('m', bench.b, 'fail-429')], 'router_settings:\n  num_retries: 2\n');
    const before = served(bench.a, 'fail-429') + served(bench.b, 'fail-429');
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
    expect(served(bench.a, 'fail-429') + served(bench.b, 'fail-429') - before).toBe(2);
  });

  it("never cools a group's only deployment: every request gets the upstream's own error, after its retries", async () => {
    await gateway([entry('m', bench.a, 'fail-429')], 'router_settings:\n  num_retries: 2\n');
    const before = served(bench.a, 'fail-429');
    for (let request = 1; request <= 2; request++) {
      const response = await chat('m');
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(response.headers.get('x-loopgate-attempts')).toBe('3');
      expect(await response.json()).toMatchObject({ error: { message: 'Rate limit reached for requests', code: 'rate_limit_exceeded' } });
      expect(served(bench.a, 'fail-429') - before).toBe(3 * request);
    }
    const health = (await bench.gw.manage('GET', '/health')).body as { deployments: Array<{ id: string; state: string; last_error: string | null }> };
    expect(health.deployments[0]).toMatchObject({ id: 'm#0', state: 'healthy', last_error: expect.stringContaining('429') });
  });
});

describe('routing changes made in the app', () => {
  it('keeps a cooled deployment cooling when a model is added', async () => {
    // allowed_fails set away from LiteLLM's default 3 counts failures even against a group's only deployment.
    await gateway([entry('m', bench.a, 'cooled-primary')], 'router_settings:\n  num_retries: 0\n  allowed_fails: 0\n  cooldown_time: 300\n');
    bench.a.setFailing(500);
    expect((await chat('m')).status).toBe(500);
    bench.a.setFailing(null);
    const api = bench.gw.app.api;
    const provider = await api['providers.create']({ name: 'Backup', family: 'openai', apiBase: bench.b.apiBase, apiKey: 'sk-backup' });
    const added = await api['models.add']({ modelName: 'added', providerId: provider.id, upstreamModel: 'added-upstream' });
    expect(added.state).toBe('healthy');

    // The new model answers at once; the one that failed is still sitting out its cooldown.
    expect((await chat('added')).status).toBe(200);
    const cooling = await chat('m');
    expect(cooling.status).toBe(429);
    expect(Number(cooling.headers.get('retry-after'))).toBeGreaterThan(200);
    expect(served(bench.a, 'cooled-primary')).toBe(1);
    const models = await api['models.list']({});
    expect(models.find((d) => d.id === 'm#0')?.state).toBe('cooling');

    bench.offsetMs += 301_000;
    expect((await chat('m')).status).toBe(200);
  });
});

describe('fallbacks', () => {
  it('fires general, context-window and content-policy fallbacks, each in order', async () => {
    await gateway(
      [
        entry('broken', bench.a, 'fail-500'),
        entry('also-broken', bench.a, 'fail-500'),
        entry('rescue', bench.b, 'rescue'),
        entry('small', bench.a, 'fail-context'),
        entry('big', bench.b, 'big'),
        entry('strict', bench.a, 'fail-policy'),
        entry('lenient', bench.b, 'lenient'),
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
    await gateway([entry('broken', bench.a, 'fail-500'), entry('rescue', bench.b, 'rescue')], 'router_settings:\n  num_retries: 0\n  default_fallbacks: ["rescue"]\n');
    expect((await chat('broken')).headers.get('x-loopgate-deployment')).toBe('rescue#1');
    await bench.gw.close();
    await gateway([entry('broken', bench.a, 'fail-500'), entry('rescue', bench.b, 'rescue')], 'router_settings:\n  num_retries: 0\n  max_fallbacks: 0\n  default_fallbacks: ["rescue"]\n');
    expect((await chat('broken')).status).toBe(500);
  });
});

describe('streams', () => {
  it('hides a failure before the first byte from an openai streaming client', async () => {
    await gateway([entry('m', bench.a, 'drop-before-first-byte', '\n      order: 1'), entry('m', bench.b, 'steady', '\n      order: 2')], 'router_settings:\n  num_retries: 1\n');
    const stream = await bench.gw.client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'keep going' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from mock: keep going');
    expect(served(bench.a, 'drop-before-first-byte')).toBe(1);
  });

  it('treats a stream with no first byte within stream_timeout as a failed attempt', async () => {
    await gateway([entry('m', bench.a, 'stall-3000', '\n      order: 1\n      stream_timeout: 0.2'), entry('m', bench.b, 'steady', '\n      order: 2')], 'router_settings:\n  num_retries: 1\n');
    const { data: stream, response } = await bench.gw
      .client()
      .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'patience' }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from mock: patience');
    expect(response.headers.get('x-loopgate-attempts')).toBe('2');
  });

  it('ends a stream that fails after its first byte with an error event in the dialect', async () => {
    await gateway([entry('m', bench.a, 'drop-mid-stream')]);
    const stream = await bench.gw.client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a b c d' }], stream: true });
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
    await gateway([entry('m', bench.a, 'cached')], 'litellm_settings:\n  cache: true\n  cache_params:\n    type: local\n    ttl: 60\n');
    const first = await chat('m', 'remember');
    expect(first.headers.get('x-loopgate-cache')).toBe('miss');
    const second = await chat('m', 'remember');
    expect(second.headers.get('x-loopgate-cache')).toBe('hit');
    expect(await second.json()).toMatchObject({ choices: [{ message: { content: 'Hello from mock: remember' } }] });
    expect(served(bench.a, 'cached')).toBe(1);

    const streamOnce = async () => {
      const stream = await bench.gw.client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'stream me' }], stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };
    expect(await streamOnce()).toBe('Hello from mock: stream me');
    expect(await streamOnce()).toBe('Hello from mock: stream me');
    expect(served(bench.a, 'cached')).toBe(2);

    expect((await chat('m', 'remember', { cache: { 'no-cache': true } })).headers.get('x-loopgate-cache')).toBe('miss');
    expect(bench.a.requests.at(-1)?.body).not.toHaveProperty('cache');
    bench.offsetMs += 61_000;
    expect((await chat('m', 'remember')).headers.get('x-loopgate-cache')).toBe('miss');
  });

  it('is off unless configured', async () => {
    await gateway([entry('m', bench.a, 'uncached')]);
    await chat('m', 'x');
    const again = await chat('m', 'x');
    expect(again.headers.get('x-loopgate-cache')).toBeNull();
    expect(served(bench.a, 'uncached')).toBe(2);
  });
});

describe('headers and health', () => {
  it('background health checks bring a cooled deployment back early', async () => {
    // allowed_fails: 0 (not LiteLLM's default) lets even a group's only deployment cool.
    await gateway([entry('m', bench.a, 'checked')], 'router_settings:\n  num_retries: 0\n  allowed_fails: 0\n  cooldown_time: 300\ngeneral_settings:\n  background_health_checks: true\n  health_check_interval: 0.2\n');
    bench.a.setFailing(500);
    expect((await chat('m')).status).toBe(500);
    expect((await chat('m')).status).toBe(429); // cooling for 300s
    bench.a.setFailing(null);
    await expect.poll(async () => ((await bench.gw.manage('GET', '/health')).body as { healthy_count: number }).healthy_count, { timeout: 5_000 }).toBe(1);
    expect((await chat('m')).status).toBe(200);
    expect(bench.a.requests.some((r) => r.body?.max_tokens === 1)).toBe(true);
  });

  it('background health checks leave wildcard deployments alone (they have no model to ask)', async () => {
    const earlier = bench.a.requests.length;
    const pings = () => bench.a.requests.slice(earlier).filter((r) => r.body?.max_tokens === 1);
    await gateway(
      [entry('checked', bench.a, 'real-model'), `\n  - model_name: "openai/*"\n    litellm_params:\n      model: openai/*\n      api_base: ${bench.a.apiBase}`],
      'general_settings:\n  background_health_checks: true\n  health_check_interval: 0.1\n',
    );
    await expect.poll(() => pings().length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    const checked = new Set(pings().map((r) => r.body?.model));
    expect([...checked]).toEqual(['real-model']);
  });

  it('says which deployment served, how many attempts, and the gateway overhead', async () => {
    await gateway([entry('m', bench.a, 'plain')]);
    const response = await chat('m');
    expect(response.headers.get('x-loopgate-deployment')).toBe('m#0');
    expect(response.headers.get('x-loopgate-attempts')).toBe('1');
    expect(Number(response.headers.get('x-loopgate-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const health = await bench.gw.manage('GET', '/health');
    expect(health.body).toMatchObject({ healthy_count: 1, unhealthy_count: 0, deployments: [{ id: 'm#0', state: 'healthy', provider: 'openai' }] });
    expect((await fetch(`${bench.gw.url}/health`)).status).toBe(401);
  });
});
