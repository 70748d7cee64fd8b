// Chat pivot → a Responses API response object, and a response's output back into chat
// messages (for the conversation store).
import { randomBytes } from 'node:crypto';
import type { ChatCompletion, ChatMessage, ChatUsage, FinishReason } from '../../core/chat.js';
import type { Json } from '../types.js';
import { CUSTOM_INPUT } from './request.js';

export function itemId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export function responsesUsage(usage: ChatUsage | null | undefined): Json {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: input + output,
  };
}

/** The echo of the request every response object carries. */
export function responseShell(request: Json, id: string, createdAt: number): Json {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: request.model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: request.reasoning ?? { effort: null, summary: null },
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: request.text ?? { format: { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    usage: null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}

export function finishStatus(finish: FinishReason | null): Json {
  return finish === 'length'
    ? { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }
    : finish === 'content_filter'
      ? { status: 'incomplete', incomplete_details: { reason: 'content_filter' } }
      : { status: 'completed' };
}

export function callItem(callId: string, name: string, args: string, customTools: ReadonlySet<string>, id = itemId('fc')): Json {
  if (customTools.has(name)) {
    let input = args;
    try {
      input = String((JSON.parse(args) as Json)[CUSTOM_INPUT] ?? args);
    } catch {
      // arguments that are not our wrapper object: pass the text as it is
    }
    return { type: 'custom_tool_call', id: id.replace(/^fc_/, 'ctc_'), call_id: callId, name, input, status: 'completed' };
  }
  return { type: 'function_call', id, call_id: callId, name, arguments: args, status: 'completed' };
}

export function fromChatCompletion(completion: ChatCompletion, request: Json, customTools: ReadonlySet<string>): Json {
  const choice = completion.choices[0];
  const message = choice?.message;
  const output: Json[] = [];
  if (message?.reasoning_content) {
    output.push({ type: 'reasoning', id: itemId('rs'), summary: [{ type: 'summary_text', text: message.reasoning_content }] });
  }
  if (message?.content) {
    output.push({
      type: 'message',
      id: itemId('msg'),
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: message.content, annotations: [] }],
    });
  }
  for (const call of message?.tool_calls ?? []) output.push(callItem(call.id, call.function.name, call.function.arguments, customTools));
  return {
    ...responseShell(request, itemId('resp'), completion.created || Math.floor(Date.now() / 1000)),
    ...finishStatus(choice?.finish_reason ?? 'stop'),
    output,
    usage: responsesUsage(completion.usage),
  };
}

/** A response's output as the assistant turn it was, for the next turn's history. */
export function outputToMessages(output: Json[]): ChatMessage[] {
  const turn: ChatMessage = { role: 'assistant', content: null };
  for (const item of output) {
    if (item.type === 'message') {
      const text = ((item.content as Json[] | undefined) ?? []).map((part) => String(part.text ?? '')).join('');
      turn.content = `${typeof turn.content === 'string' ? turn.content : ''}${text}`;
    } else if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      const args = item.type === 'function_call' ? String(item.arguments ?? '') : JSON.stringify({ [CUSTOM_INPUT]: String(item.input ?? '') });
      (turn.tool_calls ??= []).push({ id: String(item.call_id), type: 'function', function: { name: String(item.name), arguments: args } });
    }
  }
  return turn.content !== null || turn.tool_calls ? [turn] : [];
}
