// Spend that cannot slip past a key's limits (issue 21): a client that leaves mid-stream pays
// for its prompt and what was streamed, parallel requests cannot overspend a budget, and
// per-model limits hold whatever alias the client names the model by.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let upstream: MockUpstream;
let claude: MockAnthropic;
let gw: TestGateway;

/** $0.001 a token either way: a 2,000-token prompt costs about $2. */
const PRICED = '\n      input_cost_per_token: 0.001\n      output_cost_per_token: 0.001';
/** About 2,000 tokens (the mocks count words; the tokenizer, one token a word here). */
const LONG_PROMPT = 'word '.repeat(2000).trim();

function anthropicModel(name: string): string {
  return `
  - model_name: ${name}
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_base: ${claude.url}
      api_key: sk-ant-upstream${PRICED}`;
}

beforeAll(async () => {
  [upstream, claude] = await Promise.all([startMockOpenAI(), startMockAnthropic({ apiKey: 'sk-ant-upstream' })]);
  gw = await startTestGateway(`model_list:${[openaiModel('gpt-test', 'mock-gpt', upstream.apiBase, PRICED), anthropicModel('claude-test'), openaiModel('gpt-4o', 'mock-gpt', upstream.apiBase)].join('')}
router_settings:
  model_group_alias: { gpt4: gpt-4o }
`);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await claude?.close();
});

async function generate(settings: Record<string, unknown> = {}): Promise<{ key: string; token: string }> {
  const { status, body } = await gw.manage('POST', '/key/generate', settings);
  expect(status).toBe(200);
  return body;
}

interface KeyUsage {
  spend: number;
  usage: { total_requests: number; total_tokens: number };
}

async function keyUsage(token: string): Promise<KeyUsage> {
  return (await gw.manage('GET', `/key/info?key=${token}`)).body.info as KeyUsage;
}

/** Waits until the gateway has counted `requests` requests of the key, then returns its usage. */
async function counted(token: string, requests: number): Promise<KeyUsage> {
  await expect.poll(async () => (await keyUsage(token)).usage.total_requests, { timeout: 5_000 }).toBe(requests);
  return keyUsage(token);
}

function chatRaw(key: string, model: string, content = 'say hi'): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
}

describe('a client that leaves mid-stream', () => {
  it('is charged its prompt and what was streamed on /v1/chat/completions, and the tpm window counts it', async () => {
    const { key, token } = await generate({ tpm_limit: 1000 });
    const abandoned = upstream.abandonedStreams;
    const stream = await gw.client(key).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: LONG_PROMPT }], stream: true });
    let chunks = 0;
    for await (const _chunk of stream) if (++chunks === 3) break;
    // The upstream was told too: the stream stopped well before its ~2,000 events.
    await expect.poll(() => upstream.abandonedStreams).toBe(abandoned + 1);
    const usage = await counted(token, 1);
    expect(usage.usage.total_tokens).toBeGreaterThanOrEqual(2000);
    expect(usage.usage.total_tokens).toBeLessThan(2200);
    expect(usage.spend).toBeGreaterThan(1.9);
    // 2,000 tokens in the window of a 1,000-token-a-minute key: the next request waits.
    const next = await chatRaw(key, 'gpt-test');
    expect(next.status).toBe(429);
    expect(((await next.json()) as { error: { message: string } }).error.message).toContain('1000 tokens per minute');
  });

  it('is charged on /v1/messages relayed to an Anthropic upstream', async () => {
    const { key, token } = await generate();
    const stream = new Anthropic({ apiKey: key, baseURL: gw.url, maxRetries: 0 }).messages.stream({ model: 'claude-test', max_tokens: 4096, messages: [{ role: 'user', content: LONG_PROMPT }] });
    let events = 0;
    for await (const _event of stream) if (++events === 3) break;
    const usage = await counted(token, 1);
    expect(usage.usage.total_tokens).toBeGreaterThanOrEqual(2000);
    expect(usage.spend).toBeGreaterThan(1.9);
  });

  it('is charged on /v1/messages translated to an OpenAI upstream (no usage until the end there)', async () => {
    const { key, token } = await generate();
    const stream = new Anthropic({ apiKey: key, baseURL: gw.url, maxRetries: 0 }).messages.stream({ model: 'gpt-test', max_tokens: 4096, messages: [{ role: 'user', content: LONG_PROMPT }] });
    let events = 0;
    for await (const _event of stream) if (++events === 3) break;
    const usage = await counted(token, 1);
    expect(usage.usage.total_tokens).toBeGreaterThanOrEqual(2000);
    expect(usage.usage.total_tokens).toBeLessThan(2200);
    expect(usage.spend).toBeGreaterThan(1.9);
  });

  it('counts the reply streamed so far on top of the prompt', async () => {
    const { key, token } = await generate();
    const stream = await gw.client(key).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: LONG_PROMPT }], stream: true });
    let chunks = 0;
    for await (const _chunk of stream) if (++chunks === 400) break;
    const usage = await counted(token, 1);
    // The mock echoes the prompt a word an event: ~400 reply tokens were streamed, not the whole ~2,000.
    expect(usage.usage.total_tokens).toBeGreaterThan(2300);
    expect(usage.usage.total_tokens).toBeLessThan(4000);
  });
});
