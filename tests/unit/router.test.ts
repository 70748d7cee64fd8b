import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../electron/config/index.js';
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
