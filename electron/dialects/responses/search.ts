// A web search Loopgate ran for a translated upstream, said as the Responses API's hosted
// web_search tool: a web_search_call item per search (action.search with its query and
// sources) before the answer's items, whole or as the event stream.
import { sseEvent } from '../../core/sse.js';
import type { Json, SearchRun } from '../types.js';
import { translateTools } from './request.js';
import { fromChatCompletion, itemId } from './response.js';

/** The Responses API's web_search tool (and its preview and dated names), as Loopgate runs it for chat upstreams. */
export function isResponsesWebSearch(tool: Json): boolean {
  return typeof tool.type === 'string' && tool.type.startsWith('web_search');
}

export function responsesSearchResponse(run: SearchRun, request: Json): Json {
  const calls: Json[] = [];
  const said: string[] = [];
  for (const step of run.steps) {
    if (step.type === 'text') said.push(step.text);
    else {
      const sources = Array.isArray(step.results) ? step.results.map((result) => ({ type: 'url', url: result.url })) : [];
      calls.push({ type: 'web_search_call', id: itemId('ws'), status: Array.isArray(step.results) ? 'completed' : 'failed', action: { type: 'search', query: step.query, sources } });
    }
  }
  const answer = fromChatCompletion(run.final, request, translateTools(((request.tools as Json[] | undefined) ?? []).filter((tool) => !isResponsesWebSearch(tool))).custom);
  const text = said.length ? [{ type: 'message', id: itemId('msg'), status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: said.join('\n'), annotations: [] }] }] : [];
  return { ...answer, output: [...text, ...calls, ...(answer.output as Json[])] };
}

/** Each item's added, progress and done events; text and arguments in one delta each. */
function itemEvents(item: Json, index: number, event: (type: string, data: Json) => string): string {
  const at = { item_id: item.id, output_index: index };
  let out = event('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress' } });
  if (item.type === 'web_search_call') {
    out += event('response.web_search_call.in_progress', at) + event('response.web_search_call.searching', at) + event('response.web_search_call.completed', at);
  } else if (item.type === 'message') {
    const part = (item.content as Json[])[0]!;
    out += event('response.content_part.added', { ...at, content_index: 0, part: { ...part, text: '' } });
    out += event('response.output_text.delta', { ...at, content_index: 0, delta: part.text, logprobs: [] });
    out += event('response.output_text.done', { ...at, content_index: 0, text: part.text, logprobs: [] });
    out += event('response.content_part.done', { ...at, content_index: 0, part });
  } else if (item.type === 'function_call') {
    out += event('response.function_call_arguments.delta', { ...at, delta: item.arguments });
    out += event('response.function_call_arguments.done', { ...at, arguments: item.arguments });
  }
  return out + event('response.output_item.done', { output_index: index, item });
}

export function responsesSearchStream(response: Json): string {
  let sequence = 0;
  const event = (type: string, data: Json): string => sseEvent({ type, sequence_number: sequence++, ...data }, type);
  const shell = { ...response, status: 'in_progress', output: [], usage: null };
  let out = event('response.created', { response: shell }) + event('response.in_progress', { response: shell });
  (response.output as Json[]).forEach((item, index) => (out += itemEvents(item, index, event)));
  return out + event(response.status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
}
