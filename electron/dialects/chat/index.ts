// The OpenAI Chat Completions dialect, inbound. It is also the pivot, so translation is a
// check in one direction and a re-serialisation in the other.
import { GatewayError } from '../../core/errors.js';
import { errorBodyFor } from '../error-bodies.js';
import { prepareOpenAIBody } from '../openai-wire.js';
import { usageFromOpenAI } from '../../core/usage.js';
import { OpenAIStreamRelay } from '../openai-wire.js';
import type { TokenUsage } from '../../core/usage.js';
import { upstreamErrorMessage, type ChatStreamEncoder, type InboundDialect, type Json } from '../types.js';
import type { ChatChunk, ChatCompletion, ChatRequest } from '../../core/chat.js';

export function wantsUsage(request: Json): boolean {
  const options = request.stream_options as { include_usage?: unknown } | undefined;
  return options?.include_usage === true;
}

class ChatEncoder implements ChatStreamEncoder {
  usage: TokenUsage | null = null;
  constructor(
    private readonly includeUsage: boolean,
    private readonly model: string,
  ) {}

  push(chunk: ChatChunk): string {
    if (chunk.usage) this.usage = usageFromOpenAI(chunk);
    // The gateway always asks for usage; the client sees that chunk only if it asked too.
    if (chunk.choices.length === 0 && chunk.usage && !this.includeUsage) return '';
    return `data: ${JSON.stringify({ ...chunk, model: this.model })}\n\n`;
  }

  end(): string {
    return 'data: [DONE]\n\n';
  }
}

export const chatDialect: InboundDialect = {
  name: 'chat',
  requiredField: 'messages',
  toChat(body) {
    if (!Array.isArray(body.messages)) {
      throw new GatewayError('invalid_request', '"messages" must be an array of messages.', { param: 'messages' });
    }
    return { chat: body as ChatRequest, omittedTools: [] };
  },
  fromChat: (completion: ChatCompletion, request) => ({ ...completion, model: request.model }),
  streamEncoder: (request) => new ChatEncoder(wantsUsage(request), String(request.model)),
  errorBody: errorBodyFor('openai'),
  upstreamErrorBody(status, text) {
    const { message, type, code } = upstreamErrorMessage(text);
    return JSON.stringify({ error: { message, type: type ?? 'upstream_error', param: null, code: code ?? 'upstream' } });
  },
  streamErrorEvent: (error) => `data: ${errorBodyFor('openai')(error)}\n\n`,
  nativeBody: (request, upstreamModel, clientText) => prepareOpenAIBody('chat', request, upstreamModel, clientText).body,
  nativeUsage: (body) => usageFromOpenAI(body),
  usageMember: 'usage',
  nativeStreamScanner: (request) => new OpenAIStreamRelay(!wantsUsage(request)),
  answerModel: { key: 'model', once: false },
};
