// Routes by what a request is (issue 23), through Loopgate to mock upstreams: each scenario lands
// on its route's deployment in every dialect where it exists, the answer says x-loopgate-route,
// the request log records the route, and a subagent marker never reaches the upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { modelEntry, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';

const GROUPS = ['main', 'team', 'bg', 'reasoner', 'longctx', 'vision', 'searcher', 'agent'];

const ROUTES = `
router_settings:
  routes:
    - { name: agents, when: [{ kind: subagent }], to: main }
    - { name: team-blue, when: [{ kind: header, name: X-Team, op: equals, value: blue }], to: team }
    - { name: background, when: [{ kind: background, models: ['*haiku*', '*flash-lite*'] }], to: bg }
    - { name: think, when: [{ kind: thinking }], to: reasoner }
    - { name: long, when: [{ kind: long_context, tokens: 2000 }], to: longctx }
    - { name: vision, when: [{ kind: image }], to: vision }
    - { name: search, when: [{ kind: web_search }], to: searcher }
    - { name: off, when: [], to: bg, enabled: false }
`;

function config(family: 'anthropic' | 'openai', apiBase: string): string {
  const key = family === 'anthropic' ? 'sk-ant-upstream' : 'sk-upstream-secret';
  return `model_list:${GROUPS.map((group) => modelEntry(group, { model: `${family}/up-${group}`, api_base: apiBase, api_key: key })).join('')}${ROUTES}`;
}

const IMAGE = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const LONG = 'lorem ipsum dolor sit amet '.repeat(700);
const MARKER = '<loopgate-model>agent</loopgate-model>';

type Body = Record<string, unknown>;
type Dialect = 'anthropic' | 'chat' | 'responses' | 'gemini';

/** A plain user message in every dialect, to the main model unless `models` names a dialect's own. */
function saying(text: string, models: Partial<Record<Dialect, string>> = {}): Record<Dialect, Body> {
  const model = (dialect: Dialect): string => models[dialect] ?? 'main';
  return {
    anthropic: { model: model('anthropic'), max_tokens: 50, messages: [{ role: 'user', content: text }] },
    chat: { model: model('chat'), messages: [{ role: 'user', content: text }] },
    responses: { model: model('responses'), input: text },
    gemini: { model: model('gemini'), contents: [{ role: 'user', parts: [{ text }] }] },
  };
}

/** Each scenario's body in each dialect that has it; the model is the main one unless said. */
const SCENARIOS: Record<string, { route: string; group: string; headers?: Record<string, string>; bodies: Partial<Record<Dialect, Body>> }> = {
  background: {
    route: 'background',
    group: 'bg',
    bodies: saying('title this', { anthropic: 'claude-haiku-4-5-20251001', chat: 'claude-3-5-haiku-latest', responses: 'claude-haiku-4-5', gemini: 'gemini-2.0-flash-lite' }),
  },
  thinking: {
    route: 'think',
    group: 'reasoner',
    bodies: {
      anthropic: { model: 'main', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'think' }] },
      chat: { model: 'main', reasoning_effort: 'high', messages: [{ role: 'user', content: 'think' }] },
      responses: { model: 'main', reasoning: { effort: 'medium' }, input: 'think' },
      gemini: { model: 'main', contents: [{ role: 'user', parts: [{ text: 'think' }] }], generationConfig: { thinkingConfig: { thinkingBudget: 1024 } } },
    },
  },
  long_context: {
    route: 'long',
    group: 'longctx',
    bodies: saying(LONG),
  },
  image: {
    route: 'vision',
    group: 'vision',
    bodies: {
      anthropic: {
        model: 'main',
        max_tokens: 50,
        messages: [
          { role: 'user', content: 'look' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'screenshot', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: IMAGE } }] }] },
        ],
      },
      chat: {
        model: 'main',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${IMAGE}` } },
            ],
          },
        ],
      },
      responses: {
        model: 'main',
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'look' },
              { type: 'input_image', image_url: `data:image/png;base64,${IMAGE}` },
            ],
          },
        ],
      },
      gemini: { model: 'main', contents: [{ role: 'user', parts: [{ text: 'look' }, { inlineData: { mimeType: 'image/png', data: IMAGE } }] }] },
    },
  },
  web_search: {
    route: 'search',
    group: 'searcher',
    bodies: {
      anthropic: { model: 'main', max_tokens: 50, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }], messages: [{ role: 'user', content: 'news?' }] },
      chat: { model: 'main', tools: [{ type: 'function', function: { name: 'web_search', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }], messages: [{ role: 'user', content: 'news?' }] },
      responses: { model: 'main', tools: [{ type: 'function', name: 'web_search', parameters: { type: 'object', properties: { query: { type: 'string' } } } }], input: 'news?' },
      gemini: {
        model: 'main',
        tools: [{ functionDeclarations: [{ name: 'web_search', parameters: { type: 'object', properties: { query: { type: 'string' } } } }] }],
        contents: [{ role: 'user', parts: [{ text: 'news?' }] }],
      },
    },
  },
  subagent: {
    route: 'agents',
    group: 'agent',
    bodies: {
      anthropic: {
        model: 'main',
        max_tokens: 50,
        system: [
          { type: 'text', text: 'You are Claude Code.' },
          { type: 'text', text: 'Be terse.' },
          { type: 'text', text: `${MARKER} Review the diff.` },
        ],
        messages: [{ role: 'user', content: 'go' }],
      },
      chat: {
        model: 'main',
        messages: [
          { role: 'system', content: 'One.' },
          { role: 'system', content: 'Two.' },
          { role: 'system', content: `Three. ${MARKER}` },
          { role: 'user', content: 'go' },
        ],
      },
      responses: {
        model: 'main',
        input: [
          { role: 'developer', content: 'One.' },
          { role: 'developer', content: 'Two.' },
          { role: 'developer', content: `${MARKER} Three.` },
          { role: 'user', content: 'go' },
        ],
      },
      gemini: { model: 'main', systemInstruction: { parts: [{ text: 'One.' }, { text: 'Two.' }, { text: `Three. ${MARKER}` }] }, contents: [{ role: 'user', parts: [{ text: 'go' }] }] },
    },
  },
  header: {
    route: 'team-blue',
    group: 'team',
    headers: { 'x-team': 'blue' },
    bodies: saying('hi'),
  },
  none: {
    route: 'default',
    group: 'main',
    bodies: { ...saying('hi'), chat: { model: 'main', stream: false, messages: [{ role: 'user', content: 'hi' }] } },
  },
};

let claude: MockAnthropic;
let openai: MockUpstream;
let viaAnthropic: TestGateway;
let viaOpenAI: TestGateway;

beforeAll(async () => {
  claude = await startMockAnthropic({ apiKey: 'sk-ant-upstream' });
  openai = await startMockOpenAI();
  viaAnthropic = await startTestGateway(config('anthropic', claude.url));
  viaOpenAI = await startTestGateway(config('openai', openai.apiBase));
});

afterAll(async () => {
  await viaAnthropic?.close();
  await viaOpenAI?.close();
  await claude?.close();
  await openai?.close();
});

async function send(gw: TestGateway, dialect: Dialect, body: Body, headers: Record<string, string> = {}): Promise<Response> {
  const { model, ...rest } = body;
  const path = { anthropic: '/v1/messages', chat: '/v1/chat/completions', responses: '/v1/responses', gemini: `/v1beta/models/${String(model)}:generateContent` }[dialect];
  return fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(dialect === 'gemini' ? rest : body),
  });
}

const CASES = Object.entries(SCENARIOS).flatMap(([scenario, spec]) => (Object.keys(spec.bodies) as Dialect[]).map((dialect) => ({ scenario, dialect, ...spec, body: spec.bodies[dialect]! })));

describe('routes by what a request is', () => {
  it.each(CASES)('$dialect $scenario: lands on $group, says x-loopgate-route: $route, is logged with it', async ({ dialect, body, headers, route, group }) => {
    const gw = dialect === 'anthropic' ? viaAnthropic : viaOpenAI;
    const upstream = dialect === 'anthropic' ? claude.requests : openai.requests;
    const before = upstream.length;
    const response = await send(gw, dialect, body, headers);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('x-loopgate-route')).toBe(route);
    const sent = upstream.slice(before);
    expect(sent.map((request) => request.body?.model)).toEqual([`up-${group}`]);
    // The marker is Loopgate's instruction: it never reaches the upstream, and nothing else is cut.
    const forwarded = JSON.stringify(sent[0]!.body);
    expect(forwarded).not.toContain('loopgate-model');
    if (route === 'agents') expect(forwarded).toContain(dialect === 'anthropic' ? 'Review the diff.' : 'Three.');
    await gw.app.accounting.flush();
    const [logged] = await gw.app.api['logs.list']({ limit: 1 });
    expect(logged).toMatchObject({ route, model: body.model ?? null });
  });

  it('a condition that cannot be evaluated answers 400 naming the route, not the default', async () => {
    const gw = await startTestGateway(`model_list:${modelEntry('main', { model: 'openai/up-main', api_base: openai.apiBase, api_key: 'k' })}
router_settings:
  routes:
    - { name: by-user, when: [{ kind: json_path, path: $.metadata.user, op: equals, value: bob }], to: main }
`);
    try {
      const response = await send(gw, 'chat', { model: 'main', metadata: { user: { id: 'bob' } }, messages: [{ role: 'user', content: 'hi' }] });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-loopgate-route')).toBe('by-user');
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/Route "by-user" cannot be evaluated.*\$\.metadata\.user is an object/);
    } finally {
      await gw.close();
    }
  });

  it('routing.explain and POST /loopgate/routes/explain give the decision the gateway made, each route with its verdict', async () => {
    const { body, headers } = { body: SCENARIOS.header!.bodies.chat!, headers: { 'X-Team': 'blue' } };
    const viaApi = await viaOpenAI.app.api['routing.explain']({ dialect: 'chat', body, headers });
    expect(viaApi).toMatchObject({ route: 'team-blue', group: 'team', deployment: { label: 'openai/up-team' }, error: null });
    expect(viaApi.routes.slice(0, 3)).toEqual([
      { name: 'agents', enabled: true, matched: false, failed: 'no subagent marker and no x-claude-code-agent-id header' },
      { name: 'team-blue', enabled: true, matched: true, failed: null },
      { name: 'background', enabled: true, matched: false, failed: 'not reached' },
    ]);
    const viaHttp = await viaOpenAI.manage('POST', '/loopgate/routes/explain', { dialect: 'chat', body, headers: {} });
    expect(viaHttp.status).toBe(200);
    expect(viaHttp.body).toMatchObject({ route: 'default', group: 'main', deployment: { label: 'openai/up-main' } });
    expect(viaHttp.body.routes[1]).toEqual({ name: 'team-blue', enabled: true, matched: false, failed: 'the header x-team is absent' });
  });

  it('a route to a group that does not exist is refused at save, naming the route', async () => {
    const current = await viaOpenAI.app.api['routing.get']({});
    const routes = [...current.routes, { name: 'ghost', when: [], to: 'no-such-group', enabled: true }];
    await expect(viaOpenAI.app.api['routing.update']({ ...current, routes })).rejects.toThrow(/routes\.8\.to: route "ghost": expected the name of a model group, got "no-such-group"|routes\[8\]\.to: route "ghost"/);
  });
});
