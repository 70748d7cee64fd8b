// The `openai` client's chat (plain, streamed, tools) against every provider family, each
// upstream mocked in its own wire format; plus the Anthropic SDK and Responses against two
// of them, so every inbound dialect crosses into a translated family.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelEntry, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { startMockBedrock, startMockGemini, type MockServer } from '../helpers/mock-providers.js';

let gemini: MockServer;
let bedrock: MockServer;
let openaiLike: MockUpstream;
let anthropic: MockAnthropic;
let gw: TestGateway;

const AWS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'eu-west-1' };

beforeAll(async () => {
  gemini = await startMockGemini('gemini-key');
  bedrock = await startMockBedrock(AWS);
  openaiLike = await startMockOpenAI({ apiKey: 'azure-key' });
  anthropic = await startMockAnthropic();
  gw = await startTestGateway(
    `model_list:${[
      modelEntry('anthropic-test', { model: 'anthropic/claude-sonnet-4-5', api_base: anthropic.url }),
      modelEntry('openai-test', { model: 'openai/mock-gpt', api_base: `${openaiLike.url}/v1`, api_key: 'azure-key' }),
      modelEntry('gemini-test', { model: 'gemini/gemini-2.5-flash', api_base: `${gemini.url}/v1beta`, api_key: 'gemini-key' }),
      modelEntry('bedrock-test', {
        model: 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0',
        api_base: bedrock.url,
        aws_access_key_id: 'os.environ/AWS_ACCESS_KEY_ID',
        aws_secret_access_key: 'os.environ/AWS_SECRET_ACCESS_KEY',
        aws_region_name: AWS.region,
      }),
      modelEntry('azure-test', { model: 'azure/my-gpt-deployment', api_base: openaiLike.url, api_key: 'azure-key', api_version: '2024-10-21' }),
      modelEntry('ollama-test', { model: 'ollama/llama3.2', api_base: `${openaiLike.url}/v1`, api_key: 'azure-key' }),
    ].join('')}
`,
    { env: { AWS_ACCESS_KEY_ID: AWS.accessKeyId, AWS_SECRET_ACCESS_KEY: AWS.secretAccessKey } },
  );
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([gemini?.close(), bedrock?.close(), openaiLike?.close(), anthropic?.close()]);
});

const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false } } }];

async function streamText(model: string, content: string): Promise<{ text: string; usage: number | undefined }> {
  const stream = await gw.client().chat.completions.create({ model, messages: [{ role: 'user', content }], stream: true, stream_options: { include_usage: true } });
  let text = '';
  let usage: number | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    usage = chunk.usage?.total_tokens ?? usage;
  }
  return { text, usage };
}

async function streamToolCall(model: string): Promise<{ name: string; args: unknown; finish: string | null }> {
  const stream = await gw.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'weather?' }], tools, stream: true });
  let name = '';
  let args = '';
  let finish: string | null = null;
  for await (const chunk of stream) {
    const call = chunk.choices[0]?.delta.tool_calls?.[0];
    name += call?.function?.name ?? '';
    args += call?.function?.arguments ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  return { name, args: JSON.parse(args), finish };
}

const cases = [
  { model: 'gemini-test', reply: 'Hello from Gemini mock: hi there' },
  { model: 'bedrock-test', reply: 'Hello from Bedrock mock: hi there' },
  { model: 'azure-test', reply: 'Hello from mock: hi there' },
  { model: 'ollama-test', reply: 'Hello from mock: hi there' },
];

describe.each(cases)('openai chat → $model', ({ model, reply }) => {
  it('answers plain, with usage', async () => {
    const completion = await gw.client().chat.completions.create({
      model,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi there' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe(reply);
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams', async () => {
    const { text, usage } = await streamText(model, 'hi there');
    expect(text).toBe(reply);
    expect(usage).toBeGreaterThan(0);
  });

  it('streams a tool call', async () => {
    expect(await streamToolCall(model)).toEqual({ name: 'get_weather', args: { city: 'Paris', unit: 'celsius' }, finish: 'tool_calls' });
  });
});

describe('what each upstream received', () => {
  it('Gemini: contents, systemInstruction, cleaned function declarations, key in x-goog-api-key', () => {
    const sent = gemini.requests.find((r) => (r.body.tools as unknown[] | undefined)?.length)!;
    expect(sent.headers['x-goog-api-key']).toBe('gemini-key');
    expect(sent.body.tools).toEqual([{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] }]);
    expect(gemini.requests.find((r) => r.body.systemInstruction)?.body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
  });

  it('Bedrock: a Converse body signed with SigV4 for the configured region', () => {
    const sent = bedrock.requests.at(-1)!;
    expect(sent.path).toBe('/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream');
    expect(String(sent.headers.authorization)).toContain(`/${AWS.region}/bedrock/aws4_request`);
    expect(sent.body.toolConfig).toMatchObject({ tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] });
  });

  it('Azure: the deployment URL with api-version and the api-key header', () => {
    const sent = openaiLike.requests.find((r) => r.path.startsWith('/openai/deployments/'))!;
    expect(sent.path).toBe('/openai/deployments/my-gpt-deployment/chat/completions');
    expect(sent.headers['api-key']).toBe('azure-key');
    expect(sent.headers.authorization).toBeUndefined();
  });
});

const everyFamily = ['openai-test', 'anthropic-test', 'gemini-test', 'bedrock-test', 'azure-test', 'ollama-test'];

describe.each(everyFamily)('every inbound dialect → %s', (model) => {
  it('@anthropic-ai/sdk streams text and a tool call; finalMessage() has text, tool input and usage', async () => {
    const client = new Anthropic({ apiKey: TEST_MASTER_KEY, baseURL: gw.url, maxRetries: 0 });
    const text = await client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hi there' }] }).finalMessage();
    expect(text.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('hi there') });
    expect(text.usage.output_tokens).toBeGreaterThan(0);
    const tool = await client.messages
      .stream({ model, max_tokens: 100, tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }], messages: [{ role: 'user', content: 'weather?' }] })
      .finalMessage();
    expect(tool.stop_reason).toBe('tool_use');
    expect(tool.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } });
  });

  it('responses streams text and a function call', async () => {
    const text = await gw.client().responses.stream({ model, input: 'hi there' }).finalResponse();
    expect(text.output_text).toContain('hi there');
    const call = await gw
      .client()
      .responses.stream({ model, input: 'weather?', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: false }] })
      .finalResponse();
    expect(call.output.find((item) => item.type === 'function_call')).toMatchObject({ name: 'get_weather', arguments: JSON.stringify({ city: 'Paris', unit: 'celsius' }) });
    expect(call.usage?.total_tokens).toBeGreaterThan(0);
  });
});
