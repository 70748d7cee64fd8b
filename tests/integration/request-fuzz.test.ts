// Hostile text in every string a client controls (fast-check, fixed seed): control characters,
// CR LF, NUL, lone surrogates, non-ASCII, percent junk, "__proto__", very long names, in every
// field of every inbound dialect, in paths, query strings and headers, on the inference,
// Gemini, public and LiteLLM management routes, as the master key and as a virtual key. Every
// answer is a well-shaped error or success (never a 5xx, never `internal`, never a dropped
// connection), and the gateway answers normally afterwards. (The /ui/api property test lives in
// its own file.)
//
// `npm test` runs a bounded number of cases with a fixed seed; `npm run fuzz` runs many more.
// LOOPGATE_FUZZ_RUNS sets the cases per property, LOOPGATE_FUZZ_SEED the seed (`random` to explore;
// a failure prints its seed and path to replay).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { familyModelEntries, startTolerantUpstream, type TolerantUpstream } from '../helpers/mock-tolerant.js';

const RUNS = Number(process.env.LOOPGATE_FUZZ_RUNS ?? (process.env.npm_lifecycle_event === 'fuzz' ? 1_000 : 40));
const SEED = process.env.LOOPGATE_FUZZ_SEED ?? '20261207';
const PARAMS: fc.Parameters<unknown> = { numRuns: RUNS, ...(SEED === 'random' ? {} : { seed: Number(SEED) }) };
const TIMEOUT_MS = 60_000 + RUNS * 500;
const ANSWER_BOUND_MS = 15_000;

const MODELS = ['m-openai', 'm-azure', 'm-anthropic', 'm-gemini', 'm-bedrock', 'alias-a', 'wild/any-model'];

let upstream: TolerantUpstream;
let gw: TestGateway;
let virtualKey = '';

beforeAll(async () => {
  upstream = await startTolerantUpstream();
  gw = await startTestGateway(`model_list:
${familyModelEntries(upstream)}
  - model_name: "wild/*"
    litellm_params: { model: "openai/*", api_base: ${upstream.url}/v1, api_key: sk-up }
router_settings:
  num_retries: 0
  model_group_alias: { alias-a: m-openai }
  fallbacks: [{ m-openai: [m-anthropic] }]
`);
  const generated = await gw.manage('POST', '/key/generate', {
    key_alias: 'fuzz',
    aliases: { 'my-model': 'm-openai' },
    model_rpm_limit: { 'm-openai': 1_000_000 },
    model_max_budget: { 'm-anthropic': 1_000 },
    metadata: { team: 'fuzz' },
  });
  virtualKey = generated.body.key as string;
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

// --- hostile text ---------------------------------------------------------------------------

const SPECIAL = [
  '',
  ' ',
  '\t',
  '\r\n',
  'x\r\nSet-Cookie: a=b',
  '\u0000',
  'a\u0000b',
  '\u001b[31mred',
  '\u007f',
  '\u0085',
  '\u2028\u2029',
  '\ufeff',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '網頁搜索',
  '🦜🔥',
  'é',
  'ß',
  '%ZZ',
  '%E0%A4%A',
  '%00',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  '../../etc/passwd',
  '=HYPERLINK("http://x")',
  '"\\',
  '{"a":1}',
  '*',
  'null',
  'm-openai\n',
  'a'.repeat(257),
  'é'.repeat(3_000),
  '\r\n'.repeat(50),
];

/** Any code point, control characters, the usual suspects. */
const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 16 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SPECIAL), fc.string({ unit: 'binary', maxLength: 8 })).map(([a, b]) => a + b) },
);

/** A header value a client can send (fetch refuses CR, LF, NUL and characters past U+00FF). */
const headerText = hostile.map((text) => text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?').trim());

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** How many strings (values and object keys) a body has: each may be replaced. */
function slotCount(value: Json): number {
  if (typeof value === 'string') return 1;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + slotCount(item), 0);
  if (value && typeof value === 'object') return Object.entries(value).reduce((sum, [, item]) => sum + 1 + slotCount(item), 0);
  return 0;
}

/** `value` with the strings that `replacements` names (in walk order) replaced. */
function rewrite(value: Json, replacements: ReadonlyArray<string | null>, at = { i: 0 }): Json {
  if (typeof value === 'string') return replacements[at.i++] ?? value;
  if (Array.isArray(value)) return value.map((item) => rewrite(item, replacements, at));
  if (value && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) {
      const name = replacements[at.i++] ?? key;
      Object.defineProperty(out, name, { value: rewrite(item, replacements, at), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * A template body with some of its strings (and keys) made hostile: mostly one to three of
 * them (the rest stays valid, so the text reaches deep: translators, headers, the log),
 * sometimes any number.
 */
function mutated(template: Json): fc.Arbitrary<Json> {
  const count = slotCount(template);
  const focused = fc.uniqueArray(fc.tuple(fc.nat(count - 1), hostile), { minLength: 1, maxLength: 3, selector: ([index]) => index }).map((picks) => {
    const replacements: Array<string | null> = new Array<string | null>(count).fill(null);
    for (const [index, text] of picks) replacements[index] = text;
    return replacements;
  });
  const scattered = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hostile }), { minLength: count, maxLength: count });
  return fc.oneof({ weight: 4, arbitrary: focused }, { weight: 1, arbitrary: scattered }).map((replacements) => rewrite(template, replacements));
}

const model = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...MODELS, 'my-model') }, { weight: 2, arbitrary: hostile }, { weight: 1, arbitrary: hostile.map((text) => `wild/${text}`) });
const caller = fc.constantFrom('master', 'virtual');
const PNG = 'data:image/png;base64,iVBORw0KGgo=';

// --- one exchange, and what a sound answer is ----------------------------------------------

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function exchange(method: string, path: string, body: string | null, headers: Record<string, string> = {}): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(`${gw.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === null ? {} : { body }),
      signal: AbortSignal.timeout(ANSWER_BOUND_MS),
    });
  } catch (error) {
    throw new Error(`${method} ${path}: no answer (${String((error as Error).cause ?? error)})`, { cause: error });
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

function authFor(who: string): Record<string, string> {
  const key = who === 'master' ? TEST_MASTER_KEY : virtualKey;
  return { authorization: `Bearer ${key}`, 'x-api-key': key, 'x-goog-api-key': key };
}

/** A success in its content type, or an error object with a message; never a 5xx, never internal. */
function expectSound(answer: Answer, what: string, method = 'POST'): void {
  const said = `${what} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, said).toBeGreaterThanOrEqual(200);
  expect(answer.status, said).toBeLessThan(500);
  expect(answer.text, said).not.toContain('unexpected error');
  // Node itself refuses a request line and headers over 16 KiB, before Loopgate sees them.
  if (method === 'HEAD' || (answer.status === 431 && answer.text === '')) return;
  if (answer.status >= 400) {
    const parsed = JSON.parse(answer.text) as { error?: { message?: unknown } };
    expect(typeof parsed.error?.message, said).toBe('string');
    return;
  }
  if (answer.contentType.startsWith('application/json')) expect(() => JSON.parse(answer.text) as unknown, said).not.toThrow();
  else if (answer.contentType.startsWith('text/event-stream')) expect(answer.text, said).toMatch(/^(event|data):/m);
}

// --- inbound dialects -----------------------------------------------------------------------

const ANTHROPIC_TEMPLATE: Json = {
  max_tokens: 20,
  system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'hi' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig' },
        { type: 'tool_use', id: 'tu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: 'sunny' }] },
  ],
  tools: [
    { name: 'get_weather', description: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
    { type: 'web_search_20250305', name: 'web_search', max_uses: 2 },
  ],
  tool_choice: { type: 'tool', name: 'get_weather' },
  metadata: { user_id: 'user-1' },
  stop_sequences: ['END'],
};

const DIALECT_TEMPLATES: Array<{ path: string; template: Json; streams: boolean }> = [
  {
    path: '/v1/chat/completions',
    streams: true,
    template: {
      messages: [
        { role: 'system', content: 'be brief', name: 'sys' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image_url', image_url: { url: PNG, detail: 'low' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
      user: 'user-1',
      stop: ['END'],
      metadata: { team: 'a' },
      reasoning_effort: 'low',
      service_tier: 'auto',
      prompt_cache_key: 'cache-1',
      logit_bias: { '50256': -100 },
    },
  },
  { path: '/v1/completions', streams: true, template: { prompt: 'say hi', suffix: 'done', user: 'user-1', stop: 'END' } },
  { path: '/v1/embeddings', streams: false, template: { input: ['first', 'second'], encoding_format: 'float', user: 'user-1' } },
  {
    path: '/v1/responses',
    streams: true,
    template: {
      instructions: 'be brief',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'hi' },
            { type: 'input_image', image_url: PNG },
          ],
        },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
      ],
      tools: [
        { type: 'function', name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        { type: 'web_search_preview', name: 'web_search' },
        { type: 'custom', name: 'grammar', description: 'free text' },
      ],
      tool_choice: 'auto',
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' } } },
      reasoning: { effort: 'low', summary: 'auto' },
      user: 'user-1',
      metadata: { team: 'a' },
      previous_response_id: 'resp_unknown',
    },
  },
  { path: '/v1/messages', streams: true, template: ANTHROPIC_TEMPLATE },
  { path: '/v1/messages/count_tokens', streams: false, template: ANTHROPIC_TEMPLATE },
];

const GEMINI_TEMPLATE: Json = {
  contents: [
    { role: 'user', parts: [{ text: 'hi' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] },
    { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
    { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { out: 'sunny' } } }] },
  ],
  systemInstruction: { parts: [{ text: 'be brief' }] },
  tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } }] }, { googleSearch: {} }],
  toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
  generationConfig: { temperature: 0.5, stopSequences: ['END'], responseMimeType: 'text/plain' },
};

/** Lone surrogates as U+FFFD, so the text can be percent-encoded (as a browser would). */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** A path segment as a client may write it: encoded text, or raw percent junk. */
const pathSegment = fc.oneof({ weight: 3, arbitrary: hostile.map((text) => encodeURIComponent(wellFormed(text))) }, { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%E0%A4%A', '%', '%00', '%2F', '%C0%AF', 'a%') });

/** A test that `property()` holds for every case (the seed and case count above), with time for them all. */
function itHolds<Ts>(name: string, property: () => fc.IAsyncProperty<Ts>): void {
  it(name, () => fc.assert(property(), PARAMS), TIMEOUT_MS);
}

describe('hostile text in every field of every inbound dialect', () => {
  for (const { path, template, streams } of DIALECT_TEMPLATES) {
    itHolds(path, () =>
      fc.asyncProperty(mutated(template), model, caller, fc.boolean(), headerText, async (body, name, who, stream, agent) => {
        const sent = { ...(body as Record<string, Json>), model: name, ...(streams ? { stream } : {}) };
        const text = JSON.stringify(sent);
        expectSound(await exchange('POST', path, text, { ...authFor(who), 'user-agent': agent, 'anthropic-version': '2023-06-01' }), `${who} ${path} ${text.slice(0, 300)}`);
      }),
    );
  }

  itHolds('Gemini generateContent, streamGenerateContent and countTokens, the model in the path', () => {
    const method = fc.constantFrom(':generateContent', ':streamGenerateContent?alt=sse', ':streamGenerateContent', ':countTokens');
    const geminiModel = fc.oneof({ weight: 3, arbitrary: model.map((name) => encodeURIComponent(wellFormed(name))) }, { weight: 1, arbitrary: pathSegment });
    return fc.asyncProperty(mutated(GEMINI_TEMPLATE), geminiModel, method, caller, async (body, name, call, who) => {
      const path = `/v1beta/models/${name}${call}`;
      const text = JSON.stringify(body);
      expectSound(await exchange('POST', path, text, authFor(who)), `${who} ${path} ${text.slice(0, 300)}`);
    });
  });

  itHolds('models: the lists and one model by a hostile id, OpenAI and Gemini paths', () => {
    const route = fc.constantFrom('/v1/models/', '/models/', '/v1beta/models/', '/v1/models', '/v1beta/models');
    return fc.asyncProperty(route, pathSegment, caller, async (prefix, id, who) => {
      const path = prefix.endsWith('/') ? `${prefix}${id}` : prefix;
      expectSound(await exchange('GET', path, null, authFor(who)), `${who} GET ${path}`, 'GET');
    });
  });
});

// --- the management API, public routes, paths and headers ---------------------------------

const LITELLM_FIELDS = fc.dictionary(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'key',
        'keys',
        'key_alias',
        'models',
        'metadata',
        'tags',
        'aliases',
        'user_id',
        'team_id',
        'model_max_budget',
        'model_rpm_limit',
        'model_name',
        'litellm_params',
        'model_info',
        'id',
        'guardrails',
        'budget_duration',
        'duration',
      ),
    },
    { weight: 1, arbitrary: hostile },
  ),
  fc.oneof(hostile, fc.array(hostile, { maxLength: 3 }), fc.dictionary(hostile, hostile, { maxKeys: 3 }), fc.record({ model: hostile, api_base: fc.constantFrom(`http://127.0.0.1:9/v1`, 'not a url'), api_key: hostile })),
  { maxKeys: 5 },
);

describe('hostile text on the management, public and unknown routes', () => {
  itHolds('LiteLLM key and model management: bodies, and ids in the path', () => {
    const route = fc.constantFrom(
      ...['generate', 'update', 'delete', 'block', 'unblock', 'regenerate'].map((action) => `/key/${action}`),
      '/v2/key/info',
      '/key/health',
      ...['new', 'update', 'delete'].map((action) => `/model/${action}`),
      'regenerate-by-path',
    );
    return fc.asyncProperty(route, LITELLM_FIELDS, pathSegment, caller, async (chosen, body, id, who) => {
      const path = chosen === 'regenerate-by-path' ? `/key/${id}/regenerate` : chosen;
      const text = JSON.stringify(body);
      expectSound(await exchange('POST', path, text, authFor(who)), `${who} ${path} ${text.slice(0, 300)}`);
    });
  });

  itHolds('query strings on every GET route, public ones included', () => {
    const route = fc.constantFrom(
      '/',
      '/health/liveliness',
      '/health/liveness',
      '/health/readiness',
      '/metrics',
      '/health',
      '/key/list',
      '/key/info',
      '/spend/logs',
      '/global/spend',
      '/global/spend/keys',
      '/model/info',
      '/v1/model/info',
      '/model_group/info',
      '/v1/models',
      '/v1beta/models',
    );
    const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom('key', 'model', 'page', 'size', 'user_id', 'api_key', 'alt', 'return_full_object', 'start_date'), hostile), hostile), { maxLength: 3 });
    return fc.asyncProperty(route, query, fc.constantFrom('', '&%ZZ=%E0%A4%A', '&key=%'), caller, async (path, pairs, junk, who) => {
      const search = new URLSearchParams(pairs.map(([name, value]): [string, string] => [wellFormed(name), wellFormed(value)])).toString() + junk;
      const target = `${path}?${search}`;
      expectSound(await exchange('GET', target, null, authFor(who)), `${who} GET ${target}`, 'GET');
    });
  });

  itHolds('any method on any path, with hostile headers', () => {
    const prefix = fc.constantFrom('/', '/v1/', '/v1beta/', '/key/', '/model/', '/ui/', '/health/', '/v1/chat/', '/v1/messages/');
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS');
    const headers = fc.record({ 'user-agent': headerText, 'cache-control': headerText, 'openai-beta': headerText, 'anthropic-beta': headerText }, { requiredKeys: [] });
    return fc.asyncProperty(method, prefix, pathSegment, headers, caller, async (verb, start, segment, extra, who) => {
      const path = `${start}${segment}`;
      const body = verb === 'GET' || verb === 'HEAD' ? null : '{}';
      expectSound(await exchange(verb, path, body, { ...authFor(who), ...extra }), `${who} ${verb} ${path}`, verb);
    });
  });
});

describe('after the hostile text', () => {
  it('the gateway answers normally, and nothing escaped a request', async () => {
    expect((await exchange('GET', '/health/liveliness', null)).status).toBe(200);
    for (const who of ['master', 'virtual']) {
      const chat = await exchange('POST', '/v1/chat/completions', JSON.stringify({ model: 'm-openai', messages: [{ role: 'user', content: 'still there?' }] }), authFor(who));
      expect(chat.status, chat.text).toBe(200);
    }
    const list = await exchange('GET', '/key/list?return_full_object=true', null, authFor('master'));
    expect(list.status).toBe(200);
    expect(gw.logger.records.filter((record) => record.level === 'error')).toEqual([]);
  });
});
