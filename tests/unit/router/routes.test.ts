// The route decision (router/routes/): first match wins, verdicts say the first failed condition,
// the prompt is counted only near the threshold, markers are cut wherever they are.
import { describe, expect, it, vi } from 'vitest';
import type { RouteSetting } from '../../../shared/routes.js';
import { parseConfigText } from '../../../electron/config/index.js';
import { compileRoutes, decideRoute, type RouteRequest } from '../../../electron/router/routes/index.js';

function request(body: Record<string, unknown>, overrides: Partial<RouteRequest> = {}): RouteRequest {
  return {
    dialect: 'anthropic',
    body,
    model: String(body.model ?? ''),
    header: () => undefined,
    keyId: null,
    keyAlias: null,
    client: () => null,
    tokens: { bound: () => JSON.stringify(body).length, count: () => Promise.resolve(0) },
    ...overrides,
  };
}

const route = (name: string, when: RouteSetting['when'], to = 'g', enabled = true): RouteSetting => ({ name, when, to, enabled });

describe('decideRoute', () => {
  it('explains each route: the first condition that failed, a disabled one, the match, then "not reached"', async () => {
    const table = compileRoutes([route('streamed-bg', [{ kind: 'background' }, { kind: 'stream', value: true }]), route('off', [], 'g', false), route('bg', [{ kind: 'background' }], 'cheap'), route('later', [])]);
    const decision = await decideRoute(table, request({ model: 'claude-haiku-4-5', stream: false }), true);
    expect(decision).toMatchObject({ route: 'bg', group: 'cheap', error: null });
    expect(decision.verdicts).toEqual([
      { name: 'streamed-bg', enabled: true, matched: false, failed: 'stream is false, wanted true' },
      { name: 'off', enabled: false, matched: false, failed: null },
      { name: 'bg', enabled: true, matched: true, failed: null },
      { name: 'later', enabled: true, matched: false, failed: 'not reached' },
    ]);
  });

  it('counts the prompt only between the bounds: far below and far above need no tokenizer', async () => {
    const table = compileRoutes([route('long', [{ kind: 'long_context', tokens: 1000 }])]);
    const count = vi.fn(() => Promise.resolve(5000));
    const below = decideRoute(table, request({ model: 'm' }, { tokens: { bound: () => 900, count } }));
    expect(below).toMatchObject({ route: 'default' });
    const above = decideRoute(table, request({ model: 'm' }, { tokens: { bound: () => 1_000_000, count } }));
    expect(above).toMatchObject({ route: 'long' });
    expect(count).not.toHaveBeenCalled();
    const near = decideRoute(table, request({ model: 'm' }, { tokens: { bound: () => 4000, count } }));
    expect(near).toBeInstanceOf(Promise);
    expect(await near).toMatchObject({ route: 'long' });
    expect(count).toHaveBeenCalledTimes(1);
  });

  it("reads markers in system blocks and the first user message, cuts every one, and the first marker's group wins over `to`", () => {
    const table = compileRoutes([route('agents', [{ kind: 'subagent' }], 'main')]);
    const body = {
      model: 'm',
      system: 'Plain <CCR-SUBAGENT-MODEL>ignored-second</CCR-SUBAGENT-MODEL>',
      messages: [
        { role: 'user', content: [{ type: 'text', text: '<loopgate-model>fast</loopgate-model>Do it.' }] },
        { role: 'user', content: 'later <loopgate-model>kept</loopgate-model>' },
      ],
    };
    const decision = decideRoute(table, request(body));
    expect(decision).toMatchObject({ route: 'agents', group: 'ignored-second', stripped: true });
    expect(body.system).toBe('Plain ');
    expect(body.messages[0]!.content).toEqual([{ type: 'text', text: 'Do it.' }]);
    // Only system blocks and the first user message are read.
    expect(body.messages[1]!.content).toContain('<loopgate-model>kept</loopgate-model>');
  });

  it("Claude Code's agent header is a subagent too; the route's group then serves it", () => {
    const table = compileRoutes([route('agents', [{ kind: 'subagent' }], 'main')]);
    const decision = decideRoute(table, request({ model: 'm' }, { header: (name) => (name === 'x-claude-code-agent-id' ? 'agent-1' : undefined) }));
    expect(decision).toMatchObject({ route: 'agents', group: 'main', stripped: false });
  });
});

describe('router_settings.routes in the config file', () => {
  const models = 'model_list:\n  - model_name: main\n    litellm_params: { model: openai/gpt-4o, api_key: sk-x }\n';

  it('is read with `enabled` on unless said', () => {
    const config = parseConfigText(`${models}router_settings:\n  routes:\n    - { name: bg, when: [{ kind: background }], to: main }\n`, { env: {} });
    expect(config.routes).toEqual([{ name: 'bg', when: [{ kind: 'background' }], to: 'main', enabled: true }]);
  });

  it.each([
    ['a group that does not exist', '- { name: bg, when: [], to: nowhere }', /router_settings\.routes\[0\]\.to.*route "bg".*"nowhere"/],
    ['two routes of one name', '- { name: a, when: [], to: main }\n    - { name: a, when: [], to: main }', /routes\[1\]\.name.*"a"/],
    ['a regex that does not compile', '- { name: h, when: [{ kind: header, name: x-a, op: matches, value: "(" }], to: main }', /regular expression/],
    ['a JSON path it cannot read', '- { name: j, when: [{ kind: json_path, path: "$..x", op: exists }], to: main }', /JSON path/],
  ])('refuses %s, saying where', (_what, yaml, message) => {
    expect(() => parseConfigText(`${models}router_settings:\n  routes:\n    ${yaml}\n`, { env: {} })).toThrow(message);
  });
});
