// Bedrock Converse response → chat pivot.
import type { ChatCompletion, ChatToolCall, FinishReason } from '../../core/chat.js';
import { chatCompletion, usageOf } from '../../core/chat.js';
import { COMMON_STOP_REASONS } from '../anthropic/response.js';

type Json = Record<string, unknown>;

export const STOP_REASON: Record<string, FinishReason> = { ...COMMON_STOP_REASONS, content_filtered: 'content_filter', guardrail_intervened: 'content_filter' };

export function converseUsage(usage: Json | undefined) {
  // Converse counts cache reads and writes apart from inputTokens, as Anthropic does.
  const cached = Number(usage?.cacheReadInputTokens ?? 0);
  const written = Number(usage?.cacheWriteInputTokens ?? 0);
  return usageOf(Number(usage?.inputTokens ?? 0) + cached + written, Number(usage?.outputTokens ?? 0), cached, 0, written);
}

export function fromConverseResponse(body: Json, model: string): ChatCompletion {
  const content = (((body.output as Json | undefined)?.message as Json | undefined)?.content as Json[] | undefined) ?? [];
  let text = '';
  let reasoning = '';
  const toolCalls: ChatToolCall[] = [];
  for (const block of content) {
    if (typeof block.text === 'string') text += block.text;
    const use = block.toolUse as Json | undefined;
    if (use) toolCalls.push({ id: String(use.toolUseId), type: 'function', function: { name: String(use.name), arguments: JSON.stringify(use.input ?? {}) } });
    const thought = ((block.reasoningContent as Json | undefined)?.reasoningText as Json | undefined)?.text;
    if (typeof thought === 'string') reasoning += thought;
  }
  return chatCompletion({
    id: 'bedrock',
    model,
    text,
    reasoning,
    toolCalls,
    finish: STOP_REASON[String(body.stopReason)] ?? 'stop',
    usage: converseUsage(body.usage as Json | undefined),
  });
}
