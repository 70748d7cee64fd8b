// Web search for upstreams that cannot search themselves (issue 24). A request that carries a
// web-search server tool (Anthropic's web_search_*, Responses' web_search, Gemini's
// googleSearch) and goes to an upstream of another dialect is answered here: the model is
// offered a search function, each call is searched with the configured provider
// (providers/search/) and fed back, until the model answers or the searches run out; the
// client then hears the whole exchange in its dialect's server-tool shape. Without a provider
// the request is refused with a 400 that says how to set one up, never answered as if searched.
import { randomBytes } from 'node:crypto';
import type { ChatCompletion, ChatMessage, ChatRequest, ChatTool, ChatToolCall, ChatToolChoice, ChatUsage } from '../../core/chat.js';
import { ClientSignal } from '../../core/client-signal.js';
import type { DeploymentConfig } from '../../core/deployment.js';
import { GatewayError } from '../../core/errors.js';
import { usageFromOpenAI } from '../../core/usage.js';
import type { InboundDialect, Json, SearchRun, SearchStep, WebSearchTool } from '../../dialects/types.js';
import { familyOf } from '../../providers/index.js';
import { SearchFailure, searchWeb, type SearchProviderConfig, type WebSearchResult } from '../../providers/search/index.js';
import { countChatPromptTokens, countTokens } from '../../providers/tokens.js';
import { withoutParams } from '../../providers/unsupported.js';
import { sendJson, setAnswerHeader, writeHead } from '../http/context.js';
import { untranslatable } from './request-shape.js';
import { relayAttempt, routeHeaders, type AttemptScope, type Relayed } from './relay.js';
import { responseIdOf } from './response-id.js';
import { answerSearchStream } from './web-search-stream.js';
import { callForCompletion } from './web-search-upstream.js';

/** Searches in one answer when the client set no max_uses. */
const DEFAULT_MAX_USES = 5;
const RESULTS_PER_SEARCH = 5;

const NO_SEARCH_PROVIDER =
  'This request asks for web search, which its upstream cannot run, and no search provider is set in Loopgate. ' +
  'Choose one under Providers → Web search in the Loopgate app (SearXNG, Brave, Tavily or Exa), or add search_tools to the config file; ' +
  'or send the request to a model group whose upstream is Anthropic.';

/** The web-search tool this attempt must run itself: the client offered one, and the upstream speaks another dialect. */
export function searchedByLoopgate(dialect: InboundDialect, deployment: DeploymentConfig, body: Json): WebSearchTool | null {
  if (!dialect.webSearchTool || familyOf(deployment).speaks(dialect.name, deployment)) return null;
  return dialect.webSearchTool(body);
}

/**
 * One attempt with searches: the loop upstream, then the whole answer to the client. Without a
 * provider, a search the client asked for (tool_choice names it, as Claude Code's WebSearch does)
 * is refused; one merely offered among other tools (Codex offers it on every turn) is left out
 * and named in x-loopgate-omitted-tools, as other hosted tools are: the answer claims no search.
 */
export async function relaySearched(scope: AttemptScope, tool: WebSearchTool, provider: SearchProviderConfig | null): Promise<Relayed> {
  if (!provider && tool.forced) throw new GatewayError('web_search_unavailable', NO_SEARCH_PROVIDER, { param: 'tools' });
  if (!provider) return relayAttempt(scope);
  const startedAt = performance.now();
  const run = await searchLoop(scope, tool, provider);
  const latencyMs = performance.now() - startedAt;
  const { ctx, dialect, body, turn, deployment, timing } = scope;
  turn.commit();
  routeHeaders(ctx, deployment, turn.number, turn.backoffMs, timing);
  setAnswerHeader(ctx, 'x-loopgate-web-searches', String(run.searches));
  const usage = usageFromOpenAI(run.final);
  if (scope.stream) {
    const out = answerSearchStream(dialect, run, body);
    writeHead(ctx, 200, { 'content-type': dialect.streamContentType ?? 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    ctx.res.write(out);
    return {
      latencyMs,
      sent: scope.keep.sent ? [out] : null,
      contentType: dialect.streamContentType ?? 'text/event-stream; charset=utf-8',
      usage,
      responseId: responseIdOf(out),
      responseBody: scope.keep.answer ? out : null,
      open: true,
    };
  }
  const out = JSON.stringify(dialect.fromSearch ? dialect.fromSearch(run, body) : dialect.fromChat(run.final, body));
  sendJson(ctx, 200, out);
  return { latencyMs, sent: [out], contentType: 'application/json', usage, responseId: responseIdOf(out), responseBody: scope.keep.answer ? out : null, open: false };
}

function searchFunction(name: string): ChatTool {
  return {
    type: 'function',
    function: {
      name,
      description: 'Search the web for current information. Returns the titles, URLs and text of matching pages.',
      parameters: { type: 'object', properties: { query: { type: 'string', description: 'What to search for' } }, required: ['query'] },
    },
  };
}

/** The round's tools and tool_choice: the search function while searches are left, forced first when the client forced it. */
function toolsFor(chat: ChatRequest, tool: WebSearchTool, canSearch: boolean, first: boolean): Pick<ChatRequest, 'tools' | 'tool_choice'> {
  const tools = [...(chat.tools ?? []), ...(canSearch ? [searchFunction(tool.name)] : [])];
  if (tools.length === 0) return {};
  const choice = chat.tool_choice;
  const namesSearch = typeof choice === 'object' && choice.function.name === tool.name;
  let toolChoice: ChatToolChoice | undefined = namesSearch ? undefined : choice;
  if (canSearch && first && (tool.forced || namesSearch)) toolChoice = { type: 'function', function: { name: tool.name } };
  // A forced search is forced once; 'required' with only the search left would never let the model answer.
  if (!first && toolChoice === 'required' && (chat.tools ?? []).length === 0) toolChoice = undefined;
  return { tools, ...(toolChoice ? { tool_choice: toolChoice } : {}) };
}

async function searchLoop(scope: AttemptScope, tool: WebSearchTool, provider: SearchProviderConfig): Promise<SearchRun> {
  const { dialect, body, deployment, ctx, deps } = scope;
  const family = familyOf(deployment);
  let chat: ChatRequest;
  try {
    let omitted: string[];
    ({ chat, omittedTools: omitted } = await dialect.toChat(body));
    // Hosted tools other than the search are still left out, and said.
    omitted = omitted.filter((name) => !/web_search|google_?search/i.test(name));
    if (omitted.length > 0) setAnswerHeader(ctx, 'x-loopgate-omitted-tools', omitted.join(', '));
  } catch (error) {
    throw untranslatable(error);
  }
  const { stream: _stream, stream_options: _options, ...base } = withoutParams(chat, scope.dropParams ? family.unsupportedParams(chat) : []);
  const { tools: _tools, tool_choice: _choice, ...plain } = base;
  const maxUses = tool.maxUses ?? DEFAULT_MAX_USES;
  const messages: ChatMessage[] = [...base.messages];
  const steps: SearchRun['steps'] = [];
  let searches = 0;
  let usage: ChatUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (let round = 0; ; round++) {
    const canSearch = searches < maxUses;
    const request: ChatRequest = { ...plain, messages, ...toolsFor(base, tool, canSearch, round === 0), model: deployment.upstreamModel };
    const completion = await callForCompletion(scope, family.chatRequest(request, deployment));
    usage = added(usage, completion.usage ?? estimated(request, completion));
    const message = completion.choices[0]?.message;
    const calls = message?.tool_calls ?? [];
    const searchCalls = calls.filter((call) => call.function.name === tool.name);
    // The answer: no search asked for, a client tool asked for too, or a search not offered any more.
    if (searchCalls.length === 0 || searchCalls.length < calls.length || !canSearch) {
      deps.logger.log('info', 'Answered with web search run by Loopgate', { id: ctx.id, deployment: deployment.id, searches });
      return { steps, searches, final: finalAnswer(completion, tool.name, usage) };
    }
    if (message?.content) steps.push({ type: 'text', text: message.content });
    messages.push({ role: 'assistant', content: message?.content ?? null, tool_calls: searchCalls });
    for (const call of searchCalls) {
      const step = await runSearch(call, provider, searches < maxUses, ctx.signal);
      if (!('error' in step.results) || step.results.error !== 'max_uses_exceeded') searches++;
      steps.push(step);
      messages.push({ role: 'tool', tool_call_id: call.id, content: resultText(step) });
    }
  }
}

async function runSearch(call: ChatToolCall, provider: SearchProviderConfig, allowed: boolean, signal: AbortSignal | ClientSignal): Promise<SearchStep> {
  const id = `srvtoolu_${randomBytes(12).toString('hex')}`;
  let query = '';
  try {
    query = String((JSON.parse(call.function.arguments || '{}') as { query?: unknown }).query ?? '');
  } catch {
    // arguments that are not JSON: an invalid input, said as such
  }
  if (!allowed) return { type: 'search', id, query, results: { error: 'max_uses_exceeded' } };
  if (!query.trim()) return { type: 'search', id, query, results: { error: 'invalid_tool_input' } };
  try {
    const found: WebSearchResult[] = await searchWeb(provider, query, { maxResults: RESULTS_PER_SEARCH, signal: signal instanceof ClientSignal ? signal.toAbortSignal() : signal });
    return { type: 'search', id, query, results: found.map(({ title, url, pageAge, snippet }) => ({ title, url, pageAge, snippet })) };
  } catch (error) {
    if (error instanceof SearchFailure) return { type: 'search', id, query, results: { error: error.code } };
    throw error;
  }
}

/** What the model reads back: each result's title, URL, age and text; or why there are none. */
function resultText(step: SearchStep): string {
  if (!Array.isArray(step.results)) return `The web search for "${step.query}" failed: ${step.results.error}.`;
  if (step.results.length === 0) return `The web search for "${step.query}" found nothing.`;
  const lines = step.results.map((result, index) => {
    const snippet = result.snippet ?? '';
    return `${index + 1}. ${result.title}\nURL: ${result.url}${result.pageAge ? `\nAge: ${result.pageAge}` : ''}${snippet ? `\n${snippet}` : ''}`;
  });
  return `Web search results for "${step.query}":\n\n${lines.join('\n\n')}`;
}

/** The last answer, without search calls it was not given, carrying the usage of every call. */
function finalAnswer(completion: ChatCompletion, searchName: string, usage: ChatUsage): ChatCompletion {
  const choice = completion.choices[0];
  if (!choice) return { ...completion, usage };
  const calls = (choice.message.tool_calls ?? []).filter((call) => call.function.name !== searchName);
  const { tool_calls: _calls, ...message } = choice.message;
  const finish = calls.length === 0 && choice.finish_reason === 'tool_calls' ? 'stop' : choice.finish_reason;
  return { ...completion, choices: [{ ...choice, message: { ...message, ...(calls.length ? { tool_calls: calls } : {}) }, finish_reason: finish }], usage };
}

function added(sum: ChatUsage, more: ChatUsage): ChatUsage {
  const cached = (sum.prompt_tokens_details?.cached_tokens ?? 0) + (more.prompt_tokens_details?.cached_tokens ?? 0);
  const reasoning = (sum.completion_tokens_details?.reasoning_tokens ?? 0) + (more.completion_tokens_details?.reasoning_tokens ?? 0);
  return {
    prompt_tokens: sum.prompt_tokens + more.prompt_tokens,
    completion_tokens: sum.completion_tokens + more.completion_tokens,
    total_tokens: sum.total_tokens + more.total_tokens,
    ...(cached ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
    ...(reasoning ? { completion_tokens_details: { reasoning_tokens: reasoning } } : {}),
  };
}

/** For upstreams that report no usage: the prompt and reply counted with a tokenizer. */
function estimated(request: ChatRequest, completion: ChatCompletion): ChatUsage {
  const message = completion.choices[0]?.message;
  const prompt = countChatPromptTokens(request);
  const reply = countTokens(`${message?.content ?? ''}${JSON.stringify(message?.tool_calls ?? [])}`);
  return { prompt_tokens: prompt, completion_tokens: reply, total_tokens: prompt + reply };
}
