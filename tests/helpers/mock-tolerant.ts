// One mock upstream that speaks every provider family's wire format (OpenAI and Azure chat,
// completions, embeddings; Anthropic Messages; Gemini generateContent; Bedrock Converse and
// ConverseStream) and never fails on what it is sent: for fuzzing and the soak, where the
// gateway's translation of odd input must meet a server that answers anyway. It counts the usage
// it reports, so spend recorded can be checked against it. Upstream models named `fail-*`, or
// every request while `setFailing(status)` is on, answer that failure (injected).
import { createServer, type ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { listenOnLoopback } from './listen.js';

type Json = Record<string, unknown>;

const MOCK_USAGE = { prompt: 7, completion: 5 };

export interface TolerantUpstream {
  url: string;
  /** Tokens the mock reported in successful answers (streams count when their usage was sent). */
  readonly reported: { requests: number; prompt: number; completion: number };
  /** The same, per upstream model. */
  readonly reportedByModel: Map<string, { requests: number; prompt: number; completion: number }>;
  /** Requests answered with an injected failure. */
  readonly injected: number;
  setFailing(status: number | null): void;
  close(): Promise<void>;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function frame(eventType: string, payload: Json): Buffer {
  return Buffer.from(
    codec.encode({
      headers: {
        ':event-type': { type: 'string', value: eventType },
        ':content-type': { type: 'string', value: 'application/json' },
        ':message-type': { type: 'string', value: 'event' },
      },
      body: fromUtf8(JSON.stringify(payload)),
    }),
  );
}

export async function startTolerantUpstream(options: { chunkDelayMs?: number } = {}): Promise<TolerantUpstream> {
  const reported = { requests: 0, prompt: 0, completion: 0 };
  const reportedByModel = new Map<string, { requests: number; prompt: number; completion: number }>();
  let injected = 0;
  let failing: number | null = null;
  const delay = options.chunkDelayMs ?? 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Json = {};
      try {
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Json;
      } catch {
        // An odd body is still answered: this mock is about the gateway, not the upstream.
      }
      const url = new URL(req.url ?? '/', 'http://mock');
      const path = decodeURIComponent(url.pathname);
      const model = typeof body.model === 'string' ? body.model : (/\/(?:models|model|deployments)\/([^/:]+)/.exec(path)?.[1] ?? 'mock');
      const failure = failing ?? (/^fail-(\d{3})/.exec(model) ? Number(/^fail-(\d{3})/.exec(model)![1]) : null);
      if (failure !== null) {
        injected++;
        return send(res, failure, { error: { message: 'injected failure', type: 'server_error' }, type: 'error' });
      }
      const stream = body.stream === true || path.includes('stream');
      const count = (completion = MOCK_USAGE.completion): void => {
        const perModel = reportedByModel.get(model) ?? { requests: 0, prompt: 0, completion: 0 };
        reportedByModel.set(model, perModel);
        for (const tally of [reported, perModel]) {
          tally.requests++;
          tally.prompt += MOCK_USAGE.prompt;
          tally.completion += completion;
        }
      };
      const words = ['Hello', ' from', ' the', ' mock', '.'];
      if (path.endsWith('/embeddings')) {
        count(0);
        return send(res, 200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], model, usage: { prompt_tokens: MOCK_USAGE.prompt, total_tokens: MOCK_USAGE.prompt } });
      }
      if (path.endsWith('/messages/count_tokens')) return send(res, 200, { input_tokens: MOCK_USAGE.prompt });
      if (path.endsWith('/messages')) {
        const usage = { input_tokens: MOCK_USAGE.prompt, output_tokens: MOCK_USAGE.completion };
        const message = { id: 'msg_1', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: words.join('') }], stop_reason: 'end_turn', stop_sequence: null, usage };
        if (!stream) {
          count();
          return send(res, 200, message);
        }
        return sse(
          res,
          delay,
          [
            ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: MOCK_USAGE.prompt, output_tokens: 0 } } }],
            ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
            ...words.map((text): [string, Json] => ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }]),
            ['content_block_stop', { type: 'content_block_stop', index: 0 }],
            ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: MOCK_USAGE.completion } }],
            ['message_stop', { type: 'message_stop' }],
          ],
          count,
        );
      }
      if (/:(generateContent|streamGenerateContent)$/.test(path)) {
        const usageMetadata = { promptTokenCount: MOCK_USAGE.prompt, candidatesTokenCount: MOCK_USAGE.completion, totalTokenCount: MOCK_USAGE.prompt + MOCK_USAGE.completion };
        const answer = (text: string, last: boolean): Json => ({
          candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
          ...(last ? { usageMetadata } : {}),
          modelVersion: model,
        });
        if (!path.endsWith('streamGenerateContent')) {
          count();
          return send(res, 200, answer(words.join(''), true));
        }
        return sse(
          res,
          delay,
          words.map((text, i): [string | null, Json] => [null, answer(text, i === words.length - 1)]),
          count,
        );
      }
      if (/\/converse(-stream)?$/.test(path)) {
        const usage = { inputTokens: MOCK_USAGE.prompt, outputTokens: MOCK_USAGE.completion, totalTokens: MOCK_USAGE.prompt + MOCK_USAGE.completion };
        if (path.endsWith('/converse')) {
          count();
          return send(res, 200, { output: { message: { role: 'assistant', content: [{ text: words.join('') }] } }, stopReason: 'end_turn', usage, metrics: { latencyMs: 1 } });
        }
        res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
        const frames = [
          frame('messageStart', { role: 'assistant' }),
          ...words.map((text) => frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } })),
          frame('contentBlockStop', { contentBlockIndex: 0 }),
          frame('messageStop', { stopReason: 'end_turn' }),
          frame('metadata', { usage, metrics: { latencyMs: 1 } }),
        ];
        return paced(res, delay, frames, count);
      }
      if (path.endsWith('/responses')) {
        const usage = { input_tokens: MOCK_USAGE.prompt, output_tokens: MOCK_USAGE.completion, total_tokens: MOCK_USAGE.prompt + MOCK_USAGE.completion };
        const response = {
          id: 'resp_1',
          object: 'response',
          status: 'completed',
          model,
          output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: words.join(''), annotations: [] }] }],
          usage,
        };
        count();
        return send(res, 200, response);
      }
      // Chat completions (OpenAI, Azure, OpenAI-compatible) and legacy completions.
      const legacy = path.endsWith('/completions') && !path.endsWith('/chat/completions');
      const usage = { prompt_tokens: MOCK_USAGE.prompt, completion_tokens: MOCK_USAGE.completion, total_tokens: MOCK_USAGE.prompt + MOCK_USAGE.completion };
      if (!stream) {
        count();
        return send(
          res,
          200,
          legacy
            ? { id: 'cmpl-1', object: 'text_completion', created: 1, model, choices: [{ index: 0, text: words.join(''), finish_reason: 'stop', logprobs: null }], usage }
            : { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: words.join('') }, finish_reason: 'stop' }], usage },
        );
      }
      const chunk = (delta: Json, finish: string | null): Json =>
        legacy
          ? { id: 'cmpl-1', object: 'text_completion', created: 1, model, choices: [{ index: 0, text: delta.content ?? '', finish_reason: finish }] }
          : { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] };
      const events: Array<[string | null, Json | string]> = [
        [null, chunk({ role: 'assistant', content: '' }, null)],
        ...words.map((content): [null, Json] => [null, chunk({ content }, null)]),
        [null, chunk({}, 'stop')],
        [null, { id: 'chatcmpl-1', object: legacy ? 'text_completion' : 'chat.completion.chunk', created: 1, model, choices: [], usage }],
        [null, '[DONE]'],
      ];
      return sse(res, delay, events, count);
    });
  });
  server.keepAliveTimeout = 60_000;
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    reported,
    reportedByModel,
    get injected() {
      return injected;
    },
    setFailing(status) {
      failing = status;
    },
    close: listening.close,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Server-sent events; `counted` runs once the usage-bearing tail has been written. */
function sse(res: ServerResponse, delayMs: number, events: Array<[string | null, Json | string]>, counted: () => void): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const parts = events.map(([event, data]) => Buffer.from(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`));
  paced(res, delayMs, parts, counted);
}

function paced(res: ServerResponse, delayMs: number, parts: Buffer[], counted: () => void): void {
  let index = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (index >= parts.length) {
      counted();
      return void res.end();
    }
    res.write(parts[index++]);
    if (delayMs > 0) setTimeout(next, delayMs);
    else setImmediate(next);
  };
  next();
}

/** model_list entries for the five provider families (m-openai … m-bedrock), each on `upstream`. */
export function familyModelEntries(upstream: TolerantUpstream): string {
  const url = upstream.url;
  return `  - model_name: m-openai
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${url}/v1, api_key: sk-up }
  - model_name: m-azure
    litellm_params: { model: azure/my-deployment, api_base: ${url}, api_key: sk-up, api_version: 2024-10-21 }
  - model_name: m-anthropic
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${url}, api_key: sk-up }
  - model_name: m-gemini
    litellm_params: { model: gemini/gemini-2.5-flash, api_base: ${url}/v1beta, api_key: sk-up }
  - model_name: m-bedrock
    litellm_params: { model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0, api_base: ${url}, aws_access_key_id: AKIDEXAMPLE, aws_secret_access_key: secret, aws_region_name: us-east-1 }`;
}
