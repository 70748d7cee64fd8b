// Anthropic Messages response → chat pivot.
import type { ChatCompletion, ChatToolCall, FinishReason } from '../../dialects/chat/types.js';
import { chatCompletion, usageOf } from '../../dialects/chat/types.js';
import { JSON_TOOL_NAME } from './request.js';

type Json = Record<string, unknown>;

export const STOP_REASON_TO_FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** Anthropic counts cached input apart; chat's prompt_tokens includes it. */
export function chatUsageFromAnthropic(usage: AnthropicUsage) {
  const cached = usage.cache_read_input_tokens ?? 0;
  const prompt = (usage.input_tokens ?? 0) + cached + (usage.cache_creation_input_tokens ?? 0);
  return usageOf(prompt, usage.output_tokens ?? 0, cached);
}

export function fromAnthropicResponse(body: Json, model: string): ChatCompletion {
  const blocks = (body.content as Json[] | undefined) ?? [];
  let text = '';
  let reasoning = '';
  const toolCalls: ChatToolCall[] = [];
  let jsonMode = false;
  for (const block of blocks) {
    if (block.type === 'text') text += String(block.text ?? '');
    else if (block.type === 'thinking') reasoning += String(block.thinking ?? '');
    else if (block.type === 'tool_use' && block.name === JSON_TOOL_NAME) {
      jsonMode = true;
      text += JSON.stringify(block.input ?? {});
    } else if (block.type === 'tool_use') {
      toolCalls.push({ id: String(block.id), type: 'function', function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const stopReason = String(body.stop_reason ?? 'end_turn');
  const finish = jsonMode ? 'stop' : (STOP_REASON_TO_FINISH[stopReason] ?? 'stop');
  return chatCompletion({
    id: String(body.id ?? 'msg'),
    model,
    text,
    reasoning,
    toolCalls,
    finish,
    usage: chatUsageFromAnthropic((body.usage as AnthropicUsage | undefined) ?? {}),
  });
}
