// Sample requests for the route test: one per scenario and inbound dialect, shaped the way the
// clients that send them do (Claude Code's Anthropic bodies, an OpenAI SDK's chat, Codex's
// responses, Gemini's generateContent), so a person sees what each scenario looks like; and the
// test's headers, edited as `name: value` lines.
import { ROUTE_SCENARIOS, type RouteDialect, type RouteScenario } from '../../../shared/routes.js';

export type SampleKind = RouteScenario | 'plain';

const SAMPLE_LABEL: Record<SampleKind, string> = {
  plain: 'A plain request',
  background: 'Background (small, fast model)',
  thinking: 'Thinking',
  long_context: 'Long prompt',
  image: 'Image in a tool result',
  web_search: 'Web search',
  subagent: 'Subagent marker',
};

/** A plain request, then one per built-in scenario. */
export const SAMPLE_KINDS = (['plain', ...ROUTE_SCENARIOS] as const).map((kind) => ({ kind, label: SAMPLE_LABEL[kind] }));

export const DIALECT_LABEL: Record<RouteDialect, string> = {
  anthropic: 'Anthropic Messages',
  chat: 'Chat Completions',
  responses: 'Responses',
  gemini: 'Gemini',
};

/** Where each dialect's requests go: what the route test says a body is for. */
export const DIALECT_PATH: Record<RouteDialect, string> = {
  anthropic: '/v1/messages',
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
  gemini: '/v1beta/models/{model}:generateContent',
};

interface SampleOptions {
  /** The model a request asks for (background samples ask for a Haiku-class one). */
  model: string;
  /** The long-prompt threshold to go over. */
  tokens: number;
  /** The group a subagent marker names. */
  group: string;
  /** What a background request asks for, when the routes name their own small models. */
  backgroundModel?: string;
}

interface Sample {
  body: Record<string, unknown>;
  headers: Record<string, string>;
  /** The model asked for (Gemini carries it in the path, not the body). */
  model: string;
}

/** Claude Code's small fast model: what the background scenario recognises by default. */
const BACKGROUND_MODEL = 'claude-3-5-haiku-20241022';
/** A 1×1 PNG. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const USER_AGENT: Record<RouteDialect, string> = {
  anthropic: 'claude-cli/2.0.14 (external, cli)',
  chat: 'OpenAI/JS 5.12.0',
  responses: 'codex_cli_rs/0.46.0',
  gemini: 'GeminiCLI/0.9.0',
};

/** About `tokens` tokens of text ("the " is one token, and four bytes: over the threshold either way it is counted). */
const longText = (tokens: number): string => 'the '.repeat(Math.ceil(tokens * 1.5));

/** One user turn in the dialect's shape. */
function userTurn(dialect: RouteDialect, text: string): Record<string, unknown> {
  switch (dialect) {
    case 'anthropic':
      return { messages: [{ role: 'user', content: text }] };
    case 'chat':
      return { messages: [{ role: 'user', content: text }] };
    case 'responses':
      return { input: text };
    case 'gemini':
      return { contents: [{ role: 'user', parts: [{ text }] }] };
  }
}

function imageTurn(dialect: RouteDialect): Record<string, unknown> {
  const url = `data:image/png;base64,${PIXEL}`;
  const question = 'What is in this picture?';
  // Chat and Responses: one user message, the question and the picture its parts.
  const askWith = (...content: Array<Record<string, unknown>>) => ({ role: 'user', content });
  switch (dialect) {
    case 'anthropic':
      return {
        messages: [
          { role: 'user', content: 'Take a screenshot and tell me what you see.' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'screenshot', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL } }] }] },
        ],
      };
    case 'chat':
      return { messages: [askWith({ type: 'text', text: question }, { type: 'image_url', image_url: { url } })] };
    case 'responses':
      return { input: [askWith({ type: 'input_text', text: question }, { type: 'input_image', image_url: url })] };
    case 'gemini':
      return { contents: [{ role: 'user', parts: [{ text: question }, { inlineData: { mimeType: 'image/png', data: PIXEL } }] }] };
  }
}

const SEARCH_TOOL: Record<RouteDialect, Record<string, unknown>> = {
  anthropic: { tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }] },
  chat: { tools: [{ type: 'function', function: { name: 'web_search', description: 'Search the web', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } } }] },
  responses: { tools: [{ type: 'web_search' }] },
  gemini: { tools: [{ googleSearch: {} }] },
};

const THINKING: Record<RouteDialect, Record<string, unknown>> = {
  anthropic: { thinking: { type: 'enabled', budget_tokens: 2048 } },
  chat: { reasoning_effort: 'high' },
  responses: { reasoning: { effort: 'high' } },
  gemini: { generationConfig: { thinkingConfig: { thinkingBudget: 2048 } } },
};

/** A subagent's system prompt: the marker in the third system block, as Claude Code's agents carry it. */
function subagentSystem(dialect: RouteDialect, group: string): Record<string, unknown> {
  const marker = `<loopgate-model>${group}</loopgate-model> You are a code reviewer: read the diff and report problems.`;
  switch (dialect) {
    case 'anthropic':
      return {
        system: [
          { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
          { type: 'text', text: 'You are an agent for Claude Code.' },
          { type: 'text', text: marker },
        ],
      };
    case 'chat':
      return { messages: [{ role: 'system', content: marker }] };
    case 'responses':
      return { instructions: marker };
    case 'gemini':
      return { systemInstruction: { parts: [{ text: marker }] } };
  }
}

function scenarioParts(kind: SampleKind, dialect: RouteDialect, options: SampleOptions): Record<string, unknown> {
  switch (kind) {
    case 'thinking':
      return { ...userTurn(dialect, 'Prove that there are infinitely many primes.'), ...THINKING[dialect] };
    case 'long_context':
      return userTurn(dialect, `Summarise this file:\n${longText(options.tokens)}`);
    case 'image':
      return imageTurn(dialect);
    case 'web_search':
      return { ...userTurn(dialect, "What is in today's news?"), ...SEARCH_TOOL[dialect] };
    case 'subagent': {
      const system = subagentSystem(dialect, options.group);
      const turn = userTurn(dialect, 'Review the change in src/app.ts.');
      // Chat carries its system prompt as the first message.
      return dialect === 'chat' ? { messages: [...(system.messages as unknown[]), ...(turn.messages as unknown[])] } : { ...system, ...turn };
    }
    case 'background':
      return userTurn(dialect, 'Write a 5-10 word title for this conversation.');
    case 'plain':
      return userTurn(dialect, 'Say hello.');
  }
}

/** A request of a scenario in a dialect, as its client would send it. */
export function sampleRequest(kind: SampleKind, dialect: RouteDialect, options: SampleOptions): Sample {
  const model = kind === 'background' ? (options.backgroundModel ?? BACKGROUND_MODEL) : options.model;
  const parts = scenarioParts(kind, dialect, options);
  const base = dialect === 'gemini' ? {} : { model, ...(dialect === 'anthropic' ? { max_tokens: 4096 } : {}) };
  return { body: { ...base, ...parts }, headers: { 'user-agent': USER_AGENT[dialect] }, model };
}

/** `name: value` lines → headers; the first line that is not one, as an error. */
export function parseHeaders(text: string): { headers: Record<string, string> } | { error: string } {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n').map((each) => each.trim())) {
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { error: `“${line.slice(0, 40)}” is not a header: write name: value, one a line.` };
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers };
}

export const headerText = (headers: Record<string, string>): string =>
  Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
