// Property-based fuzzing (fast-check) of every route's parser and every translator: each
// inbound dialect against each provider family, the management API and the app's /ui API.
// Whatever is sent: no 5xx but the injected upstream failures, no `internal` error, no answer
// slower than a bound, and the gateway still answers (and still lists) afterwards.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethod } from '../../shared/api.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { familyModelEntries, startTolerantUpstream, type TolerantUpstream } from '../helpers/mock-tolerant.js';

const ANSWER_BOUND_MS = 10_000;
const RUNS = Number(process.env.LOOPGATE_FUZZ_RUNS ?? 100);
// `npm test` replays the same inputs, so a landing never depends on luck; exploring is
// `LOOPGATE_FUZZ_SEED=random` (a failure prints its seed and path to replay).
const SEED = process.env.LOOPGATE_FUZZ_SEED ?? '20261129';
if (SEED !== 'random') fc.configureGlobal({ seed: Number(SEED) });

let upstream: TolerantUpstream;
let gw: TestGateway;
let cookie = '';

const FAMILY_MODELS = ['m-openai', 'm-azure', 'm-anthropic', 'm-gemini', 'm-bedrock'];
const FAILING_MODEL = 'm-fail';

beforeAll(async () => {
  upstream = await startTolerantUpstream();
  const yaml = `model_list:
${familyModelEntries(upstream)}
  - model_name: ${FAILING_MODEL}
    litellm_params: { model: openai/fail-500, api_base: ${upstream.url}/v1, api_key: sk-up }
router_settings:
  num_retries: 0
`;
  gw = await startTestGateway(yaml);
  const signIn = await fetch(`${gw.url}/ui/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: gw.url }, body: JSON.stringify({ masterKey: TEST_MASTER_KEY }) });
  cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

interface Answer {
  status: number;
  text: string;
}

/** Sends one request and reads the whole answer (streams included) within the bound. */
async function send(method: string, path: string, body: string | null, headers: Record<string, string> = {}): Promise<Answer> {
  const signal = AbortSignal.timeout(ANSWER_BOUND_MS);
  const response = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json', ...headers },
    ...(body === null ? {} : { body }),
    signal,
  });
  return { status: response.status, text: await response.text() };
}

function expectSound(answer: Answer, injected: boolean, what: string): void {
  if (!injected) expect(answer.status, `${what} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.text, what).not.toContain('"code":"internal"');
}

// --- generators ----------------------------------------------------------------------------

const scalar = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const anyValue = fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });
const text = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: anyValue });
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: anyValue });
const model = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...FAMILY_MODELS, FAILING_MODEL) }, { weight: 1, arbitrary: anyValue });
const jsonSchema = fc.oneof(fc.constant({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }), fc.jsonValue({ maxDepth: 3 }));

const chatPart = fc.oneof(
  fc.record({ type: fc.constant('text'), text }),
  fc.record({ type: fc.constant('image_url'), image_url: maybe(fc.record({ url: fc.oneof(fc.constant('data:image/png;base64,iVBORw0KGgo='), fc.constant('https://example.com/a.png'), fc.string()) })) }),
  anyValue,
);
const toolCall = fc.record({ id: text, type: maybe(fc.constant('function')), function: maybe(fc.record({ name: text, arguments: fc.oneof(fc.constant('{"city":"Paris"}'), fc.string()) })) });
const chatMessage = fc.record(
  {
    role: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool') }, { weight: 1, arbitrary: anyValue }),
    content: fc.oneof(text, fc.constant(null), fc.array(chatPart, { maxLength: 3 })),
    tool_calls: maybe(fc.array(toolCall, { maxLength: 2 })),
    tool_call_id: text,
    name: text,
  },
  { requiredKeys: ['role', 'content'] },
);
const chatTool = fc.record({ type: maybe(fc.constant('function')), function: maybe(fc.record({ name: text, description: text, parameters: jsonSchema }, { requiredKeys: ['name'] })) });

const chatBody = fc.record(
  {
    model,
    messages: maybe(fc.array(chatMessage, { maxLength: 4 })),
    stream: maybe(fc.boolean()),
    stream_options: maybe(fc.record({ include_usage: fc.boolean() })),
    max_tokens: maybe(fc.integer({ min: -5, max: 5000 })),
    max_completion_tokens: maybe(fc.nat(5000)),
    temperature: maybe(fc.double({ min: -1, max: 3, noNaN: true })),
    top_p: anyValue,
    stop: maybe(fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 5 }))),
    tools: maybe(fc.array(chatTool, { maxLength: 2 })),
    tool_choice: maybe(fc.oneof(fc.constantFrom('auto', 'none', 'required'), fc.record({ type: fc.constant('function'), function: fc.record({ name: text }) }))),
    response_format: maybe(fc.oneof(fc.record({ type: fc.constantFrom('text', 'json_object') }), fc.record({ type: fc.constant('json_schema'), json_schema: maybe(fc.record({ name: text, schema: jsonSchema })) }))),
    reasoning_effort: maybe(fc.constantFrom('minimal', 'low', 'medium', 'high')),
    n: anyValue,
    user: text,
    extra_field: anyValue,
  },
  { requiredKeys: ['model', 'messages'] },
);

const completionsBody = fc.record(
  { model, prompt: fc.oneof(text, fc.array(fc.string(), { maxLength: 3 }), fc.array(fc.nat(50_000), { maxLength: 5 })), stream: maybe(fc.boolean()), max_tokens: anyValue, suffix: text, echo: anyValue },
  { requiredKeys: ['model', 'prompt'] },
);

const embeddingsBody = fc.record(
  { model, input: fc.oneof(text, fc.array(fc.string(), { maxLength: 3 }), fc.array(fc.nat(50_000), { maxLength: 5 })), dimensions: anyValue, encoding_format: maybe(fc.constantFrom('float', 'base64')) },
  { requiredKeys: ['model', 'input'] },
);

const anthropicBlock = fc.oneof(
  fc.record({ type: fc.constant('text'), text }),
  fc.record({ type: fc.constant('image'), source: maybe(fc.record({ type: fc.constantFrom('base64', 'url'), media_type: fc.constantFrom('image/png', 'image/jpeg'), data: fc.constant('iVBORw0KGgo='), url: text })) }),
  fc.record({ type: fc.constant('tool_use'), id: text, name: text, input: anyValue }),
  fc.record({ type: fc.constant('tool_result'), tool_use_id: text, content: fc.oneof(text, fc.array(fc.record({ type: fc.constant('text'), text }), { maxLength: 2 })), is_error: anyValue }),
  fc.record({ type: fc.constant('thinking'), thinking: text, signature: text }),
  fc.record({ type: fc.constant('document'), source: anyValue }),
  anyValue,
);
const anthropicBody = fc.record(
  {
    model,
    max_tokens: maybe(fc.integer({ min: -1, max: 8000 })),
    messages: maybe(fc.array(fc.record({ role: fc.oneof(fc.constantFrom('user', 'assistant'), anyValue), content: fc.oneof(text, fc.array(anthropicBlock, { maxLength: 3 })) }), { maxLength: 4 })),
    system: maybe(fc.oneof(fc.string(), fc.array(fc.record({ type: fc.constant('text'), text }), { maxLength: 2 }))),
    tools: maybe(fc.array(fc.record({ name: text, description: text, input_schema: jsonSchema }), { maxLength: 2 })),
    tool_choice: maybe(fc.oneof(fc.record({ type: fc.constantFrom('auto', 'any', 'none') }), fc.record({ type: fc.constant('tool'), name: text }))),
    stream: maybe(fc.boolean()),
    thinking: maybe(fc.record({ type: fc.constantFrom('enabled', 'disabled'), budget_tokens: anyValue })),
    stop_sequences: anyValue,
    temperature: anyValue,
    metadata: anyValue,
  },
  { requiredKeys: ['model', 'messages'] },
);

const responsesItem = fc.oneof(
  fc.record({
    role: fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'developer'), anyValue),
    content: fc.oneof(text, fc.array(fc.oneof(fc.record({ type: fc.constantFrom('input_text', 'output_text'), text }), fc.record({ type: fc.constant('input_image'), image_url: text }), anyValue), { maxLength: 3 })),
    type: maybe(fc.constant('message')),
  }),
  fc.record({ type: fc.constant('function_call'), call_id: text, name: text, arguments: text }),
  fc.record({ type: fc.constant('function_call_output'), call_id: text, output: text }),
  fc.record({ type: fc.constant('reasoning'), summary: anyValue, encrypted_content: text }),
  anyValue,
);
const responsesBody = fc.record(
  {
    model,
    input: fc.oneof(text, fc.array(responsesItem, { maxLength: 4 })),
    instructions: text,
    tools: maybe(
      fc.array(fc.oneof(fc.record({ type: fc.constant('function'), name: text, parameters: jsonSchema, strict: anyValue }), fc.record({ type: fc.constantFrom('web_search', 'file_search') }), anyValue), { maxLength: 2 }),
    ),
    tool_choice: anyValue,
    stream: maybe(fc.boolean()),
    previous_response_id: text,
    text: maybe(fc.record({ format: maybe(fc.record({ type: fc.constantFrom('text', 'json_object', 'json_schema'), name: text, schema: jsonSchema })) })),
    reasoning: maybe(fc.record({ effort: maybe(fc.constantFrom('low', 'medium', 'high')), summary: anyValue })),
    max_output_tokens: anyValue,
    store: anyValue,
  },
  { requiredKeys: ['model', 'input'] },
);

const DIALECTS: Array<{ path: string; body: fc.Arbitrary<unknown> }> = [
  { path: '/v1/chat/completions', body: chatBody },
  { path: '/v1/completions', body: completionsBody },
  { path: '/v1/embeddings', body: embeddingsBody },
  { path: '/v1/messages', body: anthropicBody },
  { path: '/v1/messages/count_tokens', body: anthropicBody },
  { path: '/v1/responses', body: responsesBody },
];

const injectedFor = (body: unknown): boolean => typeof body === 'object' && body !== null && (body as { model?: unknown }).model === FAILING_MODEL;

describe('fuzzing every inbound dialect against every provider family', () => {
  for (const dialect of DIALECTS) {
    it(`${dialect.path}: shaped bodies, any family`, async () => {
      await fc.assert(
        fc.asyncProperty(dialect.body, async (body) => {
          expectSound(await send('POST', dialect.path, JSON.stringify(body)), injectedFor(body), `${dialect.path} ${JSON.stringify(body).slice(0, 300)}`);
        }),
        { numRuns: RUNS * 3 },
      );
    }, 120_000);
  }

  it('each dialect × each family at least once, streamed and not', async () => {
    const minimal: Record<string, (model: string, stream: boolean) => unknown> = {
      '/v1/chat/completions': (m, stream) => ({ model: m, stream, messages: [{ role: 'user', content: 'hi' }] }),
      '/v1/completions': (m, stream) => ({ model: m, stream, prompt: 'hi' }),
      '/v1/embeddings': (m) => ({ model: m, input: 'hi' }),
      '/v1/messages': (m, stream) => ({ model: m, stream, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      '/v1/messages/count_tokens': (m) => ({ model: m, messages: [{ role: 'user', content: 'hi' }] }),
      '/v1/responses': (m, stream) => ({ model: m, stream, input: 'hi' }),
    };
    for (const [path, make] of Object.entries(minimal)) {
      for (const m of [...FAMILY_MODELS, FAILING_MODEL]) {
        for (const stream of [false, true]) expectSound(await send('POST', path, JSON.stringify(make(m, stream))), m === FAILING_MODEL, `${path} ${m} ${stream}`);
      }
    }
  }, 120_000);

  it('raw bytes: not JSON, truncated JSON, JSON that is not an object', async () => {
    const raw = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
      chatBody.map((body) => JSON.stringify(body)).chain((json) => fc.nat(json.length).map((cut) => json.slice(0, cut))),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...DIALECTS.map((d) => d.path)), raw, async (path, body) => {
        expectSound(await send('POST', path, body), false, `${path} ${body.slice(0, 200)}`);
      }),
      { numRuns: RUNS * 5 },
    );
  }, 120_000);
});

// --- the management API and the app's API ---------------------------------------------------

const keyFields = fc.dictionary(
  fc.constantFrom(
    'key',
    'keys',
    'key_alias',
    'models',
    'max_budget',
    'budget_duration',
    'duration',
    'rpm_limit',
    'tpm_limit',
    'max_parallel_requests',
    'metadata',
    'tags',
    'soft_budget',
    'model_max_budget',
    'model_rpm_limit',
    'model_tpm_limit',
    'aliases',
    'user_id',
    'team_id',
    'blocked',
    'expires',
    'key_name',
    'model_name',
    'litellm_params',
    'model_info',
    'id',
    'new_key',
    'guardrails',
    'permissions',
  ),
  fc.oneof(anyValue, fc.constantFrom('30d', '1h', '99999999999999d', '-1s', 'm-openai', '*')),
  { maxKeys: 6 },
);

describe('fuzzing the management API', () => {
  const routes = [
    'POST /key/generate',
    'POST /key/update',
    'POST /key/delete',
    'POST /key/block',
    'POST /key/unblock',
    'POST /key/regenerate',
    'POST /key/some-key/regenerate',
    'POST /v2/key/info',
    'POST /key/health',
    'POST /model/new',
    'POST /model/update',
    'POST /model/delete',
  ];
  const getRoutes = ['/key/list', '/key/info', '/spend/logs', '/global/spend', '/global/spend/keys', '/model/info', '/model_group/info', '/health', '/v1/models'];

  it('bodies on every POST route', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(keyFields, fc.jsonValue({ maxDepth: 3 })), async (route, body) => {
        const [method, path] = route.split(' ') as [string, string];
        expectSound(await send(method, path, JSON.stringify(body)), false, `${route} ${JSON.stringify(body).slice(0, 300)}`);
      }),
      { numRuns: RUNS * 6 },
    );
  }, 120_000);

  it('query strings on every GET route', async () => {
    const params = fc.dictionary(
      fc.constantFrom('key', 'page', 'size', 'return_full_object', 'start_date', 'end_date', 'key_alias', 'user_id', 'model', 'limit', 'api_key', 'team_id'),
      fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constantFrom('true', '-1', '0', '1e309', '2024-13-45')),
      { maxKeys: 4 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...getRoutes), params, async (path, query) => {
        const search = new URLSearchParams(query).toString();
        expectSound(await send('GET', `${path}${search ? `?${search}` : ''}`, null), false, `${path}?${search}`);
      }),
      { numRuns: RUNS * 4 },
    );
  }, 120_000);
});

describe('fuzzing the app API (/ui/api)', () => {
  // providers.test and providers.discover reach out to the network by design; everything else is here.
  const methods = [
    'status.get',
    'providers.list',
    'providers.create',
    'providers.update',
    'providers.delete',
    'providers.addKey',
    'providers.removeKey',
    'models.list',
    'models.add',
    'models.remove',
    'models.groups',
    'models.update',
    'models.renameGroup',
    'models.removeGroup',
    'models.references',
    'models.copyFromConfig',
    'routing.get',
    'routing.update',
    'routing.copyFromConfig',
    'config.export',
    'config.import',
    'keys.list',
    'keys.create',
    'keys.update',
    'keys.setActive',
    'keys.delete',
    'keys.recentClients',
    'usage.series',
    'logs.list',
    'logs.facets',
    'logs.get',
  ] as const satisfies readonly ApiMethod[];
  const appFields = fc.dictionary(
    fc.constantFrom(
      'id',
      'version',
      'name',
      'family',
      'apiBase',
      'apiKey',
      'modelName',
      'providerId',
      'upstreamModel',
      'settings',
      'from',
      'to',
      'yaml',
      'status',
      'search',
      'page',
      'size',
      'days',
      'models',
      'maxBudget',
      'rpmLimit',
      'expiresAt',
      'alias',
      'keyAlias',
      'active',
      'metadata',
      'strategy',
      'fallbacks',
      'numRetries',
      'aliases',
      'budgetDuration',
      'tags',
      'modelMaxBudget',
      'credentials',
      'limit',
      'cursor',
    ),
    fc.oneof(anyValue, fc.constantFrom('m-openai', 'openai', 'anthropic', 'http://127.0.0.1:9/v1', 'model_list: []\n', 'model_list: 5\n', '30d', -1, Number.POSITIVE_INFINITY)),
    { maxKeys: 6 },
  );

  it('every method with any request: errors are data with a client code, never internal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), fc.oneof(appFields, fc.jsonValue({ maxDepth: 3 })), async (method, request) => {
        const answer = await send('POST', `/ui/api/${method}`, JSON.stringify(request), { cookie, origin: gw.url });
        expectSound(answer, false, `${method} ${JSON.stringify(request).slice(0, 300)}`);
      }),
      { numRuns: RUNS * 8 },
    );
  }, 120_000);
});

describe('after the fuzzing', () => {
  it('the gateway still answers, serves and lists', async () => {
    expect((await send('GET', '/health/liveliness', null)).status).toBe(200);
    const chat = await send('POST', '/v1/chat/completions', JSON.stringify({ model: 'm-openai', messages: [{ role: 'user', content: 'still there?' }] }));
    expect(chat.status).toBe(200);
    expect((await send('GET', '/key/list?return_full_object=true', null)).status).toBe(200);
    for (const method of ['keys.list', 'models.list', 'logs.list', 'providers.list', 'routing.get'] as const) {
      const request = method === 'keys.list' ? { page: 1, size: 100 } : method === 'logs.list' ? { limit: 50 } : {};
      const answer = JSON.parse((await send('POST', `/ui/api/${method}`, JSON.stringify(request), { cookie, origin: gw.url })).text) as { ok: boolean; error?: unknown };
      expect(answer.ok, `${method} ${JSON.stringify(answer.error)}`).toBe(true);
    }
    expect(gw.logger.records.filter((record) => record.msg === 'unhandled')).toEqual([]);
  });
});
