// Anthropic Messages, inbound (Claude Code, the Anthropic SDK): to and from the chat pivot,
// its event stream, its error shape, and usage from natively relayed streams.
import { GatewayError } from '../../core/errors.js';
import { isRecord, usageFromAnthropic, type AnthropicUsage } from '../../core/usage.js';
import type { SseEvent } from '../../core/sse.js';
import { ObservedStream } from '../observed-stream.js';
import type { TokenUsage } from '../../core/usage.js';
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool, ChatToolChoice, ReasoningEffort } from '../../core/chat.js';
import { anthropicErrorJson, errorBodyFor } from '../error-bodies.js';
import { upstreamErrorMessage, type InboundDialect, type Json, type NativeStreamScanner, type WebSearchTool } from '../types.js';
import { anthropicSearchMessage, anthropicSearchStream } from './search.js';
import { AnthropicEncoder } from './stream.js';
import { isReasoningSignature } from '../reasoning-signature.js';
import { offeredToChat, referencedTools, toolReferenceText } from './tool-search.js';
import { fromChatCompletion } from './response.js';

/** Anthropic's error type for an HTTP status, for upstream errors that carry none. */
function typeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 529 || status === 503) return 'overloaded_error';
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

const effortForBudget = (budget: number): ReasoningEffort => (budget < 2048 ? 'low' : budget < 8192 ? 'medium' : 'high');

function refuse(param: string, message: string): never {
  throw new GatewayError('invalid_request', `${param}: ${message}`, { param });
}

/** The text of a content, with tool_reference blocks said as the tools' definitions (tool-search.ts). */
function textOf(content: unknown, tools: readonly Json[] = []): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block: Json) => (block.type === 'text' ? String(block.text ?? '') : block.type === 'tool_reference' ? toolReferenceText(block, tools) : '')).join('');
}

function imagePart(block: Json, param: string): ChatContentPart {
  const source = (block.source ?? {}) as Json;
  if (source.type === 'base64') return { type: 'image_url', image_url: { url: `data:${String(source.media_type)};base64,${String(source.data)}` } };
  if (source.type === 'url') return { type: 'image_url', image_url: { url: String(source.url) } };
  return refuse(`${param}.source.type`, `image source "${String(source.type)}" cannot be sent to this model`);
}

function userMessages(content: unknown, at: string, tools: readonly Json[]): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  if (!Array.isArray(content)) return refuse(`${at}.content`, 'expected a string or an array of content blocks');
  const out: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  content.forEach((block: Json, index) => {
    const param = `${at}.content[${index}]`;
    if (block.type === 'text') parts.push({ type: 'text', text: String(block.text ?? '') });
    else if (block.type === 'image') parts.push(imagePart(block, param));
    else if (block.type === 'tool_result') {
      const result = block.is_error ? `Error: ${textOf(block.content, tools)}` : textOf(block.content, tools);
      out.push({ role: 'tool', tool_call_id: String(block.tool_use_id), content: result });
    } else refuse(`${param}.type`, `content block "${String(block.type)}" cannot be sent to this model`);
  });
  // Tool results answer the previous assistant turn, so they come before any new user text.
  if (parts.length > 0) out.push({ role: 'user', content: parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('') : parts });
  return out;
}

function assistantMessage(content: unknown, at: string): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  if (!Array.isArray(content)) return refuse(`${at}.content`, 'expected a string or an array of content blocks');
  let text = '';
  let reasoning = '';
  const toolCalls: NonNullable<ChatMessage['tool_calls']> = [];
  content.forEach((block: Json, index) => {
    if (block.type === 'text') text += String(block.text ?? '');
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: String(block.id), type: 'function', function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) } });
    } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      // Thinking Loopgate made from reasoning_content goes back as such (the family decides whether to send it); Anthropic's own cannot.
      const thinking = String(block.thinking ?? '');
      if (block.type === 'thinking' && isReasoningSignature(block.signature, thinking)) reasoning += thinking;
    } else if (block.type === 'server_tool_use') {
      // A search that was run: its results follow as their own block.
    } else if (block.type === 'web_search_tool_result') text += searchResultText(block);
    else refuse(`${at}.content[${index}].type`, `content block "${String(block.type)}" cannot be sent to this model`);
  });
  return { role: 'assistant', content: text || null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}), ...(reasoning ? { reasoning_content: reasoning } : {}) };
}

function toolChoice(choice: Json | undefined): { tool_choice?: ChatToolChoice; parallel_tool_calls?: boolean } {
  if (!choice) return {};
  const parallel = choice.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  if (choice.type === 'any') return { tool_choice: 'required', ...parallel };
  if (choice.type === 'none') return { tool_choice: 'none' };
  if (choice.type === 'tool') return { tool_choice: { type: 'function', function: { name: String(choice.name) } }, ...parallel };
  return { tool_choice: 'auto', ...parallel };
}

export function anthropicToChat(body: Json): { chat: ChatRequest; omittedTools: string[] } {
  if (!Array.isArray(body.messages)) refuse('messages', 'expected an array of messages');
  const messages: ChatMessage[] = [];
  const referenced = referencedTools(body.messages as Json[]);
  const offered = ((body.tools as Json[] | undefined) ?? []).filter((tool) => offeredToChat(tool, referenced));
  const system = textOf(body.system);
  if (system) messages.push({ role: 'system', content: system });
  (body.messages as Json[]).forEach((message, index) => {
    const at = `messages[${index}]`;
    if (message.role === 'user') messages.push(...userMessages(message.content, at, offered));
    else if (message.role === 'assistant') messages.push(assistantMessage(message.content, at));
    // Claude Code puts system turns between messages; chat has them too.
    else if (message.role === 'system') messages.push({ role: 'system', content: textOf(message.content) });
    else refuse(`${at}.role`, 'expected "user", "assistant" or "system"');
  });
  const tools: ChatTool[] = [];
  const omittedTools: string[] = [];
  for (const tool of offered) {
    // Server tools (web_search_..., code_execution_...) run at Anthropic only; web search may be run by Loopgate (webSearchTool).
    if (tool.type !== undefined && tool.type !== 'custom') omittedTools.push(String(tool.name ?? tool.type));
    else
      tools.push({
        type: 'function',
        function: { name: String(tool.name), ...(tool.description ? { description: String(tool.description) } : {}), parameters: (tool.input_schema as Json | undefined) ?? { type: 'object', properties: {} } },
      });
  }
  if (body.top_k !== undefined && body.top_k !== null) refuse('top_k', 'top_k cannot be sent to this model');
  const thinking = body.thinking as { type?: string; budget_tokens?: number } | undefined;
  const chat: ChatRequest = {
    model: String(body.model),
    messages,
    ...(typeof body.max_tokens === 'number' ? { max_tokens: body.max_tokens } : {}),
    ...(body.stream === true ? { stream: true } : {}),
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === 'number' ? { top_p: body.top_p } : {}),
    ...(Array.isArray(body.stop_sequences) && body.stop_sequences.length ? { stop: body.stop_sequences as string[] } : {}),
    ...(tools.length ? { tools, ...toolChoice(body.tool_choice as Json | undefined) } : {}),
    ...(thinking?.type === 'enabled' && thinking.budget_tokens ? { reasoning_effort: effortForBudget(thinking.budget_tokens) } : {}),
    ...(typeof (body.metadata as Json | undefined)?.user_id === 'string' ? { user: String((body.metadata as Json).user_id) } : {}),
  };
  return { chat, omittedTools };
}

const isWebSearch = (tool: Json): boolean => typeof tool.type === 'string' && tool.type.startsWith('web_search_');

/** Anthropic's web_search_20250305 (and later versions), as Loopgate runs it for other upstreams. */
function anthropicWebSearchTool(body: Json): WebSearchTool | null {
  const tool = ((body.tools as Json[] | undefined) ?? []).find(isWebSearch);
  if (!tool) return null;
  const name = String(tool.name ?? 'web_search');
  const choice = body.tool_choice as Json | undefined;
  // Asked for: tool_choice names it, or it is the only tool (a request made to search).
  const forced = (choice?.type === 'tool' && choice.name === name) || (body.tools as Json[]).length === 1;
  return { name, maxUses: typeof tool.max_uses === 'number' && tool.max_uses > 0 ? tool.max_uses : null, forced };
}

/** An earlier turn's search results, as text the model can read again. */
function searchResultText(block: Json): string {
  if (!Array.isArray(block.content)) return '';
  const lines = (block.content as Json[]).map((result) => `- ${String(result.title ?? '')} (${String(result.url ?? '')})`);
  return `\n[Web search results]\n${lines.join('\n')}\n`;
}

/** Reads usage from a natively relayed Anthropic stream; the bytes pass untouched. */
class AnthropicNativeScanner extends ObservedStream implements NativeStreamScanner {
  private counted: AnthropicUsage | null = null;

  get usage(): TokenUsage | null {
    return this.counted ? usageFromAnthropic(this.counted) : null;
  }

  protected observe({ data }: SseEvent): void {
    if (!data.includes('usage')) return;
    try {
      const event = JSON.parse(data) as { type?: string; message?: { usage?: AnthropicUsage }; usage?: AnthropicUsage };
      const usage = event.type === 'message_start' ? event.message?.usage : event.usage;
      if (usage) this.counted = { ...this.counted, ...Object.fromEntries(Object.entries(usage).filter(([, v]) => v !== null)) };
    } catch {
      // not JSON: nothing to count
    }
  }
}

export const anthropicDialect: InboundDialect = {
  name: 'anthropic',
  requiredField: 'messages',
  toChat: anthropicToChat,
  fromChat: (completion, request) => fromChatCompletion(completion, String(request.model)),
  streamEncoder: (request) => new AnthropicEncoder(String(request.model)),
  webSearchTool: anthropicWebSearchTool,
  fromSearch: (run, request) => anthropicSearchMessage(run, String(request.model)),
  searchStream: (run, request) => anthropicSearchStream(anthropicSearchMessage(run, String(request.model))),
  errorBody: errorBodyFor('anthropic'),
  upstreamErrorBody(status, text) {
    const { message, type } = upstreamErrorMessage(text);
    return anthropicErrorJson(type && type.endsWith('_error') ? type : typeForStatus(status), message);
  },
  streamErrorEvent: (error) => `event: error\ndata: ${errorBodyFor('anthropic')(error)}\n\n`,
  nativeBody: (request, upstreamModel, clientText) => (clientText !== null && request.model === upstreamModel ? clientText : JSON.stringify({ ...request, model: upstreamModel })),
  nativeUsage: (body) => (isRecord(body.usage) ? usageFromAnthropic(body.usage) : null),
  usageMember: 'usage',
  nativeStreamScanner: () => new AnthropicNativeScanner(),
  answerModel: { key: 'model', once: true },
};
