// Anthropic Messages both ways: the official @anthropic-ai/sdk against an Anthropic upstream
// (native relay) and an OpenAI-compatible one (translation), and the `openai` client against
// an Anthropic upstream.
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { anthropicModel, openaiModel, TEST_MASTER_KEY } from '../helpers/gateway.js';
import { useGateway } from '../helpers/file-setup.js';
import { OVERLOADED_BODY, startMockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI } from '../helpers/mock-openai.js';
import { specErrors } from '../helpers/openapi.js';

const setup = useGateway(
  { claude: () => startMockAnthropic({ apiKey: 'sk-ant-upstream' }), openaiUpstream: () => startMockOpenAI() },
  ({ claude, openaiUpstream }) =>
    `model_list:${[
      anthropicModel('claude-test', 'claude-sonnet-4-5', claude.url),
      anthropicModel('claude-busy', 'fail-overloaded', claude.url),
      openaiModel('gpt-test', 'mock-gpt', openaiUpstream.apiBase),
      openaiModel('gpt-4o', 'mock-gpt', openaiUpstream.apiBase),
    ].join('')}`,
);

function sdk(apiKey = TEST_MASTER_KEY): Anthropic {
  return new Anthropic({ apiKey, baseURL: setup.gw.url, maxRetries: 0 });
}

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('@anthropic-ai/sdk → Anthropic upstream (native relay)', () => {
  it('streams a message; finalMessage() has the text and usage; headers pass unchanged', async () => {
    const stream = sdk().messages.stream(
      { model: 'claude-test', max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'hello there' }] },
      { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } },
    );
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from Claude mock: hello there', citations: null }].map(({ citations: _c, ...b }) => expect.objectContaining(b)));
    expect(message.usage).toMatchObject({ input_tokens: 4, output_tokens: 6 });
    const sent = setup.claude.requests.at(-1)!;
    expect(sent.body.model).toBe('claude-sonnet-4-5');
    expect(sent.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    expect(sent.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent.headers['x-api-key']).toBe('sk-ant-upstream');
    expect(sent.headers.authorization).toBeUndefined();
    await expect.poll(() => setup.gw.logger.records.find((r) => r.msg === 'request' && r.model === 'claude-test' && r.total_tokens === 10)).toBeTruthy();
  });

  it('streams a tool call; finalMessage() has the tool input', async () => {
    const message = await sdk()
      .messages.stream({ model: 'claude-test', max_tokens: 256, tools: [weatherTool], messages: [{ role: 'user', content: 'weather in Paris?' }] })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } });
  });

  it('passes upstream errors through unmodified', async () => {
    const response = await fetch(`${setup.gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_MASTER_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-01-01' },
      body: JSON.stringify({ model: 'claude-busy', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(529);
    expect(await response.text()).toBe(OVERLOADED_BODY);
    // The client's anthropic-version goes upstream unchanged.
    expect(setup.claude.requests.at(-1)?.headers['anthropic-version']).toBe('2023-01-01');
  });

  it('forwards count_tokens', async () => {
    const counted = await sdk().messages.countTokens({ model: 'claude-test', messages: [{ role: 'user', content: 'one two three' }] });
    expect(counted.input_tokens).toBe(1003);
    expect(setup.claude.requests.at(-1)?.path).toBe('/v1/messages/count_tokens');
  });

  it('count_tokens admits a key as chat does: its alias "fast" for gpt-4o counts (Anthropic and Gemini), a model it may not use is refused', async () => {
    const created = await setup.gw.manage('POST', '/key/generate', { models: ['fast'], aliases: { fast: 'gpt-4o' } });
    const key: string = created.body.key;
    const message = await sdk(key).messages.create({ model: 'fast', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.type).toBe('message');
    const counted = await sdk(key).messages.countTokens({ model: 'fast', messages: [{ role: 'user', content: 'one two three' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const gemini = await fetch(`${setup.gw.url}/v1beta/models/fast:countTokens`, {
      method: 'POST',
      headers: { 'x-goog-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'one two three' }] }] }),
    });
    expect(gemini.status).toBe(200);
    expect(((await gemini.json()) as { totalTokens: number }).totalTokens).toBeGreaterThan(0);
    await expect(sdk(key).messages.countTokens({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 403 });
  });
});

describe('@anthropic-ai/sdk → OpenAI-compatible upstream (translated)', () => {
  it('creates a message', async () => {
    const message = await sdk().messages.create({ model: 'gpt-test', max_tokens: 100, system: 'Be kind.', messages: [{ role: 'user', content: 'say hi' }] });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'gpt-test', stop_reason: 'end_turn' });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from mock: say hi' });
    expect(message.usage).toMatchObject({ input_tokens: 2, output_tokens: 5 });
    const sent = setup.openaiUpstream.requests.at(-1)!;
    expect(sent.body?.messages).toEqual([
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'say hi' },
    ]);
    expect(specErrors('CreateChatCompletionRequest', sent.body)).toEqual([]);
  });

  it('streams text; finalMessage() has the text and usage', async () => {
    const message = await sdk()
      .messages.stream({ model: 'gpt-test', max_tokens: 100, messages: [{ role: 'user', content: 'stream it' }] })
      .finalMessage();
    expect(message.content).toHaveLength(1);
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from mock: stream it' });
    expect(message.usage).toMatchObject({ input_tokens: 2, output_tokens: 5 });
    expect(message.stop_reason).toBe('end_turn');
    expect(specErrors('CreateChatCompletionRequest', setup.openaiUpstream.requests.at(-1)?.body)).toEqual([]);
  });

  it('streams a tool call and sends the tool result back', async () => {
    const client = sdk();
    const first = await client.messages.stream({ model: 'gpt-test', max_tokens: 100, tools: [weatherTool], messages: [{ role: 'user', content: 'weather?' }] }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((b) => b.type === 'tool_use');
    expect(call).toMatchObject({ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } });
    const sent = setup.openaiUpstream.requests.at(-1)!;
    expect(sent.body?.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weatherTool.input_schema } }]);

    await client.messages.create({
      model: 'gpt-test',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '18C and sunny' },
            { type: 'text', text: 'thanks' },
          ],
        },
      ],
    });
    const followUp = setup.openaiUpstream.requests.at(-1)!.body!;
    expect(followUp.messages).toEqual([
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '18C and sunny' },
      { role: 'user', content: 'thanks' },
    ]);
    expect(specErrors('CreateChatCompletionRequest', followUp)).toEqual([]);
  });

  it('counts tokens locally', async () => {
    const counted = await sdk().messages.countTokens({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello world, how are you today?' }] });
    expect(counted.input_tokens).toBeGreaterThan(8);
    expect(counted.input_tokens).toBeLessThan(20);
  });

  it('leaves out server tools the upstream cannot run, and says so', async () => {
    const response = await fetch(`${setup.gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_MASTER_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-test',
        max_tokens: 50,
        // Web search asked for is Loopgate's to run or refuse (web-search.test.ts); code execution runs at Anthropic only.
        tools: [{ type: 'code_execution_20250522', name: 'code_execution' }],
        messages: [{ role: 'user', content: 'run it' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-loopgate-omitted-tools')).toBe('code_execution');
    expect(setup.openaiUpstream.requests.at(-1)?.body?.tools).toBeUndefined();
  });

  it('answers in Anthropic error shapes', async () => {
    await expect(sdk('sk-wrong').messages.create({ model: 'gpt-test', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 401,
      error: { type: 'error', error: { type: 'authentication_error' } },
    });
    await expect(sdk().messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      error: { type: 'error', error: { type: 'not_found_error', message: expect.stringContaining('"nope"') } },
    });
    const refused = await fetch(`${setup.gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_MASTER_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', data: 'x' } }] }] }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('messages[0].content[0].type') } });
  });
});

describe('openai client → Anthropic upstream (translated)', () => {
  it('chats plain and streamed, with system prompt, default max_tokens and usage', async () => {
    const client = setup.gw.client();
    const plain = await client.chat.completions.create({
      model: 'claude-test',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi claude' },
      ],
    });
    expect(plain.choices[0]?.message.content).toBe('Hello from Claude mock: hi claude');
    expect(plain.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 });
    const sent = setup.claude.requests.at(-1)!;
    expect(sent.body).toMatchObject({ model: 'claude-sonnet-4-5', system: 'Be brief.', max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi claude' }] }] });

    const stream = await client.chat.completions.create({ model: 'claude-test', messages: [{ role: 'user', content: 'stream me' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: unknown = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('Hello from Claude mock: stream me');
    expect(usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 6 });
  });

  it('streams tool calls with arguments keyed by index', async () => {
    const stream = await setup.gw.client().chat.completions.create({
      model: 'claude-test',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: 'required',
      stream: true,
    });
    let args = '';
    let name = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call) expect(call.index).toBe(0);
      name += call?.function?.name ?? '';
      args += call?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(finish).toBe('tool_calls');
    expect(setup.claude.requests.at(-1)?.body).toMatchObject({ tool_choice: { type: 'any' }, tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] });
  });

  it('maps JSON mode to a forced tool and reasoning_effort to a thinking budget', async () => {
    const answer = await setup.gw.client().chat.completions.create({
      model: 'claude-test',
      messages: [{ role: 'user', content: 'answer as JSON' }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { answer: { type: 'number' } } } } },
      reasoning_effort: 'high',
    });
    expect(JSON.parse(answer.choices[0]?.message.content ?? '')).toEqual({ answer: 42 });
    expect((answer.choices[0]?.message as { reasoning_content?: string }).reasoning_content).toBe('Let me think about this.');
    expect(setup.claude.requests.at(-1)?.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 4096 }, tool_choice: { type: 'tool', name: 'json_tool_call' } });
  });

  it('refuses what Anthropic cannot do with a 400 naming the field', async () => {
    await expect(setup.gw.client().chat.completions.create({ model: 'claude-test', messages: [{ role: 'user', content: 'x' }], n: 2 })).rejects.toMatchObject({
      status: 400,
      param: 'n',
    });
  });
});
