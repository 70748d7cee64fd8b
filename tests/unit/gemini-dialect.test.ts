// The Gemini dialect's translation, piece by piece: a generateContent request said in the
// chat pivot, a chat completion and a chat stream said back as Gemini responses (both stream
// framings), natively relayed streams, and Google's error shape.
import { describe, expect, it } from 'vitest';
import { chatCompletion, chunkMaker, usageOf, type ChatChunk } from '../../electron/core/chat.js';
import { GatewayError } from '../../electron/core/errors.js';
import { geminiArrayDialect, geminiSseDialect, geminiToChat } from '../../electron/dialects/gemini/index.js';
import { jsonSchemaOf } from '../../electron/dialects/gemini/request.js';

type Json = Record<string, unknown>;

const PNG = 'iVBORw0KGgo=';
const base = (extra: Json = {}): Json => ({ model: 'm', contents: [{ role: 'user', parts: [{ text: 'hi' }] }], ...extra });
const refusal = (body: Json): GatewayError => {
  try {
    geminiToChat(body);
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error('expected a refusal');
};

describe('generateContent request → chat', () => {
  it('systemInstruction (object or string), user and model turns, the model and stream flag', () => {
    const { chat } = geminiToChat({
      model: 'gpt-test',
      stream: true,
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: ' Really.' }] },
      contents: [{ role: 'user', parts: [{ text: 'one ' }, { text: 'two' }] }, { role: 'model', parts: [{ text: 'thinking…', thought: true }, { text: 'three' }] }, { parts: [{ text: 'four' }] }],
    });
    expect(chat).toEqual({
      model: 'gpt-test',
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief. Really.' },
        { role: 'user', content: 'one two' },
        { role: 'assistant', content: 'three' },
        { role: 'user', content: 'four' },
      ],
    });
    expect(geminiToChat(base({ systemInstruction: 'Plain.' })).chat.messages[0]).toEqual({ role: 'system', content: 'Plain.' });
  });

  it('inline images and image fileData become image parts, in order with the text', () => {
    const { chat } = geminiToChat(
      base({
        contents: [{ role: 'user', parts: [{ text: 'look: ' }, { inlineData: { mimeType: 'image/png', data: PNG } }, { text: 'and' }, { fileData: { mimeType: 'image/jpeg', fileUri: 'https://x.test/a.jpg' } }] }],
      }),
    );
    expect(chat.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look: ' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'text', text: 'and' },
          { type: 'image_url', image_url: { url: 'https://x.test/a.jpg' } },
        ],
      },
    ]);
  });

  it('refuses what a chat upstream cannot take, naming the field', () => {
    expect(refusal(base({ contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'application/pdf', data: 'JVBER' } }] }] })).param).toBe('contents[0].parts[0]');
    expect(refusal(base({ contents: [{ role: 'user', parts: [{ executableCode: { code: '1' } }] }] })).param).toBe('contents[0].parts[0].executableCode');
    expect(refusal(base({ contents: [{ role: 'system', parts: [{ text: 'x' }] }] })).param).toBe('contents[0].role');
    expect(refusal(base({ contents: [{ role: 'user', parts: [{ functionCall: { name: 'f' } }] }] })).param).toBe('contents[0].parts[0]');
    expect(refusal(base({ generationConfig: { candidateCount: 2 } })).param).toBe('generationConfig.candidateCount');
    expect(refusal({ model: 'm' }).param).toBe('contents');
    expect(refusal(base({ contents: [{ role: 'user' }] })).param).toBe('contents[0].parts');
  });

  it('function calls get ids; responses find their call by id, else the oldest open call of that name, and come before new user text', () => {
    const { chat } = geminiToChat(
      base({
        contents: [
          { role: 'user', parts: [{ text: 'weather in Paris and Rome?' }] },
          {
            role: 'model',
            parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_weather', args: { city: 'Rome' } } }, { functionCall: { id: 'fc-7', name: 'get_time', args: {} } }],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_time', id: 'fc-7', response: { time: 'noon' } } },
              { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
              { functionResponse: { name: 'get_weather', response: { temp: 18 } } },
              { text: 'thanks' },
            ],
          },
        ],
      }),
    );
    const [, assistant, time, paris, rome, user] = chat.messages;
    expect(assistant).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_0_get_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_1_get_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        { id: 'fc-7', type: 'function', function: { name: 'get_time', arguments: '{}' } },
      ],
    });
    expect(time).toEqual({ role: 'tool', tool_call_id: 'fc-7', content: '{"time":"noon"}' });
    expect(paris).toEqual({ role: 'tool', tool_call_id: 'call_0_get_weather', content: '{"temp":21}' });
    expect(rome).toEqual({ role: 'tool', tool_call_id: 'call_1_get_weather', content: '{"temp":18}' });
    expect(user).toEqual({ role: 'user', content: 'thanks' });
  });

  it('tools: declarations as JSON Schema (Gemini types lower-cased, nullable as a type list), Google tools left out; toolConfig modes', () => {
    const declarations = [
      {
        name: 'a',
        description: 'A',
        parameters: {
          type: 'OBJECT',
          properties: { q: { type: 'STRING', nullable: true }, n: { type: 'INTEGER', format: 'int32' }, tags: { type: 'ARRAY', items: { type: 'STRING' } } },
          required: ['q'],
          propertyOrdering: ['q', 'n'],
        },
      },
      { name: 'b', parametersJsonSchema: { type: 'object', additionalProperties: false } },
      { name: 'c' },
    ];
    const { chat, omittedTools } = geminiToChat(base({ tools: [{ functionDeclarations: declarations }, { googleSearch: {} }, { codeExecution: {} }], toolConfig: { functionCallingConfig: { mode: 'ANY' } } }));
    expect(omittedTools).toEqual(['googleSearch', 'codeExecution']);
    expect(chat.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'a',
          description: 'A',
          parameters: { type: 'object', properties: { q: { type: ['string', 'null'] }, n: { type: 'integer', format: 'int32' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['q'] },
        },
      },
      { type: 'function', function: { name: 'b', parameters: { type: 'object', additionalProperties: false } } },
      { type: 'function', function: { name: 'c', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(chat.tool_choice).toBe('required');
    const choice = (config: Json): unknown => geminiToChat(base({ tools: [{ functionDeclarations: declarations }], toolConfig: { functionCallingConfig: config } })).chat.tool_choice;
    expect(choice({ mode: 'ANY', allowedFunctionNames: ['b'] })).toEqual({ type: 'function', function: { name: 'b' } });
    expect(choice({ mode: 'NONE' })).toBe('none');
    expect(choice({ mode: 'AUTO' })).toBe('auto');
    expect(choice({})).toBeUndefined();
    // A property named "type" is a property, not a type keyword.
    expect(jsonSchemaOf({ type: 'OBJECT', properties: { type: { type: 'STRING' } } })).toEqual({ type: 'object', properties: { type: { type: 'string' } } });
  });

  it('generationConfig: sampling, stop, penalties, seed; topK and safetySettings left out', () => {
    const { chat } = geminiToChat(
      base({
        generationConfig: { temperature: 0.3, topP: 0.9, topK: 40, maxOutputTokens: 99, stopSequences: ['END'], candidateCount: 1, presencePenalty: 0.5, frequencyPenalty: 0.25, seed: 7 },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      }),
    );
    const { messages: _m, model: _model, ...rest } = chat;
    expect(rest).toEqual({ temperature: 0.3, top_p: 0.9, max_tokens: 99, stop: ['END'], presence_penalty: 0.5, frequency_penalty: 0.25, seed: 7 });
  });

  it('JSON mode: a mime type alone is json_object; with a schema it is json_schema', () => {
    const format = (config: Json): unknown => geminiToChat(base({ generationConfig: config })).chat.response_format;
    expect(format({ responseMimeType: 'application/json' })).toEqual({ type: 'json_object' });
    expect(format({ responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { a: { type: 'NUMBER' } } } })).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: { type: 'object', properties: { a: { type: 'number' } } } },
    });
    expect(format({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } })).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object' } } });
    expect(format({ responseMimeType: 'text/plain' })).toBeUndefined();
  });

  it('thinkingConfig: a budget or a level becomes a reasoning effort; dynamic (-1) and off (0) leave the default', () => {
    const effort = (thinkingConfig: Json): unknown => geminiToChat(base({ generationConfig: { thinkingConfig } })).chat.reasoning_effort;
    expect(effort({ thinkingBudget: 1024 })).toBe('low');
    expect(effort({ thinkingBudget: 4096 })).toBe('medium');
    expect(effort({ thinkingBudget: 24576, includeThoughts: true })).toBe('high');
    expect(effort({ thinkingLevel: 'HIGH' })).toBe('high');
    expect(effort({ thinkingBudget: -1 })).toBeUndefined();
    expect(effort({ thinkingBudget: 0 })).toBeUndefined();
  });
});

describe('chat → generateContent response', () => {
  const completion = chatCompletion({
    id: 'chatcmpl-1',
    model: 'gpt',
    text: 'It is sunny.',
    reasoning: 'Look it up.',
    toolCalls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    finish: 'tool_calls',
    usage: usageOf(10, 20, 4, 6),
  });

  it('parts (thought, text, function call with its id), STOP, usage with thoughts apart', () => {
    expect(geminiSseDialect.fromChat(completion, { model: 'gpt-test' })).toEqual({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'Look it up.', thought: true }, { text: 'It is sunny.' }, { functionCall: { id: 'call_9', name: 'get_weather', args: { city: 'Paris' } } }] },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 14, totalTokenCount: 30, thoughtsTokenCount: 6, cachedContentTokenCount: 4 },
      modelVersion: 'gpt-test',
      responseId: 'chatcmpl-1',
    });
  });

  it.each([
    ['length', 'MAX_TOKENS'],
    ['content_filter', 'SAFETY'],
    ['stop', 'STOP'],
  ] as const)('finish %s → %s', (finish, reason) => {
    const done = chatCompletion({ id: 'x', model: 'gpt', text: 'a', reasoning: '', toolCalls: [], finish });
    expect((geminiSseDialect.fromChat(done, { model: 'm' }).candidates as Json[])[0]!.finishReason).toBe(reason);
  });
});

function chatStream(): ChatChunk[] {
  const make = chunkMaker('gpt', 1);
  return [
    make('c1', { role: 'assistant', content: '' }),
    make('c1', { reasoning_content: 'hmm' }),
    make('c1', { content: 'Hel' }),
    make('c1', { content: 'lo' }),
    make('c1', { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
    make('c1', { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    make('c1', { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
    make('c1', {}, 'tool_calls'),
    { ...make('c1', {}), choices: [], usage: usageOf(5, 7) },
  ];
}

const sseData = (text: string): Json[] =>
  text
    .split('\r\n\r\n')
    .filter(Boolean)
    .map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      return JSON.parse(event.slice('data: '.length)) as Json;
    });

describe('chat stream → Gemini stream', () => {
  it('SSE: text and thoughts as they come; the function call whole, with finish and usage, at the end', () => {
    const encoder = geminiSseDialect.streamEncoder({ model: 'gpt-test' });
    const pushed = chatStream().map((chunk) => encoder.push(chunk));
    expect(pushed[0]).toBe('');
    const events = sseData(pushed.join('') + encoder.end());
    const parts = events.map((e) => ((e.candidates as Json[])[0]!.content as { parts: Json[] }).parts);
    expect(parts).toEqual([[{ text: 'hmm', thought: true }], [{ text: 'Hel' }], [{ text: 'lo' }], [{ functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } } }]]);
    expect(events.at(-1)).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 7, totalTokenCount: 12 }, modelVersion: 'gpt-test', responseId: 'c1' });
    expect(events.slice(0, -1).every((e) => !(e.candidates as Json[])[0]!.finishReason)).toBe(true);
    expect(encoder.usage).toEqual({ promptTokens: 5, completionTokens: 7, totalTokens: 12 });
  });

  it('JSON array: the same responses as one array; an empty stream is still an array', () => {
    const encoder = geminiArrayDialect.streamEncoder({ model: 'gpt-test' });
    const text =
      chatStream()
        .map((chunk) => encoder.push(chunk))
        .join('') + encoder.end();
    expect(text.startsWith('[{')).toBe(true);
    const items = JSON.parse(text) as Json[];
    expect(items).toHaveLength(4);
    expect(items.at(-1)).toMatchObject({ candidates: [{ finishReason: 'STOP' }] });
    const empty = geminiArrayDialect.streamEncoder({ model: 'x' });
    expect(JSON.parse(empty.end())).toHaveLength(1);
    expect(geminiArrayDialect.streamContentType).toContain('application/json');
    expect(geminiSseDialect.streamContentType).toBeUndefined();
  });
});

describe('native relay', () => {
  const upstreamSse = [
    { candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, index: 0 }] },
    { candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, thoughtsTokenCount: 2, totalTokenCount: 6 } },
  ]
    .map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`)
    .join('');

  it('the body as the client sent it, without the fields taken from the URL', () => {
    expect(JSON.parse(geminiSseDialect.nativeBody({ model: 'x', stream: true, alt: 'sse', contents: [], safetySettings: [] }, 'upstream-model', null))).toEqual({ contents: [], safetySettings: [] });
  });

  it('SSE passes byte for byte, usage read on the side (thoughts count as output)', () => {
    const scanner = geminiSseDialect.nativeStreamScanner({});
    const bytes = Buffer.from(upstreamSse);
    const split = 40;
    const out = [scanner.push(bytes.subarray(0, split)), scanner.push(bytes.subarray(split)), scanner.end()].map(String).join('');
    expect(out).toBe(upstreamSse);
    expect(scanner.usage).toEqual({ promptTokens: 3, completionTokens: 3, totalTokens: 6 });
  });

  it('re-framed as a JSON array when the client asked without alt=sse', () => {
    const scanner = geminiArrayDialect.nativeStreamScanner({});
    const out = [scanner.push(Buffer.from(upstreamSse)), scanner.end()].map(String).join('');
    expect(JSON.parse(out)).toHaveLength(2);
    expect(scanner.usage?.totalTokens).toBe(6);
  });

  it('usage of a whole response', () => {
    expect(geminiSseDialect.nativeUsage({ usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 5, totalTokenCount: 9 } })).toEqual({ promptTokens: 4, completionTokens: 5, totalTokens: 9 });
    expect(geminiSseDialect.nativeUsage({})).toBeNull();
  });
});

describe("Google's error shape", () => {
  it.each([
    ['invalid_request', 400, 'INVALID_ARGUMENT'],
    ['authentication', 401, 'UNAUTHENTICATED'],
    ['permission', 403, 'PERMISSION_DENIED'],
    ['model_not_found', 404, 'NOT_FOUND'],
    ['rate_limit', 429, 'RESOURCE_EXHAUSTED'],
    ['budget_exceeded', 400, 'RESOURCE_EXHAUSTED'],
    ['internal', 500, 'INTERNAL'],
    ['upstream', 502, 'UNAVAILABLE'],
    ['unavailable', 503, 'UNAVAILABLE'],
    ['timeout', 504, 'DEADLINE_EXCEEDED'],
  ] as const)('%s → %i %s', (code, status, name) => {
    expect(JSON.parse(geminiSseDialect.errorBody(new GatewayError(code, 'why')))).toEqual({ error: { code: status, message: 'why', status: name } });
  });

  it("an upstream's error (any dialect) keeps its message and takes the status's name", () => {
    const anthropic = JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(JSON.parse(geminiSseDialect.upstreamErrorBody(503, anthropic))).toEqual({ error: { code: 503, message: 'Overloaded', status: 'UNAVAILABLE' } });
    expect(JSON.parse(geminiSseDialect.upstreamErrorBody(429, 'slow down'))).toEqual({ error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } });
  });

  it('a stream that fails after it started ends with the error in its own framing', () => {
    const error = new GatewayError('upstream', 'gone');
    expect(geminiSseDialect.streamErrorEvent(error)).toBe(`data: ${geminiSseDialect.errorBody(error)}\r\n\r\n`);
    expect(JSON.parse(`[{}${geminiArrayDialect.streamErrorEvent(error)}`)).toEqual([{}, { error: { code: 502, message: 'gone', status: 'UNAVAILABLE' } }]);
  });
});
