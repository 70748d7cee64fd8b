// A chat upstream that reaches for web search as a model would: offered a search function
// (web_search, or Claude Code's WebSearch, loaded through ToolSearch when deferred) and forced to it or asked to "search the web for X" /
// "perform a web search for the query: X", it calls it with { query: X }; after a tool result it
// answers "Found <first URL in the result>". Streams on request; every answer carries usage.
import { serve, type MockServer } from './mock-server.js';

type Json = Record<string, unknown>;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((part: Json) => String(part.text ?? '')).join('') : '';
}

function queryIn(text: string): string {
  const match = /(?:query: |search the web for )([^\n<]+)/i.exec(text);
  return (match?.[1] ?? text).trim().replace(/[.?]$/, '');
}

const SEARCH = /^(web_search|WebSearch)$/;

function reply(body: Json): { content: string } | { call: { name: string; args: string } } {
  const messages = (body.messages as Array<{ role: string; content: unknown; tool_calls?: Array<{ function: { name: string } }> }>) ?? [];
  const turn = messages.slice(messages.findLastIndex((message) => message.role === 'user') + 1);
  const searched = turn.some((message) => message.tool_calls?.some((call) => SEARCH.test(call.function.name)));
  // A search's result after the last user turn is answered, even when a system message follows it (Claude Code 2.1.278).
  const result = turn.findLast((message) => message.role === 'tool');
  if (result && searched) return { content: `Found ${/https?:\/\/[^\s"\\)]+/.exec(textOf(result.content))?.[0] ?? 'nothing'}` };
  const tools = ((body.tools as Array<{ function: { name: string } }> | undefined) ?? []).map((tool) => tool.function.name);
  const search = tools.find((name) => SEARCH.test(name));
  const forced = (body.tool_choice as { function?: { name?: string } } | undefined)?.function?.name;
  const user = textOf([...messages].reverse().find((message) => message.role === 'user')?.content);
  const asked = /search the web|perform a web search/i.test(user);
  if (search && (forced === search || asked)) return { call: { name: search, args: JSON.stringify({ query: queryIn(user) }) } };
  // Claude Code 2.1.332 defers WebSearch behind ToolSearch: load it first.
  if (asked && !result && tools.includes('ToolSearch')) return { call: { name: 'ToolSearch', args: JSON.stringify({ query: 'select:WebSearch' }) } };
  return { content: result ? `Found ${/https?:\/\/[^\s"\\)]+/.exec(textOf(result.content))?.[0] ?? 'nothing'}` : 'No search needed.' };
}

export async function startSearchingChat(): Promise<MockServer> {
  let calls = 0;
  return serve((path, _query, _headers, body, _raw, res) => {
    if (path !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end('{"error":{"message":"not found"}}');
    }
    calls++;
    const said = reply(body);
    const usage = { prompt_tokens: 100 * calls, completion_tokens: 10, total_tokens: 100 * calls + 10 };
    const message =
      'call' in said
        ? { role: 'assistant', content: null, tool_calls: [{ id: `call_${calls}`, type: 'function', function: { name: said.call.name, arguments: said.call.args } }] }
        : { role: 'assistant', content: said.content };
    const finish = 'call' in said ? 'tool_calls' : 'stop';
    const base = { id: `chatcmpl-search-${calls}`, created: 1_700_000_000, model: String(body.model) };
    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage }));
    }
    const chunk = (delta: Json, finishReason: string | null = null): string => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
    const tail = `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\ndata: [DONE]\n\n`;
    const delta = 'call' in said ? { role: 'assistant', tool_calls: message.tool_calls!.map((call, index) => ({ index, ...call })) } : { role: 'assistant', content: said.content };
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(chunk(delta) + chunk({}, finish) + tail);
  });
}
