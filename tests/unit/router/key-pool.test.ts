// A deployment's key pool in the router and its attempt loop, without HTTP: which key each
// attempt carries, which failures cool a key alone and for how long, and that moving on to the
// next key spends no retry and waits no backoff.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../electron/config/index.js';
import { runAttempts, type AttemptSuccess } from '../../../electron/router/attempts.js';
import { AttemptFailure } from '../../../electron/router/failures.js';
import { Router } from '../../../electron/router/index.js';

const NOW = 1_700_000_000_000;
const KEYS = ['sk-key-aaaa1111', 'sk-key-bbbb2222', 'sk-key-cccc3333'];
const SERVED: AttemptSuccess = { latencyMs: 10, tokens: 1 };

function pooledRouter(settings = '', now = (): number => NOW): Router {
  const yaml = `model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_base: http://127.0.0.1:9/v1\n      api_key: [${KEYS.join(', ')}]\n${settings}`;
  return new Router(parseConfigText(yaml, { env: {} }), { clock: now, random: () => 0.5 });
}

/** Runs one request; each attempt answers by the key it carries. */
async function request(router: Router, answer: (key: string) => AttemptSuccess | AttemptFailure): Promise<{ keys: string[]; waits: number[]; status: string }> {
  const keys: string[] = [];
  const waits: number[] = [];
  const outcome = await runAttempts({ router, group: 'm', signal: new AbortController().signal, random: () => 0, sleep: async (ms) => void waits.push(ms) }, async (deployment) => {
    keys.push(deployment.apiKey!);
    const result = answer(deployment.apiKey!);
    if (result instanceof AttemptFailure) throw result;
    return result;
  });
  return { keys, waits, status: outcome.status };
}

const limited = (retryAfter?: number): AttemptFailure => AttemptFailure.fromResponse(429, retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }, '{"error":{"message":"Rate limit reached"}}');
const outOfQuota = AttemptFailure.fromResponse(429, {}, '{"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}}');

describe('key pools in the router', () => {
  it('hands each attempt the least recently used key, in turn', async () => {
    const router = pooledRouter();
    const keys = [];
    for (let i = 0; i < 6; i++) keys.push(...(await request(router, () => SERVED)).keys);
    expect(keys).toEqual([...KEYS, ...KEYS]);
  });

  it('moves on to the next key at once when one is limited, spending no retry even with num_retries 0', async () => {
    const router = pooledRouter('router_settings:\n  num_retries: 0\n');
    const run = await request(router, (key) => (key === KEYS[0] ? limited(30) : SERVED));
    expect(run).toEqual({ keys: [KEYS[0], KEYS[1]], waits: [], status: 'served' });
    expect(router.keyHealth(KEYS).map((key) => key.state)).toEqual(['cooling', 'ready', 'ready']);
    expect(router.keyHealth(KEYS)[0]!.coolingUntil).toBe(NOW + 30_000);
    expect(router.health()[0]!.state).toBe('healthy');
  });

  it('rests a key out of quota for a quarter of an hour, a rate-limited one without Retry-After for the cooldown', async () => {
    const router = pooledRouter('router_settings:\n  cooldown_time: 7\n');
    await request(router, (key) => (key === KEYS[0] ? outOfQuota : key === KEYS[1] ? limited() : SERVED));
    const [quota, rate, ready] = router.keyHealth(KEYS);
    expect(quota).toMatchObject({ state: 'cooling', coolingUntil: NOW + 15 * 60_000 });
    expect(quota!.lastError).toMatch(/insufficient_quota/);
    expect(rate).toMatchObject({ state: 'cooling', coolingUntil: NOW + 7_000 });
    expect(ready).toMatchObject({ state: 'ready', uses: 1 });
  });

  it('rests a key the upstream refuses (401) for the cooldown, and the request goes on to the next key', async () => {
    const router = pooledRouter('router_settings:\n  num_retries: 0\n  cooldown_time: 9\n');
    const refused = AttemptFailure.fromResponse(401, {}, '{"error":{"message":"Incorrect API key provided: sk-key-***","code":"invalid_api_key"}}');
    const run = await request(router, (key) => (key === KEYS[0] ? refused : SERVED));
    expect(run).toEqual({ keys: [KEYS[0], KEYS[1]], waits: [], status: 'served' });
    expect(router.keyHealth(KEYS)[0]).toMatchObject({ state: 'cooling', coolingUntil: NOW + 9_000 });
    expect(router.keyHealth(KEYS)[0]!.lastError).toMatch(/^401 .*invalid_api_key/);
    expect(router.health()[0]!.state).toBe('healthy');
  });

  it('starts a pool afresh when its deployment is sent to another server: keys the old one refused are ready there', async () => {
    const router = pooledRouter('router_settings:\n  num_retries: 0\n');
    const refused = AttemptFailure.fromResponse(401, {}, '{"error":{"message":"Incorrect API key provided"}}');
    await request(router, () => refused);
    expect(router.keyHealth(KEYS).every((key) => key.state === 'cooling')).toBe(true);
    // The same routing again (a change elsewhere) keeps what was learnt.
    router.update(parseConfigText(`model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_base: http://127.0.0.1:9/v1\n      api_key: [${KEYS.join(', ')}]\n`, { env: {} }));
    expect(router.keyHealth(KEYS).every((key) => key.state === 'cooling')).toBe(true);
    router.update(parseConfigText(`model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_base: http://127.0.0.1:8/v1\n      api_key: [${KEYS.join(', ')}]\n`, { env: {} }));
    expect(router.keyHealth(KEYS).map((key) => key.state)).toEqual(['ready', 'ready', 'ready']);
  });

  it('does not cool a key for an answer that is not its own limit (a 500 is the deployment’s)', async () => {
    const router = pooledRouter('router_settings:\n  num_retries: 0\n');
    const run = await request(router, () => AttemptFailure.fromResponse(500, {}, '{}'));
    expect(run.keys).toEqual([KEYS[0]]);
    expect(router.keyHealth(KEYS).every((key) => key.state === 'ready')).toBe(true);
  });

  it('brings a key back once its cooldown has passed', async () => {
    let now = NOW;
    const router = pooledRouter('', () => now);
    await request(router, (key) => (key === KEYS[0] ? limited(10) : SERVED));
    now += 11_000;
    expect(router.keyHealth(KEYS)[0]!.state).toBe('ready');
    expect((await request(router, () => SERVED)).keys).toEqual([KEYS[2]]);
    expect((await request(router, () => SERVED)).keys).toEqual([KEYS[0]]);
  });
});
