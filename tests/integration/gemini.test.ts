// Google's Gemini API inbound: the official @google/genai SDK pointed at Loopgate
// (httpOptions.baseUrl), against an OpenAI-style chat-only upstream and an Anthropic upstream
// (translated through the chat pivot) and a Gemini upstream (relayed natively); plus the
// Google ways of sending a key, Google-shaped errors, the JSON-array stream, the models
// lists in each caller's dialect, and accounting.
import { GoogleGenAI, Type, type Content, type FunctionDeclaration, type GenerateContentResponse } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { anthropicModel, modelEntry, openaiModel, TEST_MASTER_KEY } from '../helpers/gateway.js';
import { useGateway } from '../helpers/file-setup.js';
import { startMockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI } from '../helpers/mock-openai.js';
import { startMockGemini } from '../helpers/mock-providers.js';

const setup = useGateway(
  { openai: () => startMockOpenAI(), claude: () => startMockAnthropic({ apiKey: 'sk-ant-upstream' }), gemini: () => startMockGemini('gemini-upstream-key') },
  ({ openai, claude, gemini }) => {
    const geminiModel = (name: string, upstream: string): string => modelEntry(name, { model: `gemini/${upstream}`, api_base: `${gemini.url}/v1beta`, api_key: 'gemini-upstream-key' });
    return `model_list:${[
      openaiModel('gpt-test', 'mock-gpt', openai.apiBase),
      anthropicModel('claude-test', 'claude-sonnet-4-5', claude.url),
      geminiModel('gemini-test', 'gemini-2.5-flash'),
      geminiModel('gemini-busy', 'fail-unavailable'),
    ].join('')}`;
  },
  { keyAlias: 'gemini-sdk' },
);

function sdk(apiKey = setup.key): GoogleGenAI {
  return new GoogleGenAI({ apiKey, httpOptions: { baseUrl: setup.gw.url } });
}

const weather: FunctionDeclaration = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ['city'] },
};

const upstreams = [
  { model: 'gpt-test', reply: 'Hello from mock: hi there', toolReply: 'The tool said' },
  { model: 'claude-test', reply: 'Hello from Claude mock: hi there', toolReply: 'The tool said' },
  { model: 'gemini-test', reply: 'Hello from Gemini mock: hi there', toolReply: 'The tool said' },
];

describe.each(upstreams)('@google/genai → $model', ({ model, reply, toolReply }) => {
  it('generateContent: text, finish reason and usage', async () => {
    const response = await sdk().models.generateContent({ model, contents: 'hi there', config: { systemInstruction: 'Be brief.', temperature: 0.2, maxOutputTokens: 200 } });
    expect(response.text).toBe(reply);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
    expect(response.usageMetadata?.totalTokenCount).toBe((response.usageMetadata?.promptTokenCount ?? 0) + (response.usageMetadata?.candidatesTokenCount ?? 0));
  });

  it('streamGenerateContent (alt=sse): the text in more than one chunk, usage at the end', async () => {
    const stream = await sdk().models.generateContentStream({ model, contents: 'hi there' });
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.text ?? '').join('')).toBe(reply);
    expect(chunks.filter((c) => c.text).length).toBeGreaterThan(1);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks.at(-1)?.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
  });

  it('function calling both ways: the model calls, the function response goes back, the model answers', async () => {
    const config = { tools: [{ functionDeclarations: [weather] }] };
    const ask: Content = { role: 'user', parts: [{ text: 'what is the weather in Paris?' }] };
    const first = await sdk().models.generateContent({ model, contents: [ask], config });
    const call = first.functionCalls?.[0];
    expect(call).toMatchObject({ name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } });
    const history: Content[] = [ask, first.candidates![0]!.content!, { role: 'user', parts: [{ functionResponse: { id: call!.id, name: 'get_weather', response: { temperature: 21 } } }] }];
    const stream = await sdk().models.generateContentStream({ model, contents: history, config });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toContain(toolReply);
    expect(text).toContain('21');
  });

  it('streams a function call whole, with its arguments', async () => {
    const stream = await sdk().models.generateContentStream({ model, contents: 'weather?', config: { tools: [{ functionDeclarations: [weather] }] } });
    const calls = [];
    for await (const chunk of stream) calls.push(...(chunk.functionCalls ?? []));
    expect(calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } })]);
  });

  it('countTokens', async () => {
    const counted = await sdk().models.countTokens({ model, contents: 'count these words please' });
    expect(counted.totalTokens).toBeGreaterThan(0);
  });
});

describe('what each upstream received', () => {
  it('OpenAI-style: system message, JSON-Schema tools (types lower-cased), tool message with the call id', () => {
    const withSystem = setup.openai.requests.find((r) => (r.body?.messages as Array<{ role: string }> | undefined)?.[0]?.role === 'system')!;
    expect(withSystem.body).toMatchObject({
      model: 'mock-gpt',
      temperature: 0.2,
      max_tokens: 200,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi there' },
      ],
    });
    const answered = setup.openai.requests.find((r) => (r.body?.messages as Array<{ role: string }> | undefined)?.some((m) => m.role === 'tool'))!;
    const messages = answered.body!.messages as Array<Record<string, unknown>>;
    expect(answered.body!.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
    ]);
    const assistant = messages.find((m) => m.role === 'assistant') as { tool_calls: Array<{ id: string }> };
    expect(messages.find((m) => m.role === 'tool')).toEqual({ role: 'tool', tool_call_id: assistant.tool_calls[0]!.id, content: '{"temperature":21}' });
  });

  it('Anthropic: tool_use and tool_result blocks', () => {
    const answered = setup.claude.requests.find((r) => JSON.stringify(r.body).includes('tool_result'))!;
    const messages = answered.body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    expect(messages[1]!.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } })]);
    expect(messages[2]!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: (messages[1]!.content[0] as { id: string }).id });
  });

  it('Gemini: the body as the client sent it, the model in the path, the upstream key in x-goog-api-key', () => {
    const sent = setup.gemini.requests.find((r) => r.path.endsWith(':generateContent') && r.body.systemInstruction)!;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe('gemini-upstream-key');
    expect(sent.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi there' }] }],
      systemInstruction: { role: 'user', parts: [{ text: 'Be brief.' }] },
      generationConfig: { temperature: 0.2, maxOutputTokens: 200 },
    });
    expect(setup.gemini.requests.some((r) => r.path.endsWith(':countTokens'))).toBe(true);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
type Loose = any;
const read = async (response: Response): Promise<Loose> => (await response.json()) as Loose;

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${setup.gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

const hello = { contents: [{ role: 'user', parts: [{ text: 'hi there' }] }] };

describe('the Google ways of sending a key', () => {
  it('x-goog-api-key, ?key= and Bearer all work; the key never reaches the log', async () => {
    for (const [path, headers] of [
      ['/v1beta/models/gpt-test:generateContent', { 'x-goog-api-key': setup.key }],
      [`/v1beta/models/gpt-test:generateContent?key=${setup.key}`, {}],
      ['/v1/models/gpt-test:generateContent', { authorization: `Bearer ${setup.key}` }],
      [`/v1beta/models/gpt-test:generateContent?key=${TEST_MASTER_KEY}`, {}],
      // The model without the models/ prefix, and a Loopgate model name as a Gemini resource name.
      ['/v1beta/gpt-test:generateContent', { 'x-goog-api-key': setup.key }],
    ] as const) {
      const response = await post(path, hello, headers);
      expect(response.status, path).toBe(200);
    }
    await expect.poll(() => setup.gw.logger.records.filter((r) => r.msg === 'request' && String(r.path).includes(':generateContent')).length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(setup.gw.logger.records)).not.toContain(setup.key);
  });

  it('a wrong or missing key is a Google-shaped 401', async () => {
    const wrong = await post('/v1beta/models/gpt-test:generateContent?key=nope', hello);
    expect(wrong.status).toBe(401);
    expect(await read(wrong)).toEqual({ error: { code: 401, message: 'Invalid API key.', status: 'UNAUTHENTICATED' } });
    const missing = await post('/v1beta/models/gpt-test:generateContent', hello);
    expect((await read(missing)).error.status).toBe('UNAUTHENTICATED');
  });
});

describe('Google-shaped errors', () => {
  it('an unknown model is 404 NOT_FOUND; the SDK reads it', async () => {
    const response = await post('/v1beta/models/no-such-model:generateContent', hello, { 'x-goog-api-key': setup.key });
    expect(response.status).toBe(404);
    expect((await read(response)).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    await expect(sdk().models.generateContent({ model: 'no-such-model', contents: 'hi' })).rejects.toMatchObject({ status: 404 });
  });

  it('a request without contents is 400 INVALID_ARGUMENT; an unknown Gemini path is 404', async () => {
    const response = await post('/v1beta/models/gpt-test:generateContent', { generationConfig: {} }, { 'x-goog-api-key': setup.key });
    expect(response.status).toBe(400);
    expect((await read(response)).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    const unknown = await post('/v1beta/cachedContents', {}, { 'x-goog-api-key': setup.key });
    expect(unknown.status).toBe(404);
    expect((await read(unknown)).error.status).toBe('NOT_FOUND');
  });

  it("an upstream's 503 reaches the client as UNAVAILABLE", async () => {
    const response = await post('/v1beta/models/gemini-busy:generateContent', hello, { 'x-goog-api-key': setup.key });
    expect(response.status).toBe(503);
    expect((await read(response)).error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
  });

  it('candidateCount above 1 is refused toward a chat upstream', async () => {
    const response = await post('/v1beta/models/gpt-test:generateContent', { ...hello, generationConfig: { candidateCount: 2 } }, { 'x-goog-api-key': setup.key });
    expect(response.status).toBe(400);
    expect((await read(response)).error.message).toContain('candidateCount');
  });
});

describe('paused', () => {
  it('Gemini routes answer 503 UNAVAILABLE while Loopgate is paused', async () => {
    setup.gw.app.setPaused(true);
    try {
      const response = await post('/v1beta/models/gpt-test:generateContent', hello, { 'x-goog-api-key': setup.key });
      expect(response.status).toBe(503);
      expect((await read(response)).error.status).toBe('UNAVAILABLE');
    } finally {
      setup.gw.app.setPaused(false);
    }
  });
});

describe('the JSON-array stream (streamGenerateContent without alt=sse)', () => {
  it.each(['gpt-test', 'gemini-test'])('%s: one JSON array of responses', async (model) => {
    const response = await post(`/v1beta/models/${model}:streamGenerateContent`, hello, { 'x-goog-api-key': setup.key });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const items = (await read(response)) as Array<{ candidates: Array<{ content: { parts: Array<{ text?: string }> }; finishReason?: string }>; usageMetadata?: unknown }>;
    expect(items.length).toBeGreaterThan(1);
    expect(items.flatMap((i) => i.candidates[0]!.content.parts.map((p) => p.text ?? '')).join('')).toContain('hi there');
    expect(items.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
    expect(items.at(-1)?.usageMetadata).toBeTruthy();
  });
});

describe('models, in the caller’s dialect', () => {
  it('/v1beta/models and /v1beta/models/{model} in Gemini’s shape', async () => {
    const list = await read(await fetch(`${setup.gw.url}/v1beta/models`, { headers: { 'x-goog-api-key': setup.key } }));
    expect(list.models).toContainEqual(expect.objectContaining({ name: 'models/gpt-test', supportedGenerationMethods: expect.arrayContaining(['generateContent']) }));
    const one = await sdk().models.get({ model: 'gemini-test' });
    expect(one.name).toBe('models/gemini-test');
  });

  it('/v1/models in Anthropic’s shape when anthropic-version is sent, OpenAI’s otherwise', async () => {
    const anthropic = await read(await fetch(`${setup.gw.url}/v1/models`, { headers: { 'x-api-key': setup.key, 'anthropic-version': '2023-06-01' } }));
    expect(anthropic).toMatchObject({ has_more: false, first_id: anthropic.data[0].id, last_id: anthropic.data.at(-1).id });
    expect(anthropic.data).toContainEqual({ type: 'model', id: 'claude-test', display_name: 'claude-test', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const openaiShape = await read(await fetch(`${setup.gw.url}/v1/models`, { headers: { authorization: `Bearer ${setup.key}` } }));
    expect(openaiShape.object).toBe('list');
    expect(openaiShape.data[0]).toMatchObject({ object: 'model' });
  });
});

describe('accounting', () => {
  it('Gemini calls count against the virtual key; countTokens is logged with its model', async () => {
    await expect.poll(async () => (await setup.gw.manage('GET', `/key/info?key=${setup.token}`)).body.info.usage.total_tokens).toBeGreaterThan(0);
    const counted = setup.gw.logger.records.filter((r) => r.msg === 'request' && String(r.path).endsWith(':countTokens'));
    expect(counted.length).toBeGreaterThan(0);
    expect(counted.every((r) => typeof r.model === 'string' && r.model)).toBe(true);
    const streamed = setup.gw.logger.records.find((r) => r.msg === 'request' && String(r.path).endsWith(':streamGenerateContent') && r.model === 'gpt-test');
    expect(streamed).toMatchObject({ stream: true, key: expect.any(String) });
    expect(Number(streamed!.total_tokens)).toBeGreaterThan(0);
  });
});
