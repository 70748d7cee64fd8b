// Each route condition compiled once (globs, regexes, JSON paths) into a test of one request.
// A test answers null when the condition holds, or says why not ("stream is true, wanted
// false"); a condition that cannot be evaluated for this request throws RouteConditionError.
import type { RouteCondition, RouteDialect } from '../../../shared/routes.js';
import { parseJsonPath, readJsonPath } from '../../core/json-path.js';
import { compilePattern } from '../../core/model-names.js';
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
export const AGENT_HEADER = 'x-claude-code-agent-id';
/** Claude's small, fast models: what Claude Code's background calls ask for. */
export const DEFAULT_BACKGROUND_MODELS = ['*haiku*'];
/** No tokenizer's token is longer than this many bytes on average: a body this far over needs no count. */
const MAX_BYTES_PER_TOKEN = 16;

export class RouteConditionError extends Error {}

/** One request's features, each read at most once. */
export class RequestFeatures {
  private memo = new Map<string, unknown>();
  /** The group a subagent marker named (it is already cut from the body), or null. */
  readonly markerGroup: string | null;
  readonly stripped: boolean;

  constructor(
    readonly request: RouteRequest,
    takeMarkers: boolean,
  ) {
    const marker = takeMarkers ? takeSubagentMarker(request.dialect, request.body) : { group: null, stripped: false };
    this.markerGroup = marker.group;
    this.stripped = marker.stripped;
  }

  feature(name: 'thinking' | 'image' | 'web_search' | 'tools'): boolean {
    let value = this.memo.get(name) as boolean | undefined;
    if (value === undefined) {
      const { dialect, body } = this.request;
      value = name === 'thinking' ? asksThinking(dialect, body) : name === 'image' ? hasImage(dialect, body) : name === 'web_search' ? hasWebSearch(dialect, body) : hasTools(dialect, body);
      this.memo.set(name, value);
    }
    return value;
  }
}

export type ConditionTest = (features: RequestFeatures) => string | null | Promise<string | null>;

const quoted = (value: string | null | undefined): string => (value === null || value === undefined ? 'none' : `"${value}"`);

function globs(patterns: readonly string[]): (name: string) => boolean {
  const compiled = patterns.map((pattern) => compilePattern(pattern.toLowerCase()));
  return (name) => {
    const lower = name.toLowerCase();
    return compiled.some((pattern) => pattern.match(lower) !== null);
  };
}

function scenario(name: 'thinking' | 'image' | 'web_search', missing: string): ConditionTest {
  return (features) => (features.feature(name) ? null : missing);
}

function longContext(threshold: number): ConditionTest {
  return (features) => {
    const { tokens } = features.request;
    const bound = tokens.bound();
    if (bound <= threshold) return `the prompt has at most ${bound} tokens, wanted over ${threshold}`;
    // Far above: no count (images' data would inflate the bytes, so then the tokenizer decides).
    if (bound / MAX_BYTES_PER_TOKEN > threshold && !features.feature('image')) return null;
    return tokens.count().then((count) => (count > threshold ? null : `the prompt has about ${count} tokens, wanted over ${threshold}`));
  };
}

function compare(what: string, actual: string | undefined, op: string, expected: string | undefined, regex: RegExp | null): string | null {
  if (actual === undefined) return `${what} is absent`;
  if (op === 'equals') return actual === expected ? null : `${what} is ${quoted(actual)}, wanted ${quoted(expected)}`;
  if (regex) return regex.test(actual) ? null : `${what} is ${quoted(actual)}, which does not match /${regex.source}/`;
  return null;
}

function jsonPath(path: string, op: 'exists' | 'equals' | 'matches', expected: string | undefined): ConditionTest {
  const steps = parseJsonPath(path);
  const regex = op === 'matches' ? new RegExp(expected ?? '') : null;
  return (features) => {
    const value = readJsonPath(features.request.body, steps);
    if (op === 'exists') return value === undefined ? `${path} is absent` : null;
    if (value === undefined) return `${path} is absent`;
    if (typeof value === 'object' && value !== null) {
      throw new RouteConditionError(`${path} is ${Array.isArray(value) ? 'a list' : 'an object'} in this request; "${op}" compares a string, number or boolean`);
    }
    return compare(path, String(value), op, expected, regex);
  };
}

/** The condition as a test; throws (at save and load) when a regex or a JSON path does not compile. */
export function compileCondition(condition: RouteCondition): ConditionTest {
  switch (condition.kind) {
    case 'background': {
      const matches = globs(condition.models ?? DEFAULT_BACKGROUND_MODELS);
      return (features) => (matches(features.request.model) ? null : `the model ${quoted(features.request.model)} is not a background model`);
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
      return (features) => (features.markerGroup !== null || features.request.header(AGENT_HEADER) !== undefined ? null : `no subagent marker and no ${AGENT_HEADER} header`);
    case 'client': {
      const clients = new Set(condition.clients.map((client) => client.toLowerCase()));
      return (features) => {
        const client = features.request.client();
        return client !== null && clients.has(client.toLowerCase()) ? null : `the client is ${quoted(client)}, wanted one of ${condition.clients.join(', ')}`;
      };
    }
    case 'key': {
      const keys = new Set(condition.keys);
      return ({ request }) =>
        (request.keyId !== null && keys.has(request.keyId)) || (request.keyAlias !== null && keys.has(request.keyAlias))
          ? null
          : `the key is ${quoted(request.keyAlias ?? request.keyId ?? 'the master key')}, wanted one of ${condition.keys.join(', ')}`;
    }
    case 'header': {
      const name = condition.name.toLowerCase();
      const regex = condition.op === 'matches' ? new RegExp(condition.value ?? '') : null;
      return ({ request }) => compare(`the header ${name}`, request.header(name), condition.op, condition.value, regex);
    }
    case 'model': {
      const matches = globs([condition.pattern]);
      return ({ request }) => (matches(request.model) ? null : `the model ${quoted(request.model)} does not match ${quoted(condition.pattern)}`);
    }
    case 'json_path':
      return jsonPath(condition.path, condition.op, condition.value);
    case 'has_tools':
      return (features) => (features.feature('tools') === condition.value ? null : `has tools is ${!condition.value}, wanted ${condition.value}`);
    case 'stream':
      return ({ request }) => (isStream(request.body) === condition.value ? null : `stream is ${!condition.value}, wanted ${condition.value}`);
  }
}
