// Key pools (issue 29): a provider holding several API keys, against an upstream that limits
// one of them. Requests rotate over the keys, the limited key cools down alone (its
// deployment stays healthy, no client sees the 429), and the app shows each key masked with
// its state — for keys in the config file (`api_key` as a list) and keys added in the app.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderView } from '../../shared/api.js';
import { modelEntry, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { chatCompletion } from '../helpers/mock-openai.js';

const KEYS = ['sk-pool-first-1111', 'sk-pool-limited-2222', 'sk-pool-third-3333'];
const LIMITED = KEYS[1]!;
const RETRY_AFTER_S = 60;

/** An OpenAI-compatible upstream that limits every `limited` key (429), answers the others, and records which key each request carried. */
let upstream: Server;
let apiBase: string;
const used: string[] = [];
let gw: TestGateway | null = null;
let offsetMs = 0;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      used.push(key);
      if (key.includes('-revoked-')) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
        return;
      }
      if (key.includes('-limited-')) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(RETRY_AFTER_S) });
        res.end(JSON.stringify({ error: { message: `Rate limit reached for key ${key}`, type: 'requests', code: 'rate_limit_exceeded' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(chatCompletion('chatcmpl-pool', 'pooled', { role: 'assistant', content: 'hi' }, { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 })));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  apiBase = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});

afterEach(async () => {
  await gw?.close();
  gw = null;
  used.length = 0;
  offsetMs = 0;
});

afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

function start(yaml: string): Promise<TestGateway> {
  return startTestGateway(yaml, { clock: () => Date.now() + offsetMs }).then((started) => (gw = started));
}

/** Sends `count` chat requests one after another; the statuses the client saw. */
async function send(count: number, model = 'pooled'): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const { response } = await gw!
      .client()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    statuses.push(response.status);
  }
  return statuses;
}

const tally = (keys: readonly string[]): number[] => keys.map((key) => used.filter((k) => k === key).length);

async function providerView(name: RegExp | string): Promise<ProviderView> {
  const views = await gw!.app.api['providers.list']({});
  return views.find((view) => (typeof name === 'string' ? view.name === name : name.test(view.name)))!;
}

describe('a key pool in the config file', () => {
  it('three keys, one answering 429: the other two share the load, the 429 key cools alone, and the app shows each key masked with its state', async () => {
    await start(`model_list:${modelEntry('pooled', { model: 'openai/pooled', api_base: apiBase, api_key: `[${KEYS.join(', ')}]` })}\n`);
    expect(await send(12)).toEqual(Array(12).fill(200));
    // The limited key was tried once, then rested; its request went on to the next key at once.
    expect(tally(KEYS)).toEqual([6, 1, 6]);

    const view = await providerView(/config file/);
    expect(view.keys.map(({ hint, state }) => ({ hint, state }))).toEqual([
      { hint: '1111', state: 'ready' },
      { hint: '2222', state: 'cooling' },
      { hint: '3333', state: 'ready' },
    ]);
    expect(view.keys[1]!.lastError).toMatch(/^429 /);
    expect(view.keys[1]!.coolingUntil).toBeGreaterThan(Date.now() + (RETRY_AFTER_S - 5) * 1000);
    expect(JSON.stringify(await gw!.app.api['providers.list']({}))).not.toMatch(/sk-pool-/);
    // The deployment itself never cooled: the key did, alone.
    expect((await gw!.manage('GET', '/health')).body).toMatchObject({ healthy_count: 1, unhealthy_count: 0 });

    // Once its Retry-After has passed the key is back in the rotation.
    offsetMs = (RETRY_AFTER_S + 1) * 1000;
    used.length = 0;
    expect(await send(3)).toEqual([200, 200, 200]);
    expect(tally(KEYS)[1]).toBe(1);
  });

  it('passes the 429 on once every key of the pool is limited, then says when the first key is back without calling the upstream', async () => {
    const second = LIMITED.replace('2222', '4444');
    await start(`model_list:${modelEntry('pooled', { model: 'openai/pooled', api_base: apiBase, api_key: `[${LIMITED}, ${second}]` })}\n`);
    const ask = (): Promise<Response> =>
      fetch(`${gw!.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'pooled', messages: [{ role: 'user', content: 'hi' }] }),
      });
    expect((await ask()).status).toBe(429);
    expect(tally([LIMITED, second])).toEqual([1, 1]);
    const resting = await ask();
    expect(resting.status).toBe(429);
    expect(Number(resting.headers.get('retry-after'))).toBeGreaterThan(RETRY_AFTER_S - 5);
    expect(await resting.text()).toMatch(/cooling down/);
    expect(used).toHaveLength(2);
  });

  it('a revoked key (401) rests while the others serve: no client sees the 401, and the app shows the key with the refusal, its secret masked', async () => {
    const revoked = 'sk-pool-revoked-7777';
    await start(`model_list:${modelEntry('pooled', { model: 'openai/pooled', api_base: apiBase, api_key: `[${KEYS[0]}, ${revoked}]` })}\n`);
    expect(await send(6)).toEqual(Array(6).fill(200));
    expect(tally([KEYS[0]!, revoked])).toEqual([6, 1]);
    const view = await providerView(/config file/);
    expect(view.keys.map(({ hint, state }) => ({ hint, state }))).toEqual([
      { hint: '1111', state: 'ready' },
      { hint: '7777', state: 'cooling' },
    ]);
    expect(view.keys[1]!.lastError).toMatch(/^401 .*Incorrect API key provided/);
    expect(JSON.stringify(view)).not.toMatch(/sk-pool-/);
  });
});

describe('a key pool made in the app', () => {
  it('rotates over the keys added, cools the 429 key alone, and stops using a removed key', async () => {
    await start('model_list: []\n');
    const api = gw!.app.api;
    let provider = await api['providers.create']({ name: 'Pool', family: 'openai', apiBase, apiKey: KEYS[0]! });
    provider = await api['providers.addKey']({ id: provider.id, version: provider.version, apiKey: LIMITED });
    provider = await api['providers.addKey']({ id: provider.id, version: provider.version, apiKey: KEYS[2]! });
    expect(provider.keys.map((key) => key.hint)).toEqual(['1111', '2222', '3333']);
    await expect(api['providers.addKey']({ id: provider.id, version: provider.version, apiKey: KEYS[2]! })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(api['providers.addKey']({ id: provider.id, version: provider.version - 1, apiKey: 'sk-pool-stale-5555' })).rejects.toMatchObject({ code: 'conflict' });
    await api['models.add']({ modelName: 'pooled', providerId: provider.id, upstreamModel: 'pooled' });

    expect(await send(6)).toEqual(Array(6).fill(200));
    expect(tally(KEYS)).toEqual([3, 1, 3]);
    const view = await providerView('Pool');
    expect(view.keys.map((key) => [key.hint, key.state, key.uses])).toEqual([
      ['1111', 'ready', 3],
      ['2222', 'cooling', 1],
      ['3333', 'ready', 3],
    ]);
    expect(JSON.stringify(view)).not.toMatch(/sk-pool-/);

    const trimmed = await api['providers.removeKey']({ id: view.id, version: view.version, index: 0 });
    expect(trimmed.keys.map((key) => key.hint)).toEqual(['2222', '3333']);
    expect(trimmed.keyHint).toBe('2222');
    used.length = 0;
    offsetMs = (RETRY_AFTER_S + 1) * 1000;
    expect(await send(2)).toEqual([200, 200]);
    expect(tally(KEYS)[0]).toBe(0);

    // A new key for another server leaves the pool's other keys behind: they were given for this one.
    const current = await providerView('Pool');
    const moved = await api['providers.update']({ id: current.id, version: current.version, name: 'Pool', family: 'openai', apiBase: 'http://127.0.0.1:9/v1', apiKey: 'sk-pool-elsewhere-9999' });
    expect(moved.keys.map((key) => key.hint)).toEqual(['9999']);
  });
});

describe('a key pool across export and copy', () => {
  it('exports a pool as a list of environment variables, and copies a file pool into the app whole', async () => {
    await start(`model_list:${modelEntry('pooled', { model: 'openai/pooled', api_base: apiBase, api_key: `[${KEYS.join(', ')}]` })}\n`);
    const api = gw!.app.api;
    await api['models.copyFromConfig']({ name: 'pooled' });
    const copied = (await api['providers.list']({})).find((view) => !view.readOnly)!;
    expect(copied.keys.map((key) => key.hint)).toEqual(['1111', '2222', '3333']);
    const { yaml } = await api['config.export']({});
    const name = `${copied.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
    expect(yaml).toContain(`os.environ/${name}_3`);
    expect(yaml).not.toMatch(/sk-pool-/);
  });
});
