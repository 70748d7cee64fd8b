// Chat pivot → Anthropic Messages request. What Messages cannot express is refused with a 400
// naming the field, never dropped.
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool, ReasoningEffort } from '../../core/chat.js';
import { appendTurn, contentText, samplingOf } from '../../core/chat.js';
import { GatewayError } from '../../core/errors.js';
import { refuseUnsupported } from '../unsupported.js';

type Json = Record<string, unknown>;

/** Messages requires max_tokens; this is what a chat client that sent none gets. */
const DEFAULT_MAX_TOKENS = 4096;
/** The forced tool that carries JSON-mode output, LiteLLM's approach for Anthropic. */
export const JSON_TOOL_NAME = 'json_tool_call';

export const THINKING_BUDGET: Record<ReasoningEffort, number> = { minimal: 1024, low: 1024, medium: 2048, high: 4096 };

function imageBlock(url: string, param: string): Json {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  if (/^https?:\/\//.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new GatewayError('invalid_request', `${param}: images must be a data: URL or an http(s) URL`, { param });
}

function contentBlocks(content: ChatMessage['content'], param: string): Json[] {
  if (content === null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  return content.map((part: ChatContentPart, index) => (part.type === 'text' ? { type: 'text', text: part.text } : imageBlock(part.image_url.url, `${param}[${index}]`)));
}

function parseArguments(text: string, param: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new GatewayError('invalid_request', `${param}: tool call arguments are not valid JSON`, { param });
  }
}

/** Anthropic wants user/assistant turns; tool results ride in a user turn. Adjacent same-role turns merge. */
function toMessages(messages: ChatMessage[]): { system: string; messages: Array<{ role: string; content: Json[] }> } {
  const system: string[] = [];
  const turns: Array<{ role: string; items: Json[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: Json[]): void => appendTurn(turns, role, blocks);
  messages.forEach((message, index) => {
    const at = `messages[${index}]`;
    if (message.role === 'system' || message.role === 'developer') {
      system.push(contentText(message.content));
    } else if (message.role === 'user') {
      push('user', contentBlocks(message.content, `${at}.content`));
    } else if (message.role === 'assistant') {
      const blocks = contentBlocks(message.content, `${at}.content`);
      for (const [callIndex, call] of (message.tool_calls ?? []).entries()) {
        blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseArguments(call.function.arguments, `${at}.tool_calls[${callIndex}].function.arguments`) });
      }
      push('assistant', blocks);
    } else if (message.role === 'tool') {
      push('user', [{ type: 'tool_result', tool_use_id: message.tool_call_id ?? '', content: contentText(message.content) }]);
    }
  });
  return { system: system.filter(Boolean).join('\n\n'), messages: turns.map((turn) => ({ role: turn.role, content: turn.items })) };
}

function toTool(tool: ChatTool): Json {
  return {
    name: tool.function.name,
    ...(tool.function.description ? { description: tool.function.description } : {}),
    input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
  };
}

export function toAnthropicRequest(chat: ChatRequest): Json {
  refuseUnsupported(chat, 'Anthropic');
  const { system, messages } = toMessages(chat.messages);
  const sampling = samplingOf(chat);
  const body: Json = { model: chat.model, messages, max_tokens: sampling.maxTokens ?? DEFAULT_MAX_TOKENS };
  if (system) body.system = system;
  if (chat.stream) body.stream = true;
  if (sampling.temperature !== undefined) body.temperature = sampling.temperature;
  if (sampling.topP !== undefined) body.top_p = sampling.topP;
  if (sampling.stop) body.stop_sequences = sampling.stop;
  if (chat.user) body.metadata = { user_id: chat.user };
  const tools = (chat.tools ?? []).map(toTool);
  const choice = chat.tool_choice;
  let toolChoice: Json | null = null;
  if (choice === 'required') toolChoice = { type: 'any' };
  else if (choice === 'none') toolChoice = { type: 'none' };
  else if (choice === 'auto') toolChoice = { type: 'auto' };
  else if (typeof choice === 'object' && choice !== null) toolChoice = { type: 'tool', name: choice.function.name };
  if (chat.parallel_tool_calls === false) toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true };

  const format = chat.response_format;
  if (format && format.type !== 'text') {
    // JSON mode as a tool the model must call; the response maps its input back to text.
    const schema = format.type === 'json_schema' ? (format.json_schema?.schema ?? { type: 'object' }) : { type: 'object' };
    tools.push({ name: JSON_TOOL_NAME, description: 'Respond with JSON matching this schema.', input_schema: schema });
    toolChoice = { type: 'tool', name: JSON_TOOL_NAME };
  }
  if (tools.length > 0) body.tools = tools;
  if (toolChoice) body.tool_choice = toolChoice;

  if (chat.reasoning_effort) {
    const budget = THINKING_BUDGET[chat.reasoning_effort];
    body.thinking = { type: 'enabled', budget_tokens: budget };
    // Thinking counts against max_tokens; leave room for the answer.
    if ((body.max_tokens as number) <= budget) body.max_tokens = budget + DEFAULT_MAX_TOKENS;
  }
  return body;
}
