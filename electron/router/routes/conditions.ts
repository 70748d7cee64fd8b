// Each route condition compiled once (globs, regexes, JSON paths) into a test of one request.
// A test answers null when the condition holds, or says why not ("stream is true, wanted
// false"); a condition that cannot be evaluated for this request throws RouteConditionError.
import type { RouteCondition, RouteDialect } from '../../../shared/routes.js';
import { parseJsonPath, readJsonPath } from '../../core/json-path.js';
import { asksThinking, hasImage, hasTools, hasWebSearch, isStream } from './features.js';
import { takeSubagentMarker } from './subagent-marker.js';

type Json = Record<string, unknown>;

/** What routes read of one request; the gateway and routing.explain build it the same way. */
export interface RouteRequest {
  dialect: RouteDialect;
  /** The client's body; subagent markers are cut from it in place. */
  body: Json;
  /** The model the client asked for. */
  model: string;
  /** A request header by its lower-case name. */
  header(name: string): string | undefined;
  keyId: string | null;
  keyAlias: string | null;
  /** The client's name from its User-Agent (the names keys.recentClients shows). */
  client(): string | null;
  /** The prompt's tokens: an upper bound that needs no tokenizer, and the count. */
  tokens: { bound(): number; count(): Promise<number> };
}

/** Claude Code's header on a subagent's requests (seen in its binary: `x-claude-code-agent-id`). */
const AGENT_HEADER = 'x-claude-code-agent-id';
/** Claude's small, fast models: what Claude Code's background calls ask for. */
const DEFAULT_BACKGROUND_MODELS = ['*haiku*'];
/** No tokenizer's token is longer than this many bytes on average: a body this far over needs no count. */
const MAX_BYTES_PER_TOKEN = 16;

export class RouteConditionError extends Error {}

/** One request's features, each read at most once. */
export class RequestFeatures {
  /** The group a subagent marker named (it is already cut from the body), or null. */
  readonly markerGroup: string | null;
  readonly stripped: boolean;
  private thinking: boolean | undefined;
  private image: boolean | undefined;
  private webSearch: boolean | undefined;
  private tools: boolean | undefined;
  private counted: Promise<number> | undefined;

  constructor(
    readonly request: RouteRequest,
    takeMarkers: boolean,
  ) {
    const marker = takeMarkers ? takeSubagentMarker(request.dialect, request.body) : null;
    this.markerGroup = marker?.group ?? null;
    this.stripped = marker?.stripped ?? false;
  }

  feature(name: 'thinking' | 'image' | 'web_search' | 'tools'): boolean {
    const { dialect, body } = this.request;
    switch (name) {
      case 'thinking':
        return (this.thinking ??= asksThinking(dialect, body));
      case 'image':
        return (this.image ??= hasImage(dialect, body));
      case 'web_search':
        return (this.webSearch ??= hasWebSearch(dialect, body));
      case 'tools':
        return (this.tools ??= hasTools(dialect, body));
    }
  }

  /** The prompt's tokens, counted once. */
  count(): Promise<number> {
    return (this.counted ??= this.request.tokens.count());
  }
}

/**
 * A condition compiled: `test` says whether it holds (a promise only when the prompt is counted)
 * and builds no text; `why` says why not, and runs only when a decision is explained.
 */
export interface ConditionTest {
  test(features: RequestFeatures): boolean | Promise<boolean>;
  why(features: RequestFeatures): string | Promise<string>;
}

const quoted = (value: string | null | undefined): string => (value === null || value === undefined ? 'none' : `"${value}"`);

/** Globs (`*` any run) as one case-insensitive regex. */
function globs(patterns: readonly string[]): RegExp {
  const alternatives = patterns.map((pattern) =>
    pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*'),
  );
  return new RegExp(`^(?:${alternatives.join('|')})$`, 'is');
}

function check(test: ConditionTest['test'], why: ConditionTest['why']): ConditionTest {
  return { test, why };
}

function scenario(name: 'thinking' | 'image' | 'web_search', missing: string): ConditionTest {
  return check(
    (features) => features.feature(name),
    () => missing,
  );
}

function longContext(threshold: number): ConditionTest {
  return check(
    (features) => {
      const bound = features.request.tokens.bound();
      if (bound <= threshold) return false;
      // Far above: no count (images' data would inflate the bytes, so then the tokenizer decides).
      if (bound / MAX_BYTES_PER_TOKEN > threshold && !features.feature('image')) return true;
      return features.count().then((count) => count > threshold);
    },
    (features) => {
      const bound = features.request.tokens.bound();
      if (bound <= threshold) return `the prompt has at most ${bound} tokens, wanted over ${threshold}`;
      return features.count().then((count) => `the prompt has about ${count} tokens, wanted over ${threshold}`);
    },
  );
}

function compare(what: string, actual: string | undefined, op: string, expected: string | undefined, regex: RegExp | null): string | null {
  if (actual === undefined) return `${what} is absent`;
  if (op === 'equals') return actual === expected ? null : `${what} is ${quoted(actual)}, wanted ${quoted(expected)}`;
  if (regex) return regex.test(actual) ? null : `${what} is ${quoted(actual)}, which does not match /${regex.source}/`;
  return null;
}

function holds(actual: string | undefined, op: string, expected: string | undefined, regex: RegExp | null): boolean {
  if (actual === undefined) return false;
  if (op === 'equals') return actual === expected;
  return regex ? regex.test(actual) : true;
}

function jsonPath(path: string, op: 'exists' | 'equals' | 'matches', expected: string | undefined): ConditionTest {
  const steps = parseJsonPath(path);
  const regex = op === 'matches' ? new RegExp(expected ?? '') : null;
  /** The value compared, as text; undefined when absent. */
  const read = (features: RequestFeatures): string | undefined => {
    const value = readJsonPath(features.request.body, steps);
    if (value === undefined || op === 'exists') return value === undefined ? undefined : '';
    if (typeof value === 'object' && value !== null) {
      throw new RouteConditionError(`${path} is ${Array.isArray(value) ? 'a list' : 'an object'} in this request; "${op}" compares a string, number or boolean`);
    }
    return String(value);
  };
  return check(
    (features) => holds(read(features), op === 'exists' ? 'present' : op, expected, regex),
    (features) => compare(path, read(features), op === 'exists' ? 'present' : op, expected, regex) ?? '',
  );
}

function header(condition: Extract<RouteCondition, { kind: 'header' }>): ConditionTest {
  const name = condition.name.toLowerCase();
  const regex = condition.op === 'matches' ? new RegExp(condition.value ?? '') : null;
  return check(
    ({ request }) => holds(request.header(name), condition.op, condition.value, regex),
    ({ request }) => compare(`the header ${name}`, request.header(name), condition.op, condition.value, regex) ?? '',
  );
}

/** The condition compiled; throws (at save and load) when a regex or a JSON path does not compile. */
export function compileCondition(condition: RouteCondition): ConditionTest {
  switch (condition.kind) {
    case 'background': {
      const matches = globs(condition.models ?? DEFAULT_BACKGROUND_MODELS);
      return check(
        ({ request }) => matches.test(request.model),
        ({ request }) => `the model ${quoted(request.model)} is not a background model`,
      );
    }
    case 'thinking':
      return scenario('thinking', 'the request asks for no thinking');
    case 'long_context':
      return longContext(condition.tokens);
    case 'image':
      return scenario('image', 'the request has no image');
    case 'web_search':
      return scenario('web_search', 'the request offers no web-search tool');
    case 'subagent':
      return check(
        (features) => features.markerGroup !== null || features.request.header(AGENT_HEADER) !== undefined,
        () => `no subagent marker and no ${AGENT_HEADER} header`,
      );
    case 'client': {
      const clients = new Set(condition.clients.map((client) => client.toLowerCase()));
      return check(
        ({ request }) => clients.has(request.client()?.toLowerCase() ?? ''),
        ({ request }) => `the client is ${quoted(request.client())}, wanted one of ${condition.clients.join(', ')}`,
      );
    }
    case 'key': {
      const keys = new Set(condition.keys);
      return check(
        ({ request }) => (request.keyId !== null && keys.has(request.keyId)) || (request.keyAlias !== null && keys.has(request.keyAlias)),
        ({ request }) => `the key is ${quoted(request.keyAlias ?? request.keyId ?? 'the master key')}, wanted one of ${condition.keys.join(', ')}`,
      );
    }
    case 'header':
      return header(condition);
    case 'model': {
      const matches = globs([condition.pattern]);
      return check(
        ({ request }) => matches.test(request.model),
        ({ request }) => `the model ${quoted(request.model)} does not match ${quoted(condition.pattern)}`,
      );
    }
    case 'json_path':
      return jsonPath(condition.path, condition.op, condition.value);
    case 'has_tools':
      return check(
        (features) => features.feature('tools') === condition.value,
        () => `has tools is ${!condition.value}, wanted ${condition.value}`,
      );
    case 'stream':
      return check(
        ({ request }) => isStream(request.body) === condition.value,
        () => `stream is ${!condition.value}, wanted ${condition.value}`,
      );
  }
}
