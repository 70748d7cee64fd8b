// A mock Anthropic Messages API on 127.0.0.1, port 0, speaking Anthropic's wire format (JSON
// and its named-event SSE stream). It records requests and misbehaves by model name:
//   fail-overloaded   529 overloaded_error, as Anthropic sends under load
// With tools offered and a user turn that mentions the weather (or a patch), it calls the first tool; after a
// tool_result it answers with text quoting the result; with `thinking`, it thinks first.
import type { ServerResponse } from 'node:http';
import { serve, type MockServer } from './mock-server.js';

type Json = Record<string, unknown>;

export type MockAnthropic = MockServer;

export const OVERLOADED_BODY = JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block: Json) => (block.type === 'text' ? String(block.text) : block.type === 'tool_result' ? `[result ${JSON.stringify(block.content)}]` : '')).join(' ');
}

/** Picks the tool the mock calls, and its input, from the tools offered (an MCP tool among an agent's own); undefined: the default choice. */
type ToolChoice = (tools: Json[]) => { name: string; input: Json } | undefined;

function reply(body: Json, choose?: ToolChoice): { blocks: Json[]; stopReason: string; inputTokens: number } {
  const messages = body.messages as Json[];
  const last = messages.at(-1)!;
  const lastBlocks = Array.isArray(last.content) ? (last.content as Json[]) : [];
  const toolResult = lastBlocks.find((block) => block.type === 'tool_result');
  const tools = (body.tools as Json[] | undefined) ?? [];
  const blocks: Json[] = [];
  if (body.thinking) blocks.push({ type: 'thinking', thinking: 'Let me think about this.', signature: 'sig-mock' });
  let stopReason = 'end_turn';
  const forced = tools.find((tool) => tool.name === 'json_tool_call');
  // Like a model, it reaches for a tool only when the user's words call for one.
  const lastText = typeof last.content === 'string' ? last.content : String(lastBlocks.filter((b) => b.type === 'text').at(-1)?.text ?? '');
  const wantsTool = forced !== undefined || /weather|patch/i.test(lastText);
  const chosen = toolResult ? undefined : choose?.(tools);
  if (chosen) {
    blocks.push({ type: 'tool_use', id: 'toolu_mock1', name: chosen.name, input: chosen.input });
    stopReason = 'tool_use';
  } else if (tools.length > 0 && !toolResult && wantsTool) {
    const tool = forced ?? tools[0]!;
    const input = tool.name === 'json_tool_call' ? { answer: 42 } : { city: 'Paris', unit: 'celsius' };
    blocks.push({ type: 'tool_use', id: 'toolu_mock1', name: tool.name, input });
    stopReason = 'tool_use';
  } else {
    blocks.push({ type: 'text', text: toolResult ? `The tool said ${JSON.stringify(toolResult.content)}` : `Hello from Claude mock: ${textOf(last.content)}` });
  }
  const system = typeof body.system === 'string' ? body.system : textOf(body.system);
  const inputTokens = words(system) + messages.reduce((sum, m) => sum + words(textOf(m.content)), 0);
  return { blocks, stopReason, inputTokens };
}

function outputTokens(blocks: Json[]): number {
  return blocks.reduce((sum, b) => sum + words(String(b.text ?? b.thinking ?? JSON.stringify(b.input ?? ''))), 0);
}

export async function startMockAnthropic(options: { apiKey?: string; chooseTool?: ToolChoice } = {}): Promise<MockAnthropic> {
  return serve((path, _query, headers, body, _raw, res) => {
    if (options.apiKey && headers['x-api-key'] !== options.apiKey) {
      return send(res, 401, JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
    }
    if (!headers['anthropic-version']) {
      return send(res, 400, JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version header is required' } }));
    }
    if (path === '/v1/messages/count_tokens') return send(res, 200, JSON.stringify({ input_tokens: reply({ ...body, tools: [] }).inputTokens + 1000 }));
    if (path !== '/v1/messages') return send(res, 404, JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: path } }));
    if (body.model === 'fail-overloaded') return send(res, 529, OVERLOADED_BODY);
    if (typeof body.max_tokens !== 'number') {
      return send(res, 400, JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } }));
    }
    const { blocks, stopReason, inputTokens } = reply(body, options.chooseTool);
    const usage = { input_tokens: inputTokens, output_tokens: outputTokens(blocks), cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    const message = { id: 'msg_mock123', type: 'message', role: 'assistant', model: body.model, content: blocks, stop_reason: stopReason, stop_sequence: null, usage };
    if (body.stream !== true) return send(res, 200, JSON.stringify(message));
    streamMessage(res, message, usage);
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_mock' });
  res.end(body);
}

function streamMessage(res: ServerResponse, message: Json, usage: Json): void {
  const events: Array<[string, Json]> = [
    ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }],
    ['ping', { type: 'ping' }],
  ];
  (message.content as Json[]).forEach((block, index) => {
    if (block.type === 'text') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
      for (const piece of String(block.text).match(/\S+\s*/g) ?? []) {
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }]);
      }
    } else if (block.type === 'thinking') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '' } }]);
      events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } }]);
      events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }]);
    } else if (block.type === 'tool_use') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }]);
      const json = JSON.stringify(block.input);
      for (const piece of [json.slice(0, 7), json.slice(7)]) {
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }]);
      }
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }]);
  events.push(['message_stop', { type: 'message_stop' }]);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let index = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (index >= events.length) return void res.end();
    const [name, data] = events[index++]!;
    res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    setTimeout(next, 1);
  };
  next();
}
