// A web search Loopgate ran for a translated upstream, said as Anthropic's server tool would:
// server_tool_use and web_search_tool_result blocks before the answer, and
// usage.server_tool_use.web_search_requests (Claude Code counts both for "Did N searches").
import { sseEvent } from '../../core/sse.js';
import type { Json, SearchRun } from '../types.js';
import { fromChatCompletion } from './response.js';

function resultBlock(step: Extract<SearchRun['steps'][number], { type: 'search' }>): Json {
  const content = Array.isArray(step.results)
    ? step.results.map((result) => ({ type: 'web_search_result', title: result.title, url: result.url, encrypted_content: '', page_age: result.pageAge }))
    : { type: 'web_search_tool_result_error', error_code: step.results.error };
  return { type: 'web_search_tool_result', tool_use_id: step.id, content };
}

/** The whole message: the searches in order, then the model's last answer. */
export function anthropicSearchMessage(run: SearchRun, model: string): Json {
  const content: Json[] = [];
  for (const step of run.steps) {
    if (step.type === 'text') content.push({ type: 'text', text: step.text });
    else content.push({ type: 'server_tool_use', id: step.id, name: 'web_search', input: { query: step.query } }, resultBlock(step));
  }
  const answer = fromChatCompletion(run.final, model);
  const usage = { ...(answer.usage as Json), server_tool_use: { web_search_requests: run.searches } };
  return { ...answer, content: [...content, ...(answer.content as Json[])], usage };
}

function blockEvents(block: Json, index: number): string {
  const start = (contentBlock: Json): string => sseEvent({ type: 'content_block_start', index, content_block: contentBlock }, 'content_block_start');
  const delta = (value: Json): string => sseEvent({ type: 'content_block_delta', index, delta: value }, 'content_block_delta');
  let out: string;
  if (block.type === 'text') out = start({ type: 'text', text: '' }) + delta({ type: 'text_delta', text: block.text });
  else if (block.type === 'thinking') out = start({ type: 'thinking', thinking: '', signature: '' }) + delta({ type: 'thinking_delta', thinking: block.thinking });
  else if (block.type === 'tool_use' || block.type === 'server_tool_use') out = start({ ...block, input: {} }) + delta({ type: 'input_json_delta', partial_json: JSON.stringify(block.input) });
  else out = start(block);
  return out + sseEvent({ type: 'content_block_stop', index }, 'content_block_stop');
}

/** The same message as Anthropic's event stream. */
export function anthropicSearchStream(message: Json): string {
  const usage = message.usage as Json;
  let out = sseEvent({ type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 0 } } }, 'message_start');
  (message.content as Json[]).forEach((block, index) => (out += blockEvents(block, index)));
  out += sseEvent({ type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage }, 'message_delta');
  return out + sseEvent({ type: 'message_stop' }, 'message_stop');
}
