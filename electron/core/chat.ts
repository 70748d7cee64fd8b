// OpenAI Chat Completions as Loopgate's pivot: every inbound dialect can be said in it and
// every provider family can be reached from it. Only the fields translation reads are typed;
// the rest pass through as unknown.

type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: ChatRole;
  content: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  /** Reasoning text, as DeepSeek, vLLM and LiteLLM surface it on chat. */
  reasoning_content?: string;
}

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type ChatToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

interface ChatResponseFormat {
  type: 'text' | 'json_object' | 'json_schema';
  json_schema?: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string };
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ChatResponseFormat;
  reasoning_effort?: ReasoningEffort;
  user?: string;
  [field: string]: unknown;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** cache_write_tokens as OpenRouter and other OpenAI-compatible upstreams report them; cache_write_1h_tokens is Loopgate's, for Anthropic's 1-hour cache. */
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number; cache_write_1h_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[]; reasoning_content?: string; refusal?: string | null };
    finish_reason: FinishReason | null;
    logprobs?: null;
  }>;
  usage?: ChatUsage;
}

interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string | null; tool_calls?: ChatToolCallDelta[]; reasoning_content?: string };
    finish_reason: FinishReason | null;
  }>;
  usage?: ChatUsage | null;
}

/** Text of a message's content, parts joined. */
export function contentText(content: ChatMessage['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

export function usageOf(prompt: number, completion: number, cached = 0, reasoning = 0, cacheWrite = 0, cacheWrite1h = 0): ChatUsage {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(cached || cacheWrite ? { prompt_tokens_details: { cached_tokens: cached, ...(cacheWrite ? { cache_write_tokens: cacheWrite } : {}), ...(cacheWrite1h ? { cache_write_1h_tokens: cacheWrite1h } : {}) } } : {}),
    ...(reasoning ? { completion_tokens_details: { reasoning_tokens: reasoning } } : {}),
  };
}

export interface ReplyParts {
  id: string;
  model: string;
  text: string;
  reasoning: string;
  toolCalls: ChatToolCall[];
  finish: FinishReason;
  usage?: ChatUsage | null;
}

/** A one-choice chat completion from what a translated upstream said. */
export function chatCompletion(parts: ReplyParts): ChatCompletion {
  const { toolCalls } = parts;
  return {
    id: parts.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: parts.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: parts.text || (toolCalls.length ? null : ''),
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          ...(parts.reasoning ? { reasoning_content: parts.reasoning } : {}),
        },
        finish_reason: parts.finish,
        logprobs: null,
      },
    ],
    ...(parts.usage ? { usage: parts.usage } : {}),
  };
}

/** Makes the chunks of one translated stream (same id, created and model on each). */
export function chunkMaker(model: string, created = Math.floor(Date.now() / 1000)) {
  return (id: string, delta: ChatChunk['choices'][number]['delta'], finish: FinishReason | null = null): ChatChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
}

/** The sampling settings every translated family maps, read once the same way. */
export interface Sampling {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
}

export function samplingOf(chat: ChatRequest): Sampling {
  const maxTokens = chat.max_completion_tokens ?? chat.max_tokens;
  return {
    ...(typeof maxTokens === 'number' ? { maxTokens } : {}),
    ...(typeof chat.temperature === 'number' ? { temperature: chat.temperature } : {}),
    ...(typeof chat.top_p === 'number' ? { topP: chat.top_p } : {}),
    ...(chat.stop !== undefined && chat.stop !== null ? { stop: Array.isArray(chat.stop) ? chat.stop : [chat.stop] } : {}),
  };
}

/** Adds content to the conversation, merging into the last turn when it has the same role. */
export function appendTurn<T>(turns: Array<{ role: string; items: T[] }>, role: string, items: T[]): void {
  const last = turns.at(-1);
  if (last && last.role === role) last.items.push(...items);
  else turns.push({ role, items });
}
