// OpenAI's Responses API, inbound (Codex CLI, `openai.responses`): relayed natively to
// upstreams that serve it, translated through the chat pivot for the rest, with conversations
// kept locally for `previous_response_id`.
import { errorBodyFor } from '../error-bodies.js';
import type { SseEvent } from '../../core/sse.js';
import { ObservedStream } from '../observed-stream.js';
import { usageFromOpenAI, type TokenUsage } from '../../core/usage.js';
import { chatDialect } from '../chat/index.js';
import type { InboundDialect, Json, NativeStreamScanner } from '../types.js';
import type { ConversationStore } from './conversations.js';
import { inputToMessages, responsesToChat, translateTools } from './request.js';
import { fromChatCompletion, outputToMessages } from './response.js';
import { ResponsesEncoder } from './stream.js';
import { isResponsesWebSearch, responsesSearchResponse, responsesSearchStream } from './search.js';

/** Reads usage (and the finished response) from a natively relayed Responses stream. */
class ResponsesNativeScanner extends ObservedStream implements NativeStreamScanner {
  usage: TokenUsage | null = null;
  finished: Json | null = null;

  protected observe({ event, data }: SseEvent): void {
    if (event !== undefined && event !== 'response.completed' && event !== 'response.incomplete') return;
    if (!data.includes('"response.completed"') && !data.includes('"response.incomplete"')) return;
    try {
      const parsed = JSON.parse(data) as { response?: Json };
      this.finished = parsed.response ?? null;
      this.usage = usageFromOpenAI(parsed.response);
    } catch {
      // not JSON: nothing to read
    }
  }
}

export function createResponsesDialect(conversations: ConversationStore): InboundDialect {
  const remember = (request: Json, response: Json): void => {
    if (typeof response.id !== 'string' || !Array.isArray(response.output)) return;
    const earlier = typeof request.previous_response_id === 'string' ? (conversations.get(request.previous_response_id) ?? []) : [];
    conversations.set(response.id, [...earlier, ...inputToMessages(request.input), ...outputToMessages(response.output as Json[])]);
  };
  return {
    name: 'responses',
    requiredField: 'input',
    toChat: (body) => responsesToChat(body, conversations),
    fromChat: (completion, request) => fromChatCompletion(completion, request, translateTools((request.tools as Json[] | undefined) ?? []).custom),
    streamEncoder(request) {
      const encoder = new ResponsesEncoder(request, translateTools((request.tools as Json[] | undefined) ?? []).custom);
      // Remember the conversation once the stream has finished.
      const end = encoder.end.bind(encoder);
      encoder.end = () => {
        const out = end();
        remember(request, encoder.finalResponse());
        return out;
      };
      return encoder;
    },
    webSearchTool(body) {
      const tool = ((body.tools as Json[] | undefined) ?? []).find(isResponsesWebSearch);
      const choice = body.tool_choice as Json | string | undefined;
      const only = ((body.tools as Json[] | undefined) ?? []).length === 1;
      return tool ? { name: 'web_search', maxUses: null, forced: only || (typeof choice === 'object' && isResponsesWebSearch(choice)) } : null;
    },
    fromSearch(run, request) {
      const response = responsesSearchResponse(run, request);
      remember(request, response);
      return response;
    },
    searchStream(run, request) {
      const response = responsesSearchResponse(run, request);
      remember(request, response);
      return responsesSearchStream(response);
    },
    errorBody: errorBodyFor('openai'),
    upstreamErrorBody: chatDialect.upstreamErrorBody,
    streamErrorEvent: (error) => {
      const data = { type: 'error', code: error.code, message: error.message, param: error.param, sequence_number: 0 };
      return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
    },
    nativeBody: (request, upstreamModel, clientText) => (clientText !== null && request.model === upstreamModel ? clientText : JSON.stringify({ ...request, model: upstreamModel })),
    nativeUsage: (body) => usageFromOpenAI(body),
    nativeStreamScanner: () => new ResponsesNativeScanner(),
    answerModel: { key: 'model', once: false },
    remember,
  };
}
