// Spend that cannot slip past a key's limits (issue 21): a client that leaves mid-stream pays
// for its prompt and what was streamed, parallel requests cannot overspend a budget, and
// per-model limits hold whatever alias the client names the model by.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicModel, openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let upstream: MockUpstream;
let claude: MockAnthropic;
let gw: TestGateway;

/** $0.001 a token either way: a 2,000-token prompt costs about $2. */
const PRICED = '\n      input_cost_per_token: 0.001\n      output_cost_per_token: 0.001';
/** About 2,000 tokens (the mocks count words; the tokenizer, one token a word here). */
const LONG_PROMPT = 'word '.repeat(2000).trim();
/** A request of about $2: 1,000 prompt tokens, and the mock's reply echoes them. */
const TWO_DOLLARS = 'word '.repeat(1000).trim();
const TWO_DOLLAR_COST = (1000 + 1003) * 0.001;

function pricedClaude(name: string): string {
  return `${anthropicModel(name, 'claude-sonnet-4-5', claude.url)}${PRICED}`;
}

beforeAll(async () => {
  [upstream, claude] = await Promise.all([startMockOpenAI(), startMockAnthropic({ apiKey: 'sk-ant-upstream' })]);
  gw = await startTestGateway(`model_list:${[openaiModel('gpt-test', 'mock-gpt', upstream.apiBase, PRICED), pricedClaude('claude-test'), openaiModel('gpt-4o', 'mock-gpt', upstream.apiBase, PRICED)].join('')}
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

/** A new key's usage once its /v1/messages stream of the long prompt to `model` was left after three events. */
async function messagesLeftAfterThreeEvents(model: string): Promise<KeyUsage> {
  const { key, token } = await generate();
  const stream = new Anthropic({ apiKey: key, baseURL: gw.url, maxRetries: 0 }).messages.stream({ model, max_tokens: 4096, messages: [{ role: 'user', content: LONG_PROMPT }] });
  let events = 0;
  for await (const _event of stream) if (++events === 3) break;
  return counted(token, 1);
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
    const usage = await messagesLeftAfterThreeEvents('claude-test');
    expect(usage.usage.total_tokens).toBeGreaterThanOrEqual(2000);
    expect(usage.spend).toBeGreaterThan(1.9);
  });

  it('is charged on /v1/messages translated to an OpenAI upstream (no usage until the end there)', async () => {
    const usage = await messagesLeftAfterThreeEvents('gpt-test');
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

describe('parallel requests against a budget', () => {
  async function burst(key: string, model = 'gpt-test'): Promise<Array<{ status: number; code: string | undefined }>> {
    const answers = await Promise.all(Array.from({ length: 40 }, () => chatRaw(key, model, TWO_DOLLARS)));
    return Promise.all(answers.map(async (answer) => ({ status: answer.status, code: ((await answer.json()) as { error?: { code: string } }).error?.code })));
  }

  it('max_budget $1 and 40 parallel requests of ~$2: one is served, 39 get budget_exceeded, spend stays within one request of the budget', async () => {
    const { key, token } = await generate({ max_budget: 1 });
    const answers = await burst(key);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 400 && answer.code === 'budget_exceeded')).toHaveLength(39);
    const usage = await counted(token, 40);
    expect(usage.spend).toBeCloseTo(TWO_DOLLAR_COST, 6);
    expect(usage.spend).toBeLessThanOrEqual(1 + TWO_DOLLAR_COST);
    // Settled: nothing stays held, and the spent budget refuses the next request.
    expect((await chatRaw(key, 'gpt-test')).status).toBe(400);
  });

  it('model_max_budget the same way', async () => {
    const { key, token } = await generate({ model_max_budget: { 'gpt-test': { budget_limit: 1, time_period: '1d' } } });
    const answers = await burst(key);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(answers.filter((answer) => answer.code === 'budget_exceeded')).toHaveLength(39);
    expect((await counted(token, 40)).spend).toBeLessThanOrEqual(1 + TWO_DOLLAR_COST);
    // Another model of the same key is not held by it.
    expect((await chatRaw(key, 'gpt-4o')).status).toBe(200);
  });

  it('a hold goes when its request ends: sequential requests under the budget are all served', async () => {
    const { key } = await generate({ max_budget: 10 });
    for (let i = 0; i < 4; i++) expect((await chatRaw(key, 'gpt-test', TWO_DOLLARS)).status).toBe(200);
  });
});

describe('per-model limits through a global alias (gpt4 → gpt-4o)', () => {
  it('model_rpm_limit {gpt-4o: 1} holds whichever name the client uses', async () => {
    const { key } = await generate({ model_rpm_limit: { 'gpt-4o': 1 } });
    const statuses: number[] = [];
    for (const model of ['gpt4', 'gpt-4o', 'gpt4', 'gpt-4o', 'gpt4']) statuses.push((await chatRaw(key, model)).status);
    expect(statuses).toEqual([200, 429, 429, 429, 429]);
  });

  it('a limit set under the alias holds for the group name too', async () => {
    const { key } = await generate({ model_rpm_limit: { gpt4: 1 } });
    expect((await chatRaw(key, 'gpt-4o')).status).toBe(200);
    expect((await chatRaw(key, 'gpt4')).status).toBe(429);
    expect((await chatRaw(key, 'gpt-4o')).status).toBe(429);
  });

  it('model_max_budget {gpt-4o} counts what was spent through the alias', async () => {
    const { key } = await generate({ model_max_budget: { 'gpt-4o': { budget_limit: 0.5, time_period: '1d' } } });
    expect((await chatRaw(key, 'gpt4', TWO_DOLLARS)).status).toBe(200);
    await expect.poll(async () => (await chatRaw(key, 'gpt4')).status).toBe(400);
    const refused = await chatRaw(key, 'gpt-4o');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('budget_exceeded');
  });
});
