// Web search through an upstream that cannot search (issue 24): Loopgate offers the model a
// search function, runs the searches with the configured provider (a local SearXNG-shaped mock)
// and answers in the client's server-tool shape, streamed and not; without a provider, a 400
// that says how to set one up, never a silent 200.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import type { MockSearch } from '../helpers/mock-search.js';
import type { MockServer } from '../helpers/mock-server.js';
import { startSearchGateways, type SearchGateways } from '../helpers/search-gateways.js';

let searched: SearchGateways;
let chat: MockServer;
let searx: MockSearch;
let gw: TestGateway;
let bare: TestGateway;

beforeAll(async () => {
  searched = await startSearchGateways('search_tool_name: web');
  ({ chat, searx, withSearch: gw, without: bare } = searched);
});

afterAll(async () => {
  await searched?.close();
});

const anthropic = (url: string): Anthropic => new Anthropic({ apiKey: TEST_MASTER_KEY, baseURL: url, maxRetries: 0 });
// Claude Code's WebSearch tool asks exactly this way: the server tool, forced.
const request = {
  model: 'via-chat',
  max_tokens: 512,
  messages: [{ role: 'user' as const, content: 'Perform a web search for the query: loopgate release notes' }],
  tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 8 }],
  tool_choice: { type: 'tool' as const, name: 'web_search' },
};

function expectSearched(message: Anthropic.Message): void {
  expect(message.content.map((block) => block.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'text']);
  const [use, result, text] = message.content as [Anthropic.ServerToolUseBlock, Anthropic.WebSearchToolResultBlock, Anthropic.TextBlock];
  expect(use.input).toEqual({ query: 'loopgate release notes' });
  expect(result.tool_use_id).toBe(use.id);
  expect(result.content).toEqual(
    expect.arrayContaining([expect.objectContaining({ type: 'web_search_result', url: 'https://searxng.example/1?q=loopgate%20release%20notes', title: 'searxng result 1 for loopgate release notes' })]),
  );
  // The model read the results: it quotes the first URL back.
  expect(text.text).toBe('Found https://searxng.example/1?q=loopgate%20release%20notes');
  expect(message.usage.server_tool_use?.web_search_requests).toBe(1);
}

describe('web search through an OpenAI-chat upstream, with a search provider', () => {
  it('answers an Anthropic client with server_tool_use and web_search_tool_result blocks holding real results', async () => {
    const before = chat.requests.length;
    const { data: message, response } = await anthropic(gw.url).messages.create(request).withResponse();
    expectSearched(message);
    expect(searx.queries.at(-1)).toBe('loopgate release notes');
    // Two upstream calls (the search call, then the answer); their usage is the request's.
    const sent = chat.requests.slice(before);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.body.tool_choice).toEqual({ type: 'function', function: { name: 'web_search' } });
    expect(sent[1]!.body.messages).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'tool', content: expect.stringContaining('https://searxng.example/1') })]));
    expect(message.usage.input_tokens + message.usage.output_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-loopgate-omitted-tools')).toBeNull();
    expect(response.headers.get('x-loopgate-web-searches')).toBe('1');
  });

  it('streams the same blocks', async () => {
    const message = await anthropic(gw.url).messages.stream(request).finalMessage();
    expectSearched(message);
  });

  it('books the usage of every upstream call in the loop to the request', async () => {
    const before = chat.requests.length;
    const message = await anthropic(gw.url).messages.create(request);
    const calls = chat.requests.slice(before);
    expect(calls).toHaveLength(2);
    // The mock reports 10 completion tokens per call, and 100 prompt tokens times its call count.
    expect(message.usage.output_tokens).toBe(20);
    const promptTokens = message.usage.input_tokens;
    expect(promptTokens).toBeGreaterThan(100);
    const logged = async () => ((await gw.manage('GET', `/spend/logs?request_id=${encodeURIComponent(message.id)}`)).body as Array<{ prompt_tokens: number; completion_tokens: number }>)[0];
    await expect.poll(logged).toMatchObject({ prompt_tokens: promptTokens, completion_tokens: 20 });
  });

  it('answers a Responses client with web_search_call items', async () => {
    const response = await gw.client().responses.create({ model: 'via-chat', input: 'Search the web for loopgate pricing', tools: [{ type: 'web_search' }] });
    const call = response.output.find((item) => item.type === 'web_search_call');
    expect(call).toMatchObject({ status: 'completed', action: { type: 'search', query: 'loopgate pricing' } });
    expect(response.output_text).toBe('Found https://searxng.example/1?q=loopgate%20pricing');
  });

  it('streams a Responses answer with its web_search_call events', async () => {
    const stream = await gw.client().responses.create({ model: 'via-chat', input: 'Search the web for loopgate pricing', tools: [{ type: 'web_search_preview' }], stream: true });
    const types: string[] = [];
    let final: { output_text?: string; output: Array<{ type: string }> } | null = null;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.completed') final = event.response;
    }
    expect(types).toEqual(expect.arrayContaining(['response.web_search_call.searching', 'response.web_search_call.completed', 'response.output_text.delta']));
    expect(final?.output.map((item) => item.type)).toEqual(['web_search_call', 'message']);
  });
});

describe('web search through an OpenAI-chat upstream, without a search provider', () => {
  it('refuses with a 400 that says how to enable search, and calls no upstream', async () => {
    const before = chat.requests.length;
    const failure = await anthropic(bare.url)
      .messages.create(request)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    const error = failure as InstanceType<typeof Anthropic.BadRequestError>;
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('no search provider is set in Loopgate') } });
    expect(error.message).toContain('Providers → Web search');
    expect(chat.requests.length).toBe(before);
  });

  it('refuses a streamed request the same way, before any event', async () => {
    await expect(anthropic(bare.url).messages.stream(request).finalMessage()).rejects.toMatchObject({ status: 400 });
  });

  it('leaves out web search merely offered among other tools (Codex offers it on every turn), and says so', async () => {
    const response = await fetch(`${bare.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'via-chat', input: 'hello', tools: [{ type: 'web_search' }, { type: 'function', name: 'shell', parameters: { type: 'object', properties: {} } }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-loopgate-omitted-tools')).toBe('web_search');
    const body = (await response.json()) as { output: Array<{ type: string }> };
    expect(body.output.map((item) => item.type)).toEqual(['message']);
  });

  it('still answers requests without a web-search tool', async () => {
    const message = await anthropic(bare.url).messages.create({ model: 'via-chat', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'No search needed.' }]);
  });
});
