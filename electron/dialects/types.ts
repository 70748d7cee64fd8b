// Dialects own what clients send and receive: each inbound dialect can be said in the chat
// pivot and back, including its stream and its error shape.
import type { GatewayError } from '../core/errors.js';
import type { Dialect } from '../core/deployment.js';
import type { TokenUsage } from '../core/usage.js';
import type { ChatChunk, ChatCompletion, ChatRequest } from '../core/chat.js';

export type Json = Record<string, unknown>;

/** Chat pivot chunks → the client's stream format. */
export interface ChatStreamEncoder {
  push(chunk: ChatChunk): string;
  /** Closes the stream properly (final events), given all chunks were pushed. */
  end(): string;
  /** Usage the chunks reported, for accounting. */
  readonly usage: TokenUsage | null;
}

/** Watches a natively relayed stream for usage; forwards bytes as they come. */
export interface NativeStreamScanner {
  push(chunk: Buffer): Buffer | string;
  end(): string;
  readonly usage: TokenUsage | null;
  /** The complete response the stream described, where the dialect has one (Responses). */
  readonly finished?: Json | null;
}

/** Where a dialect's answer names its model: the member, and whether only its first mention does (Anthropic's message_start). */
export interface AnswerModelMember {
  key: 'model' | 'modelVersion';
  once: boolean;
}

export interface TranslatedRequest {
  chat: ChatRequest;
  /** Tools the client offered that no chat upstream can run (hosted tools); reported, not sent. */
  omittedTools: string[];
}

/** A web-search server tool the client offered (Anthropic's web_search_*, Responses' web_search, Gemini's googleSearch). */
export interface WebSearchTool {
  /** The name the model calls it by (Anthropic's tool name; tool_choice may name it). */
  name: string;
  /** The client's own limit on searches in one answer, if it set one. */
  maxUses: number | null;
  /** The client asked for a search (tool_choice names it, or it is the only tool): refused without a provider, never left out. */
  forced: boolean;
}

/** One search Loopgate ran for the model: its results, or why there are none (Anthropic's error codes). */
export interface SearchStep {
  type: 'search';
  id: string;
  query: string;
  results: Array<{ title: string; url: string; pageAge: string | null; snippet?: string }> | { error: string };
}

/** A web search run by Loopgate for a translated upstream (gateway/inference/web-search.ts), for the dialect to say. */
export interface SearchRun {
  /** In order: what the model said between searches, and each search. */
  steps: Array<{ type: 'text'; text: string } | SearchStep>;
  /** The model's last answer, its usage the sum of every upstream call. */
  final: ChatCompletion;
  /** Searches run (failed ones too): what the client counts. */
  searches: number;
}

export interface InboundDialect {
  readonly name: Dialect;
  /** The field a request cannot do without, besides `model`. */
  readonly requiredField: string;
  toChat(body: Json): TranslatedRequest | Promise<TranslatedRequest>;
  fromChat(completion: ChatCompletion, request: Json): Json;
  streamEncoder(request: Json): ChatStreamEncoder;
  /** A stream's content type when it is not server-sent events (Gemini's JSON-array stream). */
  readonly streamContentType?: string;
  readonly errorBody: (error: GatewayError) => string;
  /** An upstream's error body (any dialect) re-said in this one, for translated requests. */
  readonly upstreamErrorBody: (status: number, text: string) => string;
  /** The last event of a stream that failed after it started. */
  streamErrorEvent(error: GatewayError): string;
  /**
   * The client's body for an upstream that speaks this dialect: only the model changes. Given
   * the client's own text (null when Loopgate changed the request), a body that would come out
   * the same is that text, forwarded without serialising it again.
   */
  nativeBody(request: Json, upstreamModel: string, clientText: string | null): string;
  nativeUsage(body: Json): TokenUsage | null;
  /** The one top-level member nativeUsage reads, so an answer passed through can be read for it alone. */
  readonly usageMember?: string;
  nativeStreamScanner(request: Json): NativeStreamScanner;
  /** Where a natively relayed answer names its model, renamed to the client's when the upstream's differs. */
  readonly answerModel?: AnswerModelMember;
  /** The web-search server tool a request carries, if any (searched by Loopgate for upstreams of other dialects). */
  webSearchTool?(body: Json): WebSearchTool | null;
  /** A search Loopgate ran, said in the dialect's server-tool shape; without it the final answer alone is said. */
  fromSearch?(run: SearchRun, request: Json): Json;
  /** The same as a whole stream. */
  searchStream?(run: SearchRun, request: Json): string;
  /** Called after a translated or native response completes (Responses keeps conversations). */
  remember?(request: Json, response: Json): void;
}

/** Pulls a readable message out of an upstream error body of any dialect. */
export function upstreamErrorMessage(text: string): { message: string; type: string | null; code: string | null } {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown; type?: unknown; code?: unknown } | string; message?: unknown };
    const error = parsed.error;
    if (typeof error === 'object' && error !== null) {
      return {
        message: String(error.message ?? text),
        type: typeof error.type === 'string' ? error.type : null,
        code: typeof error.code === 'string' ? error.code : null,
      };
    }
    if (typeof error === 'string') return { message: error, type: null, code: null };
    if (typeof parsed.message === 'string') return { message: parsed.message, type: null, code: null };
  } catch {
    // not JSON: the text is the message
  }
  return { message: text.slice(0, 500) || 'The upstream failed without a message.', type: null, code: null };
}
