// The Responses API (Codex CLI's only dialect) through the official `openai` client, against a
// chat-only upstream (translated) and a Responses-capable one (native relay).
import type OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { specErrors } from '../helpers/openapi.js';

let upstream: MockUpstream;
let gw: TestGateway;
let client: OpenAI;
/** The gateway's clock runs this far ahead, for kept conversations to lapse. */
let offsetMs = 0;

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(
    `model_list:${[openaiModel('chat-only', 'mock-gpt', upstream.apiBase), openaiModel('native-responses', 'mock-responses', upstream.apiBase, '\n    model_info:\n      mode: responses')].join('')}`,
    { clock: () => Date.now() + offsetMs },
  );
  client = gw.client();
});

afterEach(() => {
  offsetMs = 0;
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('responses → chat-only upstream (translated)', () => {
  it('answers a plain request with output_text and usage', async () => {
    const response = await client.responses.create({ model: 'chat-only', instructions: 'Be brief.', input: 'say hi' });
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Hello from mock: say hi');
    expect(response.usage).toMatchObject({ input_tokens: 2, output_tokens: 5, total_tokens: 7 });
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'say hi' },
    ]);
    expect(specErrors('CreateChatCompletionRequest', sent.body)).toEqual([]);
  });

  it('streams a function call with the Responses event sequence', async () => {
    const stream = client.responses.stream({ model: 'chat-only', input: [{ role: 'user', content: 'weather in Paris?' }], tools: [weather] });
    const types: string[] = [];
    let argumentDeltas = '';
    stream.on('event', (event) => {
      types.push(event.type);
      if (event.type === 'response.function_call_arguments.delta') argumentDeltas += event.delta;
    });
    const final = await stream.finalResponse();
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_item.added');
    expect(types).toContain('response.function_call_arguments.delta');
    expect(types.at(-1)).toBe('response.completed');
    const call = final.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', call_id: 'call_1', name: 'get_weather' });
    expect(JSON.parse((call as { arguments: string }).arguments)).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(argumentDeltas).toBe((call as { arguments: string }).arguments);
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
    expect(specErrors('CreateChatCompletionRequest', upstream.requests.at(-1)?.body)).toEqual([]);
  });

  it('continues a conversation with previous_response_id, kept locally', async () => {
    const first = await client.responses.create({ model: 'chat-only', input: 'weather?', tools: [weather] });
    const call = first.output.find((item) => item.type === 'function_call') as { call_id: string };
    const second = await client.responses.create({
      model: 'chat-only',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '18C' }],
      tools: [weather],
    });
    expect(second.status).toBe('completed');
    const sent = upstream.requests.at(-1)!.body!;
    expect(sent.messages).toEqual([
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '18C' },
    ]);
    expect(specErrors('CreateChatCompletionRequest', sent)).toEqual([]);
    await expect(client.responses.create({ model: 'chat-only', previous_response_id: 'resp_unknown', input: 'x' })).rejects.toMatchObject({
      status: 400,
      param: 'previous_response_id',
    });
  });

  it('refuses to continue a conversation more than an hour old, saying so', async () => {
    const first = await client.responses.create({ model: 'chat-only', input: 'remember me' });
    offsetMs = 59 * 60_000;
    await expect(client.responses.create({ model: 'chat-only', previous_response_id: first.id, input: 'still there?' })).resolves.toMatchObject({ status: 'completed' });
    offsetMs = 61 * 60_000;
    await expect(client.responses.create({ model: 'chat-only', previous_response_id: first.id, input: 'and now?' })).rejects.toMatchObject({
      status: 400,
      param: 'previous_response_id',
      message: expect.stringContaining('keeps conversations for an hour'),
    });
  });

  it('flattens namespaces and custom tools, and leaves out hosted tools with a header', async () => {
    const response = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'chat-only',
        input: 'patch it',
        tools: [{ type: 'web_search' }, { type: 'custom', name: 'apply_patch', description: 'Apply a patch' }, { type: 'namespace', name: 'files', tools: [{ ...weather, name: 'read_file' }] }],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-loopgate-omitted-tools')).toBe('web_search');
    const sentTools = (upstream.requests.at(-1)!.body!.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);
    expect(sentTools).toEqual(['apply_patch', 'read_file']);
    const body = (await response.json()) as { output: Array<Record<string, unknown>> };
    // The upstream called the first tool: the client sees it as the custom tool it offered.
    expect(body.output[0]).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', call_id: 'call_1' });
  });
});

describe('responses → Responses-capable upstream (native relay)', () => {
  it('passes a plain request through with only the model changed', async () => {
    const response = await client.responses.create({ model: 'native-responses', input: 'hello native', store: false });
    expect(response.output_text).toBe('Hello from responses mock: hello native');
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe('/v1/responses');
    expect(sent.body).toEqual({ model: 'mock-responses', input: 'hello native', store: false });
  });

  it('streams a function call through untouched and counts its usage', async () => {
    const final = await client.responses.stream({ model: 'native-responses', input: [{ role: 'user', content: 'weather now' }], tools: [weather] }).finalResponse();
    expect(final.output[0]).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Paris"}' });
    await expect.poll(() => gw.logger.records.find((r) => r.msg === 'request' && r.model === 'native-responses' && r.stream && r.total_tokens === 6)).toBeTruthy();
  });
});
