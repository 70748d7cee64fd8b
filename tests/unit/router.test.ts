import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../electron/config/index.js';
import type { DeploymentConfig } from '../../electron/core/deployment.js';
import { AttemptFailure } from '../../electron/router/failures.js';
import { Router } from '../../electron/router/index.js';

function entry(name: string, model: string, params: string): string {
  return `
  - model_name: ${name}
    litellm_params:
      model: openai/${model}
      api_base: http://127.0.0.1:9/v1${params}`;
}

/** A seeded linear congruential generator: the same draws every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function counts(router: Router, model: string, draws: number): Map<string, number> {
  const seen = new Map<string, number>();
  for (let i = 0; i < draws; i++) {
    const id = router.choose(model).upstreamModel;
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return seen;
}

describe('router (simple-shuffle)', () => {
  it('spreads requests by weight', () => {
    const config = parseConfigText(`model_list:${entry('m', 'a', '\n      weight: 3')}${entry('m', 'b', '\n      weight: 1')}`, { env: {} });
    const seen = counts(new Router(config, { random: seeded(42) }), 'm', 4000);
    expect(seen.get('a')! / 4000).toBeGreaterThan(0.72);
    expect(seen.get('a')! / 4000).toBeLessThan(0.78);
  });

  it('falls back to rpm as the weight', () => {
    const config = parseConfigText(`model_list:${entry('m', 'a', '\n      rpm: 100')}${entry('m', 'b', '\n      rpm: 900')}`, { env: {} });
    const seen = counts(new Router(config, { random: seeded(7) }), 'm', 4000);
    expect(seen.get('b')! / 4000).toBeGreaterThan(0.87);
  });

  it('prefers the lowest order', () => {
    const config = parseConfigText(`model_list:${entry('m', 'a', '\n      order: 2')}${entry('m', 'b', '\n      order: 1')}`, { env: {} });
    expect(counts(new Router(config, { random: seeded(1) }), 'm', 100).get('b')).toBe(100);
  });

  it('resolves model_group_alias and lists aliases as models', () => {
    const config = parseConfigText(`model_list:${entry('m', 'a', '')}\nrouter_settings:\n  model_group_alias:\n    gpt-4: m\n`, { env: {} });
    const router = new Router(config);
    expect(router.choose('gpt-4').upstreamModel).toBe('a');
    expect(router.modelNames()).toEqual(['m', 'gpt-4']);
  });

  it('throws model_not_found naming the model', () => {
    const router = new Router(parseConfigText(`model_list:${entry('m', 'a', '')}`, { env: {} }));
    expect(() => router.choose('nope')).toThrow(/"nope"/);
  });
});

describe('router update', () => {
  const base = (id: string, name: string, apiBase = 'http://127.0.0.1:9/v1'): string => `
  - model_name: ${name}
    litellm_params:
      model: openai/${id}
      api_base: ${apiBase}
    model_info:
      id: ${id}`;

  it('keeps what it learnt about a surviving deployment, drops a removed one, adds a new one', () => {
    let now = 1_700_000_000_000;
    const before = parseConfigText(`model_list:${base('kept', 'm')}${base('removed', 'm')}`, { env: {} });
    const router = new Router(before, { clock: () => now, random: seeded(3) });
    const [kept, removed] = before.deployments as [DeploymentConfig, DeploymentConfig];
    router.started(kept); // a request in flight across the update
    router.succeeded(kept, 240, 0);
    router.failed(kept, AttemptFailure.fromResponse(429, { 'retry-after': '60' }, 'slow down'));

    // The provider behind "kept" moved to another address.
    const after = parseConfigText(`model_list:${base('kept', 'm', 'http://10.0.0.7:8080/v1')}${base('added', 'n')}`, { env: {} });
    router.update(after);

    expect(router.health().map((d) => d.id)).toEqual(['kept', 'added']);
    expect(router.health()[0]).toMatchObject({
      api_base: 'http://10.0.0.7:8080',
      state: 'cooling',
      in_flight: 1,
      requests_last_minute: 1,
      latency_ms: 240,
      last_error: expect.stringContaining('429'),
    });
    expect(() => router.choose('m')).toThrow(/cooling/);
    expect(router.choose('n').id).toBe('added');
    expect(router.modelNames()).toEqual(['m', 'n']);

    // The request that started before the update ends on the state that survived it.
    router.ended(kept);
    expect(router.health()[0]!.in_flight).toBe(0);
    // What is said about a removed deployment goes nowhere.
    router.failed(removed, AttemptFailure.fromResponse(500, {}, 'gone'));
    expect(router.health()).toHaveLength(2);

    now += 61_000;
    expect(router.health()[0]!.requests_last_minute).toBe(0);
    expect(router.choose('m').apiBase.origin).toBe('http://10.0.0.7:8080');
  });

  it('takes the new settings and aliases', () => {
    const router = new Router(parseConfigText(`model_list:${base('a', 'm')}`, { env: {} }));
    router.update(parseConfigText(`model_list:${base('a', 'm')}\nrouter_settings:\n  num_retries: 7\n  model_group_alias:\n    gpt-4: m\n`, { env: {} }));
    expect(router.settings.numRetries).toBe(7);
    expect(router.choose('gpt-4').id).toBe('a');
  });
});
