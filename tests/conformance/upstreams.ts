// Scripted upstreams for the conformance suite, as strict as the real ones where Loopgate has
// been caught out. The Anthropic one answers with signed thinking and refuses a tool turn
// whose assistant message lost it (Anthropic's own 400); the chat one answers with
// reasoning_content and, when strict, refuses an assistant message without it (DeepSeek's own
// 400). Both call a tool on the first turn (Read of a marker file, or ToolSearch when asked)
// and quote the tool's result on the next, and report cache usage.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { serve, type MockServer } from '../helpers/mock-server.js';

type Json = Record<string, unknown>;

export interface Seen {
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: Json;
}

export interface ScriptedUpstream {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** The file the Read tool is pointed at, and what it holds. */
export const MARKER_FILE = 'conformance.txt';
export const MARKER = 'conformance-marker-4217';

/** The first turn's tool call: ToolSearch when offered and asked for, else Read of the marker file. */
function firstCall(body: Json, prompt: string): { name: string; input: Json } {
  const tools = ((body.tools as Json[] | undefined) ?? []).map((t) => String(t.name ?? (t.function as Json | undefined)?.name));
  if (prompt.includes('tool search') && tools.includes('ToolSearch')) return { name: 'ToolSearch', input: { query: 'select:NotebookEdit' } };
  return { name: 'Read', input: { file_path: `${cwdOf(prompt)}/${MARKER_FILE}` } };
}

/** Prompts carry their working directory: "... in <dir>". */
const cwdOf = (prompt: string): string => /in (\/\S+)/.exec(prompt)?.[1] ?? '/tmp';

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Json[]).map((b) => (typeof b.text === 'string' ? b.text : b.type === 'tool_result' ? textOf(b.content) : JSON.stringify(b))).join(' ');
}

function sse(res: ServerResponse, events: Array<[string | null, Json]>, trailer = ''): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const [name, data] of events) res.write(`${name ? `event: ${name}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  res.end(trailer);
}

function refuse(res: ServerResponse, body: Json): void {
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const signatureOf = (thinking: string): string => `EqQBCkgIARABGAIiQ${createHash('sha256').update(thinking).digest('base64')}`;

/** Anthropic's check when thinking is on: the assistant turn before a tool result starts with signed thinking it issued. */
function anthropicRefusal(body: Json): Json | null {
  if ((body.thinking as Json | undefined)?.type !== 'enabled') return null;
  const messages = body.messages as Json[];
  for (let i = messages.length - 1; i >= 0; i--) {
    const content = messages[i]!.content;
    if (messages[i]!.role !== 'assistant' || !Array.isArray(content) || !(content as Json[]).some((b) => b.type === 'tool_use')) continue;
    const first = (content as Json[])[0]!;
    if (first.type !== 'thinking' && first.type !== 'redacted_thinking') {
      return {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: `messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first.type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks).`,
        },
      };
    }
    if (first.type === 'thinking' && first.signature !== signatureOf(String(first.thinking)))
      return { type: 'error', error: { type: 'invalid_request_error', message: `messages.${i}.content.0: Invalid \`signature\` in \`thinking\` block` } };
    return null;
  }
  return null;
}

const ANTHROPIC_USAGE = { input_tokens: 12, cache_creation_input_tokens: 30, cache_read_input_tokens: 400, output_tokens: 1 };

/** An Anthropic Messages upstream: signed thinking, a tool call, then the tool's result quoted; cache usage reported. */
export async function startScriptedAnthropic(): Promise<ScriptedUpstream> {
  const seen: Seen[] = [];
  const server: MockServer = await serve((path, query, headers, body, _raw, res) => {
    seen.push({ path, query: query.toString(), headers, body });
    if (path.endsWith('/count_tokens')) return void (res.writeHead(200, { 'content-type': 'application/json' }), res.end('{"input_tokens":42}'));
    const refusal = anthropicRefusal(body);
    if (refusal) return refuse(res, refusal);
    const messages = body.messages as Json[];
    const result = messages.findLast((m) => Array.isArray(m.content) && (m.content as Json[]).some((b) => b.type === 'tool_result'));
    const prompt = textOf(messages.find((m) => m.role === 'user')?.content);
    const thinking = 'I should look at the file first.';
    const blocks: Json[] = [];
    if ((body.thinking as Json | undefined)?.type === 'enabled') blocks.push({ type: 'thinking', thinking, signature: signatureOf(thinking) });
    const wantsTool = !result && (prompt.includes('marker') || prompt.includes('tool search'));
    if (wantsTool) blocks.push({ type: 'tool_use', id: `toolu_${seen.length}`, ...firstCall(body, prompt) });
    else blocks.push({ type: 'text', text: result ? `The tool said: ${textOf(result.content).slice(0, 300)}` : 'Hello from the scripted Anthropic upstream.' });
    const stopReason = wantsTool ? 'tool_use' : 'end_turn';
    const message = { id: `msg_${seen.length}`, type: 'message', role: 'assistant', model: body.model, stop_sequence: null, usage: ANTHROPIC_USAGE };
    if (body.stream !== true) return void (res.writeHead(200, { 'content-type': 'application/json' }), res.end(JSON.stringify({ ...message, content: blocks, stop_reason: stopReason })));
    const events: Array<[string, Json]> = [['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null } }]];
    blocks.forEach((block, index) => {
      const start = block.type === 'thinking' ? { type: 'thinking', thinking: '' } : block.type === 'tool_use' ? { ...block, input: {} } : { type: 'text', text: '' };
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: start }]);
      const delta = (d: Json): void => void events.push(['content_block_delta', { type: 'content_block_delta', index, delta: d }]);
      if (block.type === 'thinking') {
        delta({ type: 'thinking_delta', thinking });
        delta({ type: 'signature_delta', signature: block.signature });
      } else if (block.type === 'tool_use') delta({ type: 'input_json_delta', partial_json: JSON.stringify(block.input) });
      else delta({ type: 'text_delta', text: block.text });
      events.push(['content_block_stop', { type: 'content_block_stop', index }]);
    });
    events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 20 } }], ['message_stop', { type: 'message_stop' }]);
    sse(res, events);
  });
  return { url: server.url, seen, close: () => server.close() };
}

/** DeepSeek's refusal of an assistant message that lost its reasoning (thinking mode, tool calls). */
function reasoningRefusal(messages: Json[]): Json | null {
  const index = messages.findIndex((m) => m.role === 'assistant' && typeof m.reasoning_content !== 'string');
  if (index < 0) return null;
  return { error: { message: `Missing \`reasoning_content\` field in the assistant message at message index ${index}`, type: 'invalid_request_error', param: null, code: 'invalid_request_error' } };
}

/** An OpenAI-chat upstream answering with reasoning_content and a tool call; `strict` refuses as DeepSeek does. */
export async function startScriptedChat(options: { strict: boolean }): Promise<ScriptedUpstream> {
  const seen: Seen[] = [];
  const server: MockServer = await serve((path, query, headers, body, _raw, res) => {
    seen.push({ path, query: query.toString(), headers, body });
    const messages = body.messages as Json[];
    const refusal = options.strict ? reasoningRefusal(messages) : null;
    if (refusal) return refuse(res, refusal);
    // The tool's result need not be last: Claude Code 2.1.278 follows it with a system message.
    const result = messages.findLast((m) => m.role === 'tool');
    const prompt = textOf(messages.find((m) => m.role === 'user')?.content);
    const wantsTool = !result && (prompt.includes('marker') || prompt.includes('tool search'));
    const call = wantsTool ? firstCall(body, prompt) : null;
    const text = result ? `The tool said: ${textOf(result.content).slice(0, 300)}` : 'Hello from the scripted chat upstream.';
    const base = { id: `chatcmpl-${seen.length}`, object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model };
    const usage = { prompt_tokens: 400, completion_tokens: 20, total_tokens: 420, prompt_tokens_details: { cached_tokens: 300 } };
    const delta = call
      ? {
          role: 'assistant',
          reasoning_content: 'I should look at the file first.',
          tool_calls: [{ index: 0, id: `call_${seen.length}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.input) } }],
        }
      : { role: 'assistant', reasoning_content: 'The answer is ready.', content: text };
    const finish = call ? 'tool_calls' : 'stop';
    if (body.stream !== true) {
      const { tool_calls, ...message } = delta as Json & { tool_calls?: Json[] };
      const calls = tool_calls?.map(({ index: _i, ...c }) => c);
      return void (
        res.writeHead(200, { 'content-type': 'application/json' }),
        res.end(
          JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { ...message, content: message.content ?? null, ...(calls ? { tool_calls: calls } : {}) }, finish_reason: finish }], usage }),
        )
      );
    }
    sse(
      res,
      [
        [null, { ...base, choices: [{ index: 0, delta, finish_reason: null }] }],
        [null, { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] }],
        [null, { ...base, choices: [], usage }],
      ],
      'data: [DONE]\n\n',
    );
  });
  return { url: server.url, seen, close: () => server.close() };
}
