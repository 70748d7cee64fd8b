// Anthropic Messages response → chat pivot.
import type { ChatCompletion, ChatToolCall, FinishReason } from '../../core/chat.js';
import { chatCompletion } from '../../core/chat.js';
import { chatUsageFromAnthropic, type AnthropicUsage } from '../../core/usage.js';
import { JSON_TOOL_NAME } from './request.js';

type Json = Record<string, unknown>;

/** The stop reasons Anthropic's API and Bedrock's Converse both give, in the same words. */
export const COMMON_STOP_REASONS = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_calls' } as const satisfies Record<string, FinishReason>;

export const STOP_REASON_TO_FINISH: Record<string, FinishReason> = { ...COMMON_STOP_REASONS, pause_turn: 'stop', model_context_window_exceeded: 'length', refusal: 'content_filter' };

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
