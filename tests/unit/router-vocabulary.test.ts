// LiteLLM's routing vocabulary at the Router: wildcard groups (which one wins, what the upstream
// is sent), hidden aliases, disabled deployments, and deployments named by id.
import { describe, expect, it } from 'vitest';
import { parseConfigText, type GatewayConfig } from '../../electron/config/index.js';
import { AttemptFailure } from '../../electron/router/failures.js';
import { Router } from '../../electron/router/index.js';

function entry(name: string, model: string, id?: string): string {
  return `
  - model_name: "${name}"
    litellm_params:
      model: ${model}
      api_base: http://127.0.0.1:9/v1${id ? `\n    model_info:\n      id: ${id}` : ''}`;
}

function config(entries: string[], settings = ''): GatewayConfig {
  return parseConfigText(`model_list:${entries.join('')}\n${settings}`, { env: {} });
}

describe('wildcard groups', () => {
  const router = new Router(
    config([
      entry('*', 'openai/*', 'catch-all'),
      entry('openai/*', 'openai/*', 'openai-any'),
      entry('openai/gpt-4o-*', 'openai/gpt-4o-*', 'gpt-4o-family'),
      entry('anthropic/*', 'anthropic/*', 'anthropic-any'),
      entry('openai/gpt-4o', 'openai/gpt-4o-2024-08-06', 'exact'),
    ]),
  );

  it('sends the part the `*` matched as the upstream model, on the family of the pattern', () => {
    expect(router.choose('anthropic/claude-sonnet-4-5')).toMatchObject({ id: 'anthropic-any', family: 'anthropic', upstreamModel: 'claude-sonnet-4-5' });
    expect(router.choose('openai/o3-mini')).toMatchObject({ id: 'openai-any', family: 'openai', upstreamModel: 'o3-mini' });
    expect(router.choose('my-local-model')).toMatchObject({ id: 'catch-all', upstreamModel: 'my-local-model' });
  });

  it('prefers an exact group, then the most specific pattern', () => {
    expect(router.choose('openai/gpt-4o')).toMatchObject({ id: 'exact', upstreamModel: 'gpt-4o-2024-08-06' });
    expect(router.choose('openai/gpt-4o-mini')).toMatchObject({ id: 'gpt-4o-family', upstreamModel: 'gpt-4o-mini' });
  });

  it('names the matched deployment as the client asked, and leaves the configured one untouched', () => {
    const chosen = router.choose('openai/o3-mini');
    expect(chosen.modelName).toBe('openai/o3-mini');
    const configured = router.deployments().find((d) => d.id === 'openai-any')!;
    expect(configured).toMatchObject({ modelName: 'openai/*', upstreamModel: '*' });
  });

  it('resolves a matching name as itself and refuses one nothing matches', () => {
    const narrow = new Router(config([entry('anthropic/*', 'anthropic/*')]));
    expect(narrow.resolve('anthropic/claude-haiku-4-5')).toBe('anthropic/claude-haiku-4-5');
    expect(() => narrow.resolve('openai/gpt-4o')).toThrow(/"openai\/gpt-4o" is not configured/);
  });

  it('matches a bare name under the family LiteLLM reads it as', () => {
    const narrow = new Router(config([entry('openai/*', 'openai/*'), entry('anthropic/*', 'anthropic/*')]));
    expect(narrow.choose('gpt-4o')).toMatchObject({ family: 'openai', upstreamModel: 'gpt-4o' });
    expect(narrow.choose('claude-opus-4-1')).toMatchObject({ family: 'anthropic', upstreamModel: 'claude-opus-4-1' });
    expect(() => narrow.resolve('llama3.1')).toThrow(/not configured/);
  });

  it('uses the wildcard group’s fallbacks for a name it matched, unless the name has its own', () => {
    const r = new Router(
      config(
        [entry('anthropic/*', 'anthropic/*'), entry('rescue', 'openai/rescue'), entry('special', 'openai/special')],
        'router_settings:\n  fallbacks: [{"anthropic/*": ["rescue"]}, {"anthropic/claude-special": ["special"]}]\n',
      ),
    );
    expect(r.fallbacks('anthropic/claude-sonnet-4-5', 'general')).toEqual(['rescue']);
    expect(r.fallbacks('anthropic/claude-special', 'general')).toEqual(['special']);
  });
});

describe('aliases', () => {
  it('routes hidden aliases but lists only the visible ones', () => {
    const r = new Router(config([entry('gpt-4o', 'openai/gpt-4o')], 'router_settings:\n  model_group_alias:\n    gpt-4: { model: gpt-4o, hidden: true }\n    latest: gpt-4o\n'));
    expect(r.choose('gpt-4').upstreamModel).toBe('gpt-4o');
    expect(r.resolve('gpt-4')).toBe('gpt-4o');
    expect(r.listedNames()).toEqual(['gpt-4o', 'latest']);
    expect(r.modelNames()).toEqual(['gpt-4o', 'gpt-4', 'latest']);
  });

  it('does not reveal a hidden alias when a model is not found', () => {
    const r = new Router(config([entry('gpt-4o', 'openai/gpt-4o')], 'router_settings:\n  model_group_alias:\n    secret: { model: gpt-4o, hidden: true }\n'));
    expect(() => r.resolve('nope')).toThrow(/Configured models: gpt-4o\.$/);
  });
});

describe('disabled deployments', () => {
  function withDisabled(disabled: string[]): Router {
    const input = config([entry('m', 'openai/a', 'a'), entry('m', 'openai/b', 'b'), entry('off', 'openai/c', 'c')]);
    for (const deployment of input.deployments) deployment.enabled = !disabled.includes(deployment.id);
    return new Router(input, { random: () => 0 });
  }

  it('never chooses a disabled deployment and shows it as disabled', () => {
    const r = withDisabled(['a']);
    for (let i = 0; i < 20; i++) expect(r.choose('m').id).toBe('b');
    expect(r.health().find((d) => d.id === 'a')?.state).toBe('disabled');
  });

  it('answers a group with every deployment disabled with a clear 404, not a 429, and does not list it', () => {
    const r = withDisabled(['c']);
    let error: unknown;
    try {
      r.choose('off');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: 'model_not_found', status: 404, message: expect.stringContaining('disabled') });
    expect(r.listedNames()).toEqual(['m']);
    // Still known to the router, so the client hears why rather than "not configured".
    expect(r.resolve('off')).toBe('off');
  });

  it('counts only enabled deployments when deciding whether one is alone in its group', () => {
    const r = withDisabled(['a']);
    const b = r.deployments().find((d) => d.id === 'b')!;
    for (let i = 0; i < 10; i++) r.failed(b, AttemptFailure.fromResponse(500, {}, 'down'));
    expect(r.health().find((d) => d.id === 'b')?.state).toBe('healthy');
  });
});

describe('deployments named by id', () => {
  it('chooses exactly that deployment, ahead of a catch-all wildcard', () => {
    const r = new Router(config([entry('m', 'openai/a', 'first'), entry('m', 'openai/b', 'second'), entry('*', 'openai/*', 'catch-all')]), {
      random: () => 0,
    });
    for (let i = 0; i < 5; i++) expect(r.choose('second').id).toBe('second');
    expect(r.choose('anything').id).toBe('catch-all');
  });
});
