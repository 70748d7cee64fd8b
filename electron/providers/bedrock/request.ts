// Chat pivot → Bedrock Converse. JSON mode has no Converse equivalent and is refused by name.
import type { ChatContentPart, ChatMessage, ChatRequest } from '../../core/chat.js';
import { appendTurn, contentText, samplingOf } from '../../core/chat.js';
import { GatewayError } from '../../core/errors.js';
import { THINKING_BUDGET } from '../anthropic/request.js';
import { refuseUnsupported, unsupportedParams } from '../unsupported.js';

type Json = Record<string, unknown>;

const IMAGE_FORMATS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

function refuse(param: string, message: string): never {
  throw new GatewayError('invalid_request', `${param}: ${message}`, { param });
}

function blocks(content: ChatMessage['content'], at: string): Json[] {
  if (content === null) return [];
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return content.map((part: ChatContentPart, index) => {
    if (part.type === 'text') return { text: part.text };
    const data = /^data:([^;,]+);base64,(.*)$/s.exec(part.image_url.url);
    const format = data ? IMAGE_FORMATS[data[1]!] : undefined;
    if (!data || !format) return refuse(`${at}.content[${index}]`, 'Bedrock takes images as data: URLs of png, jpeg, gif or webp');
    return { image: { format, source: { bytes: data[2] } } };
  });
}

const asksJsonMode = (chat: ChatRequest): boolean => (chat.response_format?.type ?? 'text') !== 'text';

/** The fields no chat family takes, and JSON mode, which Converse cannot say. */
export function converseUnsupportedParams(chat: ChatRequest): string[] {
  return asksJsonMode(chat) ? [...unsupportedParams(chat), 'response_format'] : unsupportedParams(chat);
}

export function toConverseRequest(chat: ChatRequest): Json {
  refuseUnsupported(chat, 'Bedrock');
  if (asksJsonMode(chat)) refuse('response_format', 'Bedrock Converse has no JSON mode; ask for JSON in the prompt instead');
  const system: Json[] = [];
  const turns: Array<{ role: string; items: Json[] }> = [];
  const push = (role: 'user' | 'assistant', content: Json[]): void => appendTurn(turns, role, content);
  chat.messages.forEach((message, index) => {
    const at = `messages[${index}]`;
    if (message.role === 'system' || message.role === 'developer') system.push({ text: contentText(message.content) });
    else if (message.role === 'user') push('user', blocks(message.content, at));
    else if (message.role === 'assistant') {
      const uses = (message.tool_calls ?? []).map((call) => {
        let input: unknown = {};
        try {
          input = call.function.arguments ? JSON.parse(call.function.arguments) : {};
        } catch {
          refuse(`${at}.tool_calls`, 'arguments are not valid JSON');
        }
        return { toolUse: { toolUseId: call.id, name: call.function.name, input } };
      });
      push('assistant', [...blocks(message.content, at), ...uses]);
    } else if (message.role === 'tool') {
      push('user', [{ toolResult: { toolUseId: message.tool_call_id ?? '', content: [{ text: contentText(message.content) }] } }]);
    }
  });
  const { stop, ...rest } = samplingOf(chat);
  const inference: Json = { ...rest, ...(stop ? { stopSequences: stop } : {}) };
  const body: Json = { messages: turns.map((turn) => ({ role: turn.role, content: turn.items })) };
  if (system.length) body.system = system;
  if (Object.keys(inference).length) body.inferenceConfig = inference;
  if (chat.tools?.length && chat.tool_choice !== 'none') {
    const choice = chat.tool_choice;
    body.toolConfig = {
      tools: chat.tools.map((tool) => ({
        toolSpec: {
          name: tool.function.name,
          ...(tool.function.description ? { description: tool.function.description } : {}),
          inputSchema: { json: tool.function.parameters ?? { type: 'object', properties: {} } },
        },
      })),
      ...(choice === 'required' ? { toolChoice: { any: {} } } : typeof choice === 'object' ? { toolChoice: { tool: { name: choice.function.name } } } : {}),
    };
  }
  if (chat.reasoning_effort) body.additionalModelRequestFields = { thinking: { type: 'enabled', budget_tokens: THINKING_BUDGET[chat.reasoning_effort] } };
  return body;
}
