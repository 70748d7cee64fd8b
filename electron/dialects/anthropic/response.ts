// Chat pivot → an Anthropic Messages response.
import type { ChatCompletion, ChatUsage, FinishReason } from '../../core/chat.js';
import type { Json } from '../types.js';
import { reasoningSignature } from '../reasoning-signature.js';

export const FINISH_TO_STOP_REASON: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

/** Chat counts cache reads and writes inside prompt_tokens; Anthropic reports them apart. */
export function anthropicUsage(usage: ChatUsage | undefined | null): Json {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const written = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  const writtenForAnHour = usage?.prompt_tokens_details?.cache_write_1h_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached - written),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: written,
    ...(writtenForAnHour ? { cache_creation: { ephemeral_5m_input_tokens: written - writtenForAnHour, ephemeral_1h_input_tokens: writtenForAnHour } } : {}),
  };
}

function parseToolInput(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    // A model that produced broken JSON still gets its text through.
    return { _raw: text };
  }
}

export function messageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id.replace(/[^A-Za-z0-9]/g, '').slice(0, 24) || 'loopgate'}`;
}

export function fromChatCompletion(completion: ChatCompletion, model: string): Json {
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: Json[] = [];
  if (message?.reasoning_content) content.push({ type: 'thinking', thinking: message.reasoning_content, signature: reasoningSignature(message.reasoning_content) });
  if (message?.content) content.push({ type: 'text', text: message.content });
  for (const call of message?.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolInput(call.function.arguments) });
  }
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: FINISH_TO_STOP_REASON[choice?.finish_reason ?? 'stop'] ?? 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage(completion.usage),
  };
}
