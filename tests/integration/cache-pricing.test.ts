// Prompt-cache and reasoning tokens are priced as what they are (issue 26): recorded usage objects
// of each family, sent through Loopgate natively and translated, streamed and not, book the cost
// the provider's published prices give; the client still reads usage in its own dialect's shape;
// a budget stops a key at the request the real prices say, not earlier.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntryView } from '../../shared/api.js';
import { modelEntry, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { serve, type MockServer } from '../helpers/mock-server.js';

type Json = Record<string, unknown>;

// Published prices, USD per million tokens (anthropic.com/pricing, openai.com/api/pricing, ai.google.dev/pricing).
const SONNET = { input: 3, cacheRead: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6, output: 15 };
const GPT_4O = { input: 2.5, cacheRead: 1.25, output: 10 };
const O4_MINI = { input: 1.1, cacheRead: 0.275, output: 4.4 };
const FLASH = { input: 0.3, cacheRead: 0.03, output: 2.5 };

// The issue's Claude Code turn: 2k fresh input, 50k cache read, 5k cache write, 500 output.
const ANTHROPIC_USAGE = { input_tokens: 2000, cache_read_input_tokens: 50_000, cache_creation_input_tokens: 5000, output_tokens: 500 };
const ANTHROPIC_COST = (2000 * SONNET.input + 50_000 * SONNET.cacheRead + 5000 * SONNET.cacheWrite5m + 500 * SONNET.output) / 1e6;
const ANTHROPIC_1H_USAGE = { ...ANTHROPIC_USAGE, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 5000 } };
const ANTHROPIC_1H_COST = (2000 * SONNET.input + 50_000 * SONNET.cacheRead + 5000 * SONNET.cacheWrite1h + 500 * SONNET.output) / 1e6;
const CHAT_USAGE = { prompt_tokens: 1801, completion_tokens: 100, total_tokens: 1901, prompt_tokens_details: { cached_tokens: 900 } };
const CHAT_COST = (901 * GPT_4O.input + 900 * GPT_4O.cacheRead + 100 * GPT_4O.output) / 1e6;
const RESPONSES_USAGE = { input_tokens: 1000, input_tokens_details: { cached_tokens: 400 }, output_tokens: 2000, output_tokens_details: { reasoning_tokens: 1500 }, total_tokens: 3000 };
const RESPONSES_COST = (600 * O4_MINI.input + 400 * O4_MINI.cacheRead + 2000 * O4_MINI.output) / 1e6;
const GEMINI_USAGE = { promptTokenCount: 10_000, cachedContentTokenCount: 8000, candidatesTokenCount: 300, thoughtsTokenCount: 700, totalTokenCount: 11_000 };
const GEMINI_COST = (2000 * FLASH.input + 8000 * FLASH.cacheRead + 1000 * FLASH.output) / 1e6;
// LiteLLM's own price fields, as the issue measured them: 10 input, 3,400 cache read, 1,200 cache write, 10 output.
const PRICED_USAGE = { input_tokens: 10, cache_read_input_tokens: 3400, cache_creation_input_tokens: 1200, output_tokens: 10 };
const PRICED_COST = 10 * 3e-6 + 3400 * 3e-7 + 1200 * 3.75e-6 + 10 * 1.5e-5;

let upstream: MockServer;
let gw: TestGateway;

function sse(res: ServerResponse, events: Array<[string | null, Json]>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const [event, data] of events) res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  res.end();
}

function json(res: ServerResponse, body: Json): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Anthropic's Messages answer, its usage split over message_start and message_delta when streamed, as Anthropic sends it. */
function anthropic(res: ServerResponse, body: Json, usage: Json): void {
  const message = { id: 'msg_recorded', type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text: 'cached answer' }], stop_reason: 'end_turn', stop_sequence: null, usage };
  if (body.stream !== true) return json(res, message);
  sse(res, [
    ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'cached answer' } }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }],
    ['message_stop', { type: 'message_stop' }],
  ]);
}

function chat(res: ServerResponse, body: Json): void {
  const base = { id: 'chatcmpl-recorded', created: 1, model: body.model };
  if (body.stream !== true) {
    return json(res, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'cached answer' }, finish_reason: 'stop' }], usage: CHAT_USAGE });
  }
  const chunk = { ...base, object: 'chat.completion.chunk' };
  sse(res, [
    [null, { ...chunk, choices: [{ index: 0, delta: { role: 'assistant', content: 'cached answer' }, finish_reason: null }] }],
    [null, { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }],
    [null, { ...chunk, choices: [], usage: CHAT_USAGE }],
  ]);
}

function responses(res: ServerResponse, body: Json): void {
  const item = { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'cached answer', annotations: [] }] };
  const response = { id: 'resp_recorded', object: 'response', created_at: 1, status: 'completed', model: body.model, output: [item], usage: RESPONSES_USAGE };
  if (body.stream !== true) return json(res, response);
  sse(res, [
    ['response.created', { type: 'response.created', response: { ...response, status: 'in_progress', output: [], usage: null } }],
    ['response.completed', { type: 'response.completed', response }],
  ]);
}

function gemini(res: ServerResponse, stream: boolean): void {
  const answer = { candidates: [{ content: { role: 'model', parts: [{ text: 'cached answer' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: GEMINI_USAGE, modelVersion: 'gemini-2.5-flash' };
  if (!stream) return json(res, answer);
  sse(res, [[null, answer]]);
}

beforeAll(async () => {
  upstream = await serve((path, _query, _headers, body, _raw, res) => {
    if (path === '/anthropic/v1/messages') return anthropic(res, body, ANTHROPIC_USAGE);
    if (path === '/anthropic-1h/v1/messages') return anthropic(res, body, ANTHROPIC_1H_USAGE);
    if (path === '/priced/v1/messages') return anthropic(res, body, PRICED_USAGE);
    if (path === '/openai/chat/completions') return chat(res, body);
    if (path === '/openai/responses') return responses(res, body);
    const generate = /^\/gemini\/v1beta\/models\/[^:]+:(generateContent|streamGenerateContent)$/.exec(path);
    if (generate) return gemini(res, generate[1] === 'streamGenerateContent');
    res.writeHead(404).end();
  });
  const key = 'sk-upstream';
  gw = await startTestGateway(
    `model_list:${[
      modelEntry('sonnet', { model: 'anthropic/claude-sonnet-4-5', api_base: `${upstream.url}/anthropic`, api_key: key }),
      modelEntry('sonnet-1h', { model: 'anthropic/claude-sonnet-4-5', api_base: `${upstream.url}/anthropic-1h`, api_key: key }),
      modelEntry('priced', {
        model: 'anthropic/house-model',
        api_base: `${upstream.url}/priced`,
        api_key: key,
        input_cost_per_token: '3e-6',
        output_cost_per_token: '1.5e-5',
        cache_read_input_token_cost: '3e-7',
        cache_creation_input_token_cost: '3.75e-6',
      }),
      modelEntry('gpt', { model: 'openai/gpt-4o', api_base: `${upstream.url}/openai`, api_key: key }),
      modelEntry('o4', { model: 'openai/o4-mini', api_base: `${upstream.url}/openai`, api_key: key }, { mode: 'responses' }),
      modelEntry('flash', { model: 'gemini/gemini-2.5-flash', api_base: `${upstream.url}/gemini/v1beta`, api_key: key }),
    ].join('')}\n`,
  );
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

type Dialect = 'anthropic' | 'chat' | 'responses' | 'gemini';

/** One request in a dialect; the text of the answer, and its log row once counted. */
async function send(dialect: Dialect, model: string, stream: boolean, apiKey = TEST_MASTER_KEY): Promise<{ status: number; text: string; row: LogEntryView }> {
  const before = new Set((await gw.app.api['logs.list']({ limit: 1000 })).map((row) => row.id));
  const message = [{ role: 'user', content: 'hello again' }];
  const request: Record<Dialect, { path: string; body: Json }> = {
    anthropic: { path: '/v1/messages', body: { model, max_tokens: 1000, messages: message, stream } },
    chat: { path: '/v1/chat/completions', body: { model, messages: message, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) } },
    responses: { path: '/v1/responses', body: { model, input: 'hello again', stream } },
    gemini: { path: `/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`, body: { contents: [{ role: 'user', parts: [{ text: 'hello again' }] }] } },
  };
  const { path, body } = request[dialect];
  const response = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'x-goog-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let row: LogEntryView | undefined;
  await expect
    .poll(async () => {
      row = (await gw.app.api['logs.list']({ limit: 1000 })).find((entry) => !before.has(entry.id));
      return row !== undefined;
    })
    .toBe(true);
  return { status: response.status, text, row: row! };
}

const CASES: Array<{ name: string; model: string; dialects: Dialect[]; cost: number }> = [
  { name: 'Anthropic with cache reads and 5-minute writes', model: 'sonnet', dialects: ['anthropic', 'chat', 'responses'], cost: ANTHROPIC_COST },
  { name: 'Anthropic with 1-hour cache writes', model: 'sonnet-1h', dialects: ['anthropic', 'chat'], cost: ANTHROPIC_1H_COST },
  { name: "Anthropic at the config's own LiteLLM prices", model: 'priced', dialects: ['anthropic', 'chat'], cost: PRICED_COST },
  { name: 'OpenAI chat with cached_tokens', model: 'gpt', dialects: ['chat', 'anthropic', 'gemini'], cost: CHAT_COST },
  { name: 'OpenAI Responses with cached and reasoning tokens', model: 'o4', dialects: ['responses'], cost: RESPONSES_COST },
  { name: 'Gemini with cached and thought tokens', model: 'flash', dialects: ['gemini', 'chat', 'anthropic'], cost: GEMINI_COST },
];

describe('each family books what its published prices say, natively and translated, streamed and not', () => {
  for (const { name, model, dialects, cost } of CASES) {
    for (const dialect of dialects) {
      for (const stream of [false, true]) {
        it(`${name}: ${dialect}${stream ? ', streamed' : ''} books $${cost.toFixed(6)}`, async () => {
          const { status, row } = await send(dialect, model, stream);
          expect(status).toBe(200);
          expect(row.cost).toBeCloseTo(cost, 6);
        });
      }
    }
  }

  it("the issue's Claude Code turn books about $0.047, not $0.18", () => {
    expect(ANTHROPIC_COST).toBeCloseTo(0.04725, 6);
    expect(PRICED_COST).toBeCloseTo(0.0057, 6);
  });
});

describe('clients still read usage in their own shape', () => {
  it('a chat client of an Anthropic upstream sees every input token in prompt_tokens, the cache reads as cached_tokens', async () => {
    const { text } = await send('chat', 'sonnet', false);
    const usage = (JSON.parse(text) as { usage: Json }).usage;
    expect(usage).toMatchObject({ prompt_tokens: 57_000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 50_000 } });
  });

  it('an Anthropic client of an OpenAI upstream sees the cache reads apart from input_tokens', async () => {
    const { text } = await send('anthropic', 'gpt', false);
    expect((JSON.parse(text) as { usage: Json }).usage).toEqual({ input_tokens: 901, output_tokens: 100, cache_read_input_tokens: 900, cache_creation_input_tokens: 0 });
  });

  it('an Anthropic client of an Anthropic upstream translated through chat keeps its cache writes', async () => {
    // The Responses dialect translates to the chat pivot and back out of it: writes survive the round trip.
    const { text } = await send('responses', 'sonnet', false);
    expect((JSON.parse(text) as { usage: Json }).usage).toMatchObject({ input_tokens: 57_000, input_tokens_details: { cached_tokens: 50_000 }, output_tokens: 500 });
  });
});

describe('the parts are kept and shown', () => {
  it('the request log, /spend/logs and the usage series carry the cache reads and writes and what caching saved', async () => {
    const { row } = await send('anthropic', 'sonnet', false);
    // Every input token at Sonnet's input price, less what the turn cost: reads saved, writes cost a little more.
    const plain = (57_000 * SONNET.input + 500 * SONNET.output) / 1e6;
    expect(row.tokenParts).toEqual({ cacheReadTokens: 50_000, cacheWriteTokens: 5000, reasoningTokens: 0, cacheSavings: expect.closeTo(plain - ANTHROPIC_COST, 9) as number });
    const spend = (await gw.manage('GET', `/spend/logs?request_id=${row.id}`)).body as Array<{ metadata: { usage_object: Json } }>;
    expect(spend[0]!.metadata.usage_object).toMatchObject({ prompt_tokens: 57_000, cache_read_input_tokens: 50_000, cache_creation_input_tokens: 5000 });
    const series = await gw.app.api['usage.series']({ days: 1 });
    expect(series.days.at(-1)!.cacheReadTokens).toBeGreaterThanOrEqual(50_000);
    expect(series.days.at(-1)!.cacheSavings).toBeGreaterThan(0);
  });

  it('a reasoning answer keeps its reasoning tokens and saves nothing it did not cache', async () => {
    const { row } = await send('responses', 'o4', false);
    expect(row.tokenParts).toMatchObject({ cacheReadTokens: 400, reasoningTokens: 1500 });
    expect(row.tokenParts!.cacheSavings).toBeCloseTo((400 * (O4_MINI.input - O4_MINI.cacheRead)) / 1e6, 9);
  });
});

describe('a budget stops a key where the real prices say', () => {
  it('max_budget $0.12 and turns of $0.04725: three are served, the fourth is refused (priced as plain input, the second would be)', async () => {
    const { body } = await gw.manage('POST', '/key/generate', { max_budget: 0.12 });
    const answers: number[] = [];
    for (let turn = 0; turn < 4; turn++) answers.push((await send('anthropic', 'sonnet', turn % 2 === 1, body.key as string)).status);
    expect(answers).toEqual([200, 200, 200, 400]);
  });
});
