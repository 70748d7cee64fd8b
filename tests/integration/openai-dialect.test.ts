// The OpenAI dialect end to end: the official `openai` client → gateway → mock upstream.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream, type RecordedRequest } from '../helpers/mock-openai.js';
import { specErrors } from '../helpers/openapi.js';

let upstream: MockUpstream;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startMockOpenAI({ apiKey: 'sk-upstream-secret' });
  const base = upstream.apiBase;
  gw = await startTestGateway(`
model_list:${[
    openaiModel('gpt-test', 'mock-gpt', base),
    openaiModel('embed-test', 'text-embedding-mock', base),
    openaiModel('broken-429', 'fail-429', base),
    openaiModel('broken-500', 'fail-500', base),
    openaiModel('broken-text', 'fail-text-502', base),
    openaiModel('dropper', 'drop-mid-stream', base),
    openaiModel('pauser', 'pause-stream', base),
    openaiModel('sleepy', 'slow-3000', base, '\n      timeout: 0.3'),
    openaiModel('nowhere', 'mock-gpt', 'http://127.0.0.1:1/v1'),
  ].join('')}
`);
  client = gw.client();
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

function lastUpstreamRequest(): RecordedRequest {
  const last = upstream.requests.at(-1);
  if (!last) throw new Error('the upstream received no request');
  return last;
}

async function rawPost(path: string, body: string, key: string | null = TEST_MASTER_KEY): Promise<Response> {
  return fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
}

describe('models', () => {
  it('lists the configured model names in OpenAI list shape', async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-test', 'embed-test']));
    expect(page.data[0]).toMatchObject({ object: 'model', owned_by: 'openai' });
    expect(await client.models.retrieve('gpt-test')).toMatchObject({ id: 'gpt-test', object: 'model' });
    // A trailing slash lists them too (it read as a model named "").
    const slashed = await fetch(`${gw.url}/v1/models/`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
    expect(slashed.status).toBe(200);
    expect(((await slashed.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(ids);
  });
});

describe('chat completions', () => {
  it('answers a plain chat, mapping the model and using the configured upstream key', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'say hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello from mock: say hi');
    expect(completion.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
    const sent = lastUpstreamRequest();
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body?.model).toBe('mock-gpt');
    expect(sent.headers.authorization).toBe('Bearer sk-upstream-secret');
    expect(JSON.stringify(sent.headers)).not.toContain(TEST_MASTER_KEY);
    expect(specErrors('CreateChatCompletionRequest', sent.body)).toEqual([]);
  });

  it('streams chunk by chunk and hides the usage chunk the client did not ask for', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.choices.length).toBeGreaterThan(0);
      expect(chunk.usage ?? null).toBeNull();
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Hello from mock: stream please');
    expect(chunks).toBeGreaterThan(3);
    const sent = lastUpstreamRequest();
    expect(sent.body?.stream_options).toEqual({ include_usage: true });
    expect(specErrors('CreateChatCompletionRequest', sent.body)).toEqual([]);
    // The gateway still counted the tokens it hid.
    await expect.poll(() => gw.logger.records.find((r) => r.msg === 'request' && r.model === 'gpt-test' && r.stream && r.total_tokens === 7)).toBeTruthy();
  });

  it('passes the usage chunk through when the client asks for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'count me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
  });

  it('streams tool calls with arguments keyed by index', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        },
      ],
      stream: true,
    });
    const calls = new Map<number, { name: string; args: string }>();
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const call of choice?.delta.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { name: '', args: '' };
        entry.name += call.function?.name ?? '';
        entry.args += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
      finish = choice?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(calls.get(0)?.name).toBe('get_weather');
    expect(JSON.parse(calls.get(0)?.args ?? '')).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(specErrors('CreateChatCompletionRequest', lastUpstreamRequest().body)).toEqual([]);
  });

  it('delivers the first chunks before the upstream has finished (never buffers)', async () => {
    const stream = await client.chat.completions.create({
      model: 'pauser',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
    });
    // The upstream sends two events, then holds the rest until released.
    await expect.poll(() => upstream.pausedStreams).toBe(1);
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    upstream.releaseStreams();
    let rest = '';
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      rest += next.value.choices[0]?.delta.content ?? '';
    }
    expect(rest).toContain('three');
  });

  it('aborts the upstream request when the client disconnects', async () => {
    const before = upstream.abandonedStreams;
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'pauser', messages: [{ role: 'user', content: 'bye' }], stream: true }, { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect.poll(() => upstream.abandonedStreams).toBe(before + 1);
  });

  it('ends a stream that breaks mid-way with an OpenAI error event', async () => {
    const stream = await client.chat.completions.create({
      model: 'dropper',
      messages: [{ role: 'user', content: 'a b c d e f' }],
      stream: true,
    });
    const consume = async (): Promise<void> => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow(/upstream/i);
  });
});

describe('completions and embeddings', () => {
  it('completes text, plain and streamed', async () => {
    const completion = await client.completions.create({ model: 'gpt-test', prompt: 'the sky is' });
    expect(completion.choices[0]?.text).toBe(' completed: the sky is');
    expect(specErrors('CreateCompletionRequest', lastUpstreamRequest().body)).toEqual([]);
    const stream = await client.completions.create({ model: 'gpt-test', prompt: 'the sky is', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(' completed: the sky is');
    expect(specErrors('CreateCompletionRequest', lastUpstreamRequest().body)).toEqual([]);
  });

  it('embeds a batch of inputs', async () => {
    const result = await client.embeddings.create({ model: 'embed-test', input: ['hello world', 'bye'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[1]?.index).toBe(1);
    expect(result.data[1]?.embedding).toEqual([0.5, 0.25, 3]);
    expect(result.usage.prompt_tokens).toBe(3);
    expect(lastUpstreamRequest().body?.model).toBe('text-embedding-mock');
    expect(specErrors('CreateEmbeddingRequest', lastUpstreamRequest().body)).toEqual([]);
  });
});

describe('errors', () => {
  it('rejects a missing or wrong key with 401 in OpenAI shape', async () => {
    await expect(gw.client('sk-wrong').models.list()).rejects.toMatchObject({ status: 401, code: 'authentication' });
    const missing = await fetch(`${gw.url}/v1/models`);
    expect(missing.status).toBe(401);
    const body = (await missing.json()) as { error: Record<string, unknown> };
    expect(body.error).toEqual({
      message: expect.stringContaining('Authorization: Bearer'),
      type: 'authentication_error',
      param: null,
      code: 'authentication',
    });
  });

  it('names an unknown model in a 404', async () => {
    const failure = client.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] });
    await expect(failure).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(failure).rejects.toMatchObject({ code: 'model_not_found', message: expect.stringContaining('gpt-nope') });
  });

  it('keeps an upstream 429 and its retry-after', async () => {
    const response = await rawPost('/v1/chat/completions', JSON.stringify({ model: 'broken-429', messages: [{ role: 'user', content: 'x' }] }));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
  });

  it('keeps an upstream 500 with its OpenAI-shaped body', async () => {
    const failure = client.chat.completions.create({ model: 'broken-500', messages: [{ role: 'user', content: 'x' }] });
    await expect(failure).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(failure).rejects.toMatchObject({ status: 500, code: 'server_error' });
  });

  it('wraps a non-JSON upstream error in OpenAI shape, keeping the status', async () => {
    const response = await rawPost('/v1/chat/completions', JSON.stringify({ model: 'broken-text', messages: [{ role: 'user', content: 'x' }] }));
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('upstream');
    expect(body.error.message).toContain('Bad Gateway');
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const response = await rawPost('/v1/chat/completions', '{"model": "gpt-test", "messages": [');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });

  it('names a missing field', async () => {
    const response = await rawPost('/v1/chat/completions', JSON.stringify({ model: 'gpt-test' }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({ code: 'missing_field', param: 'messages', message: '"messages" is missing from the request.' });
    // Said in words that fit every field (it read 'needs a "input" field').
    const responses = await rawPost('/v1/responses', JSON.stringify({ model: 'gpt-test' }));
    expect(responses.status).toBe(400);
    expect(((await responses.json()) as { error: unknown }).error).toMatchObject({ code: 'missing_field', param: 'input', message: '"input" is missing from the request.' });
  });

  it('reports an unreachable upstream as 502 and a slow one as 504', async () => {
    const ask = (model: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] });
    await expect(ask('nowhere')).rejects.toMatchObject({ status: 502, code: 'upstream_unreachable' });
    await expect(ask('sleepy')).rejects.toMatchObject({ status: 504, code: 'timeout' });
  });
});

describe('routes, headers and observability', () => {
  it('answers the same routes without the /v1 prefix', async () => {
    const models = await fetch(`${gw.url}/models`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
    expect(models.status).toBe(200);
    const chat = await rawPost('/chat/completions', JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }));
    expect(((await chat.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe('Hello from mock: hi');
  });

  it('puts x-request-id on every response, success or error', async () => {
    const ok = await client.models.list().withResponse();
    expect(ok.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await fetch(`${gw.url}/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes Prometheus metrics to the master key, and health probes without a key', async () => {
    await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'metrics' }] });
    const metrics = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } })).text();
    expect(metrics).toMatch(/loopgate_requests_total\{model="gpt-test",status="200"\} \d+/);
    expect(metrics).toMatch(/loopgate_tokens_total\{model="gpt-test",kind="prompt"\} \d+/);
    expect(metrics).toContain('loopgate_request_duration_seconds_bucket');
    expect(metrics).toMatch(/loopgate_requests_total\{model="other",status="404"\}/);
    expect((await fetch(`${gw.url}/health/liveliness`)).status).toBe(200);
    expect(await (await fetch(`${gw.url}/health/readiness`)).json()).toMatchObject({ status: 'healthy', state: 'ready' });
  });

  it('logs one structured line per request and never a secret', async () => {
    const lines = gw.logger.records.filter((r) => r.msg === 'request');
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.find((r) => r.model === 'gpt-test' && r.status === 200)).toMatchObject({
      deployment: 'gpt-test#0',
      latency_ms: expect.any(Number),
      id: expect.any(String),
    });
    const all = JSON.stringify(gw.logger.records);
    expect(all).not.toContain('sk-upstream-secret');
    expect(all).not.toContain(TEST_MASTER_KEY);
  });
});
