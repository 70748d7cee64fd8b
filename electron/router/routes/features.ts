// What a request is, read from its body in the client's own dialect (Anthropic Messages, Chat
// Completions, Responses, Gemini): thinking asked for, an image anywhere (also inside a tool
// result), a web-search tool, tools at all, a subagent marker. Each is read only when a route
// asks, and once per request.
import type { RouteDialect } from '../../../shared/routes.js';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Anthropic `thinking` (not disabled), OpenAI `reasoning_effort` / `reasoning`, Gemini `thinkingConfig` (a budget other than 0). */
export function asksThinking(dialect: RouteDialect, body: Json): boolean {
  switch (dialect) {
    case 'anthropic':
      return isRecord(body.thinking) && body.thinking.type !== 'disabled';
    case 'chat':
    case 'responses': {
      const effort = typeof body.reasoning_effort === 'string' ? body.reasoning_effort : isRecord(body.reasoning) ? body.reasoning.effort : undefined;
      if (effort === 'none') return false;
      return effort !== undefined || isRecord(body.reasoning) || isRecord(body.thinking);
    }
    case 'gemini': {
      const config = isRecord(body.generationConfig) ? body.generationConfig.thinkingConfig : undefined;
      return isRecord(config) && config.thinkingBudget !== 0;
    }
  }
}

const IMAGE_TYPES = new Set(['image', 'image_url', 'input_image']);

/** Any image part, at any depth of the messages (a tool result's content, a function output's). */
export function hasImage(dialect: RouteDialect, body: Json): boolean {
  const messages = dialect === 'anthropic' || dialect === 'chat' ? body.messages : dialect === 'responses' ? body.input : body.contents;
  return containsImage(messages, 0);
}

/** Depth-bounded: a client's nesting cannot make the walk deep. */
function containsImage(value: unknown, depth: number): boolean {
  if (depth > 8) return false;
  if (Array.isArray(value)) return value.some((item) => containsImage(item, depth + 1));
  if (!isRecord(value)) return false;
  if (typeof value.type === 'string' && IMAGE_TYPES.has(value.type)) return true;
  // Gemini's inline and file data carry a MIME type.
  for (const data of [value.inlineData, value.inline_data, value.fileData, value.file_data]) {
    if (isRecord(data) && String(data.mimeType ?? data.mime_type ?? '').startsWith('image/')) return true;
  }
  for (const key of ['content', 'output', 'parts', 'functionResponse', 'response']) {
    if (key in value && containsImage(value[key], depth + 1)) return true;
  }
  return false;
}

const WEB_SEARCH = /^web_search/;

/** A web-search server tool (Anthropic's `web_search_*`, OpenAI's `web_search*`, Gemini's `googleSearch`) or a function named so. */
export function hasWebSearch(dialect: RouteDialect, body: Json): boolean {
  if (dialect === 'chat' && body.web_search_options !== undefined) return true;
  return list(body.tools).some((tool) => {
    if (!isRecord(tool)) return false;
    if (dialect === 'gemini') {
      const declared = [...list(tool.functionDeclarations), ...list(tool.function_declarations)];
      return (
        ['googleSearch', 'google_search', 'googleSearchRetrieval', 'google_search_retrieval'].some((key) => key in tool) || declared.some((fn) => isRecord(fn) && typeof fn.name === 'string' && WEB_SEARCH.test(fn.name))
      );
    }
    const fn = isRecord(tool.function) ? tool.function : tool;
    return (typeof tool.type === 'string' && WEB_SEARCH.test(tool.type)) || (typeof fn.name === 'string' && WEB_SEARCH.test(fn.name));
  });
}

export function hasTools(dialect: RouteDialect, body: Json): boolean {
  return list(body.tools).length > 0 || (dialect === 'chat' && list(body.functions).length > 0);
}

export function isStream(body: Json): boolean {
  return body.stream === true;
}
