// LiteLLM's `mock_response`: the request is answered with the given text in the client's own
// dialect, plain or streamed, without asking any upstream (so it costs nothing). Scripts use it
// to test their wiring through the proxy.
import type { ChatChunk, ChatCompletion } from '../../core/chat.js';
import { GatewayError } from '../../core/errors.js';
import type { TokenUsage } from '../../core/usage.js';
import type { InboundDialect, Json } from '../../dialects/types.js';
import { countChatPromptTokens, countTokens } from '../../providers/tokens.js';
import { sendJson, writeHead, type RequestContext } from '../http/context.js';
import { responseIdOf } from './response-id.js';

/** Dialects without a chat shape (completions, embeddings, images, moderations) have no mock answer. */
const CHAT_SHAPED = new Set(['chat', 'responses', 'anthropic', 'gemini']);

/** Answers with `text`; returns the answer's usage and id, for the request's outcome. */
export async function answerMock(ctx: RequestContext, dialect: InboundDialect, body: Json, text: string, stream: boolean): Promise<{ usage: TokenUsage; responseId: string | null }> {
  if (!CHAT_SHAPED.has(dialect.name)) {
    throw new GatewayError('invalid_request', `"mock_response" is answered on chat-shaped routes (chat completions, responses, messages); not on /${dialect.name}.`, {
      param: 'mock_response',
    });
  }
  const { chat } = await dialect.toChat(body);
  const promptTokens = countChatPromptTokens(chat);
  const completionTokens = countTokens(text);
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const counted: TokenUsage = { promptTokens, completionTokens, totalTokens: usage.total_tokens };
  const base = { id: `chatcmpl-mock-${ctx.id}`, created: Math.floor(Date.now() / 1000), model: String(body.model) };
  if (!stream) {
    const completion: ChatCompletion = { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage };
    const out = JSON.stringify(dialect.fromChat(completion, body));
    sendJson(ctx, 200, out);
    return { usage: counted, responseId: responseIdOf(out) };
  }
  const chunk = (choices: ChatChunk['choices'], extra: Partial<ChatChunk> = {}): ChatChunk => ({ ...base, object: 'chat.completion.chunk', choices, ...extra });
  const encoder = dialect.streamEncoder(body);
  const events = [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    chunk([{ index: 0, delta: { content: text }, finish_reason: null }]),
    chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
    chunk([], { usage }),
  ];
  writeHead(ctx, 200, { 'content-type': dialect.streamContentType ?? 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const out = events.map((event) => encoder.push(event)).join('') + encoder.end();
  ctx.res.end(out);
  return { usage: counted, responseId: responseIdOf(out) };
}
