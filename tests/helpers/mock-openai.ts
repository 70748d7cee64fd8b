// A mock OpenAI-compatible upstream on 127.0.0.1, port 0. It speaks the wire format real
// servers do (JSON and SSE), records every request it gets, and misbehaves on demand by
// upstream model name:
//   fail-429 / fail-500    OpenAI-shaped error with that status (429 carries retry-after)
//   fail-text-502          a plain-text 502, as a broken proxy in front of a server sends
//   slow-<ms>              waits <ms> before answering
//   drop-mid-stream        sends two chunks, then cuts the connection
//   pause-stream           sends two chunks, then waits for releaseStreams()
//   drop-before-first-byte sends stream headers, then cuts the connection before any event
//   stall-<ms>             sends stream headers at once, the first event only after <ms>
//   fail-400 / fail-context / fail-policy   a client error, a context-window error, a content-policy error
// setFailing(status) makes every model fail with that status until setFailing(null).
// With tools offered and a user turn that mentions the weather (or a patch), it calls the
// first tool; after a tool result it answers with text quoting it.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './listen.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown> | null;
}

export interface MockUpstream {
  url: string;
  /** The `api_base` a deployment should use: `<url>/v1`. */
  apiBase: string;
  requests: RecordedRequest[];
  /** Streams whose client (the gateway) hung up before the stream ended. */
  readonly abandonedStreams: number;
  /** `pause-stream` streams currently holding back the rest of their events. */
  readonly pausedStreams: number;
  /** Lets every `pause-stream` stream finish. */
  releaseStreams(): void;
  /** Every request fails with this status (OpenAI-shaped), until called with null. */
  setFailing(status: number | null): void;
  close(): Promise<void>;
}

interface StreamControl {
  paused: Array<() => void>;
  abandoned: number;
  failing: number | null;
}

export interface MockOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Off for the benchmark: millions of recorded requests would make the mock itself stall in GC. */
  record?: boolean;
}

type Json = Record<string, unknown>;

const CREATED = 1_700_000_000;

/** A non-streamed chat completion as OpenAI answers one: one choice, with usage (for hand-written upstreams too). */
export function chatCompletion(id: string, model: string, message: Json, usage: Json, finishReason = 'stop'): Json {
  return { id, object: 'chat.completion', created: CREATED, model, choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }], usage };
}

export async function startMockOpenAI(options: MockOptions = {}): Promise<MockUpstream> {
  const requests: RecordedRequest[] = [];
  const control: StreamControl = { paused: [], abandoned: 0, failing: null };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Json | null;
      try {
        body = text ? (JSON.parse(text) as Json) : null;
      } catch {
        body = null;
      }
      const [rawPath, query = ''] = (req.url ?? '/').split('?') as [string, string?];
      if (options.record !== false) requests.push({ method: req.method ?? 'GET', path: rawPath, headers: req.headers, body });
      // Azure's layout: /openai/deployments/<deployment>/<endpoint>?api-version=..., key in api-key.
      const azure = /^\/openai\/deployments\/([^/]+)(\/.*)$/.exec(rawPath);
      if (azure) {
        if (!new URLSearchParams(query).get('api-version')) return sendError(res, 400, 'Missing api-version', 'missing_api_version');
        if (options.apiKey && req.headers['api-key'] !== options.apiKey) return sendError(res, 401, 'Access denied due to invalid subscription key.', '401');
        return void answer(`/v1${azure[2]}`, body && { ...body, model: body.model ?? decodeURIComponent(azure[1]!) }, res, control);
      }
      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        return sendError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
      }
      if (rawPath === '/api/tags')
        return sendJson(res, 200, {
          models: [
            { name: 'llama3.2:latest', model: 'llama3.2:latest' },
            { name: 'qwen2.5-coder:7b', model: 'qwen2.5-coder:7b' },
          ],
        });
      void answer(rawPath, body, res, control);
    });
  });
  const listening = await listenOnLoopback(server);
  const url = listening.url;
  return {
    url,
    apiBase: `${url}/v1`,
    requests,
    get pausedStreams() {
      return control.paused.length;
    },
    get abandonedStreams() {
      return control.abandoned;
    },
    releaseStreams: () => control.paused.splice(0).forEach((resume) => resume()),
    setFailing: (status) => {
      control.failing = status;
    },
    close: listening.close,
  };
}

async function answer(path: string, body: Json | null, res: ServerResponse, control: StreamControl): Promise<void> {
  if (path === '/v1/models') {
    return sendJson(res, 200, { object: 'list', data: [{ id: 'mock-model', object: 'model', created: CREATED, owned_by: 'mock' }] });
  }
  if (!body) return sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_json');
  const model = String(body.model ?? '');
  const delay = /^slow-(\d+)$/.exec(model);
  if (delay) await new Promise((resolve) => setTimeout(resolve, Number(delay[1])));
  if (model === 'fail-429') {
    res.setHeader('retry-after', '7');
    return sendError(res, 429, 'Rate limit reached for requests', 'rate_limit_exceeded');
  }
  if (model === 'fail-500') return sendError(res, 500, 'The server had an error while processing your request.', 'server_error');
  if (control.failing !== null) return sendError(res, control.failing, `Failing on purpose with ${control.failing}.`, 'server_error');
  if (model === 'fail-400') return sendError(res, 400, "Invalid value for 'temperature'.", 'invalid_value');
  if (model === 'fail-context') {
    return sendError(res, 400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", 'context_length_exceeded');
  }
  if (model === 'fail-policy') return sendError(res, 400, 'Your request was rejected as a result of our safety system.', 'content_policy_violation');
  if (model === 'drop-before-first-byte') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    return void setTimeout(() => res.socket?.destroy(), 5);
  }
  if (model === 'fail-text-502') {
    res.writeHead(502, { 'content-type': 'text/plain' });
    return void res.end('Bad Gateway');
  }
  if (path === '/v1/chat/completions') return chat(body, res, control);
  if (path === '/v1/completions') return completion(body, res, control);
  if (path === '/v1/embeddings') return embeddings(body, res);
  if (path === '/v1/responses') return responses(body, res);
  if (path === '/v1/images/generations') return images(body, res);
  if (path === '/v1/moderations') return moderations(body, res);
  sendError(res, 404, `Unknown path ${path}`, 'not_found');
}

/** gpt-image-1's shape: base64 images and token usage; dall-e-* models answer without usage, as OpenAI's do. */
function images(body: Json, res: ServerResponse): void {
  const n = typeof body.n === 'number' ? body.n : 1;
  const data = Array.from({ length: n }, () => ({ b64_json: Buffer.from('png').toString('base64') }));
  const input_tokens = words(String(body.prompt ?? ''));
  const usage = { input_tokens, output_tokens: 100, total_tokens: input_tokens + 100, input_tokens_details: { text_tokens: input_tokens, image_tokens: 0 } };
  sendJson(res, 200, { created: CREATED, data, ...(String(body.model).startsWith('dall-e') ? {} : { usage }) });
}

function moderations(body: Json, res: ServerResponse): void {
  const inputs = Array.isArray(body.input) ? (body.input as unknown[]) : [body.input];
  const results = inputs.map((input) => {
    const flagged = /kill/i.test(String(input));
    return { flagged, categories: { violence: flagged, hate: false }, category_scores: { violence: flagged ? 0.9 : 0.01, hate: 0.001 } };
  });
  sendJson(res, 200, { id: 'modr-mock', model: body.model, results });
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function lastUserText(body: Json): string {
  const messages = (body.messages as Array<{ role: string; content: unknown }>) ?? [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
}

function usageFor(prompt: string, completion: string): Json {
  const prompt_tokens = words(prompt);
  const completion_tokens = words(completion);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

function chat(body: Json, res: ServerResponse, control: StreamControl): void {
  const model = String(body.model);
  const prompt = lastUserText(body);
  const lastMessage = (body.messages as Array<{ role: string; content: unknown }>).at(-1);
  // Like a model, it reaches for a tool only when the user's words call for one.
  const offered = Array.isArray(body.tools) && body.tools.length > 0 && lastMessage?.role !== 'tool' && /weather|patch/i.test(prompt);
  const tools = offered ? (body.tools as Array<{ function: { name: string } }>) : null;
  const reply = lastMessage?.role === 'tool' ? `The tool said ${JSON.stringify(lastMessage.content)}` : `Hello from mock: ${prompt}`;
  const toolArgs = JSON.stringify({ city: 'Paris', unit: 'celsius' });
  const usage = usageFor(prompt, tools ? toolArgs : reply);
  const id = 'chatcmpl-mock';
  if (body.stream !== true) {
    const message = tools
      ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: tools[0]!.function.name, arguments: toolArgs } }] }
      : { role: 'assistant', content: reply };
    return sendJson(res, 200, chatCompletion(id, model, message, usage, tools ? 'tool_calls' : 'stop'));
  }
  const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
  const base = { id, object: 'chat.completion.chunk', created: CREATED, model, ...(includeUsage ? { usage: null } : {}) };
  const chunk = (delta: Json, finish: string | null = null): Json => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const events: Json[] = [chunk({ role: 'assistant', content: tools ? null : '' })];
  if (tools) {
    const name = tools[0]!.function.name;
    events.push(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name, arguments: '' } }] }));
    for (const piece of [toolArgs.slice(0, 9), toolArgs.slice(9, 20), toolArgs.slice(20)]) {
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    }
    events.push(chunk({}, 'tool_calls'));
  } else {
    for (const piece of reply.match(/\S+\s*/g) ?? []) events.push(chunk({ content: piece }));
    events.push(chunk({}, 'stop'));
  }
  if (includeUsage) events.push({ ...base, choices: [], usage });
  streamEvents(res, events, control, model);
}

function completion(body: Json, res: ServerResponse, control: StreamControl): void {
  const model = String(body.model);
  const prompt = String(body.prompt ?? '');
  const text = ` completed: ${prompt}`;
  const usage = usageFor(prompt, text);
  const base = { id: 'cmpl-mock', object: 'text_completion', created: CREATED, model };
  if (body.stream !== true) {
    return sendJson(res, 200, { ...base, choices: [{ index: 0, text, logprobs: null, finish_reason: 'stop' }], usage });
  }
  const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
  const events: Json[] = (text.match(/\S+\s*|\s+/g) ?? []).map((piece) => ({
    ...base,
    choices: [{ index: 0, text: piece, logprobs: null, finish_reason: null }],
  }));
  events.push({ ...base, choices: [{ index: 0, text: '', logprobs: null, finish_reason: 'stop' }] });
  if (includeUsage) events.push({ ...base, choices: [], usage });
  streamEvents(res, events, control, model);
}

function embeddings(body: Json, res: ServerResponse): void {
  const inputs = Array.isArray(body.input) ? (body.input as unknown[]) : [body.input];
  // The openai SDK asks for base64 (little-endian float32) by default, as OpenAI supports.
  const encode = (vector: number[]): number[] | string => (body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector);
  const data = inputs.map((input, index) => ({
    object: 'embedding',
    index,
    embedding: encode([0.5, 0.25, String(input).length]),
  }));
  const prompt_tokens = inputs.reduce<number>((sum, input) => sum + words(String(input)), 0);
  sendJson(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens, total_tokens: prompt_tokens } });
}

/** A Responses-capable server: a function call when tools are offered to a user turn, else text. */
function responses(body: Json, res: ServerResponse): void {
  const input = body.input;
  const lastItem = Array.isArray(input) ? (input.at(-1) as Json) : { role: 'user', content: input };
  const lastText = typeof lastItem.content === 'string' ? lastItem.content : ((lastItem.content as Json[] | undefined) ?? []).map((p) => String(p.text ?? '')).join('');
  const tools = ((body.tools as Json[] | undefined) ?? []).filter((t) => t.type === 'function');
  const callTool = tools.length > 0 && lastItem.type !== 'function_call_output' && /weather|patch/i.test(lastText);
  const args = JSON.stringify({ city: 'Paris' });
  const item: Json = callTool
    ? { type: 'function_call', id: 'fc_mock', call_id: 'call_r1', name: tools[0]!.name, arguments: args, status: 'completed' }
    : { type: 'message', id: 'msg_mock', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: `Hello from responses mock: ${lastText}`, annotations: [] }] };
  const usage = { input_tokens: words(lastText), input_tokens_details: { cached_tokens: 0 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: words(lastText) + 4 };
  const response = { id: 'resp_mock1', object: 'response', created_at: CREATED, status: 'completed', model: body.model, output: [item], usage, previous_response_id: body.previous_response_id ?? null };
  if (body.stream !== true) return sendJson(res, 200, response);
  const events: Json[] = [
    { type: 'response.created', response: { ...response, status: 'in_progress', output: [], usage: null } },
    { type: 'response.output_item.added', output_index: 0, item: callTool ? { ...item, arguments: '', status: 'in_progress' } : { ...item, content: [], status: 'in_progress' } },
  ];
  if (callTool) {
    events.push({ type: 'response.function_call_arguments.delta', item_id: 'fc_mock', output_index: 0, delta: args.slice(0, 5) });
    events.push({ type: 'response.function_call_arguments.delta', item_id: 'fc_mock', output_index: 0, delta: args.slice(5) });
    events.push({ type: 'response.function_call_arguments.done', item_id: 'fc_mock', output_index: 0, arguments: args });
  } else {
    const text = String(((item.content as Json[])[0] as Json).text);
    events.push({ type: 'response.content_part.added', item_id: 'msg_mock', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    for (const piece of text.match(/\S+\s*/g) ?? []) events.push({ type: 'response.output_text.delta', item_id: 'msg_mock', output_index: 0, content_index: 0, delta: piece });
    events.push({ type: 'response.output_text.done', item_id: 'msg_mock', output_index: 0, content_index: 0, text });
    events.push({ type: 'response.content_part.done', item_id: 'msg_mock', output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
  }
  events.push({ type: 'response.output_item.done', output_index: 0, item });
  events.push({ type: 'response.completed', response });
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(events.map((event, index) => `event: ${String(event.type)}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`).join(''));
}

function streamEvents(res: ServerResponse, events: Json[], control: StreamControl, model: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  const stall = Number(/^stall-(\d+)$/.exec(model)?.[1] ?? 0);
  res.on('close', () => {
    if (!res.writableFinished) control.abandoned++;
  });
  let index = 0;
  let held = false;
  // One event per tick, so the gateway sees them arrive separately as from a real server.
  const next = (): void => {
    if (res.destroyed) return;
    if (index === 2 && model === 'drop-mid-stream') return void res.socket?.destroy();
    if (index === 2 && model === 'pause-stream' && !held) {
      held = true;
      return void control.paused.push(next);
    }
    if (index < events.length) {
      res.write(`data: ${JSON.stringify(events[index++])}\n\n`);
      return void setTimeout(next, 1);
    }
    res.end('data: [DONE]\n\n');
  };
  setTimeout(next, stall);
}

function sendJson(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, code: string): void {
  sendJson(res, status, { error: { message, type: status === 429 ? 'requests' : 'invalid_request_error', param: null, code } });
}
