// The request log and the Playground as the app's screens read them. Part of the contract in api.ts.
import type { ErrorCode } from './errors.js';
import type { CaptureMode } from './keys.js';

export interface LogEntryView {
  id: string;
  time: number;
  keyId: string | null;
  keyLabel: string;
  model: string | null;
  deployment: string | null;
  status: number;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  /** USD, full precision (formatting is the view's). */
  cost: number;
  /** How many deployments were tried (0: refused before any, e.g. an unknown model or a spent budget). */
  attemptCount: number;
  /** Why it failed, in Loopgate's error codes; null for a success. */
  errorCode: ErrorCode | null;
  /** The route it took (shared/routes.ts): a route's name, or `default`. */
  route: string;
  /** Prompt-cache and reasoning tokens and what caching saved; null when the request had none. */
  tokenParts: TokenParts | null;
  /** The client's session (Claude Code's, Codex's) and the project it named; null when none. */
  session: string | null;
  project: string | null;
  /** The request this one replayed (logs.replay); null for a client's own. */
  replayOf: string | null;
  /** A tool call through /mcp (no model): the MCP server and tool; null for a model request. */
  mcp: LogMcpCall | null;
}

/** An MCP tool call in the request log: the server (null: Loopgate's own lazy `search_tools`, or a name that named none) and the tool. */
export interface LogMcpCall {
  server: string | null;
  tool: string;
}

/** usage.sessions: a period, per session or per project. */
export interface SessionsQuery {
  by: 'session' | 'project';
  /** The last `days` days (up to now). */
  days: number;
  /** At most this many rows, the most recently active first (default 100). */
  limit?: number;
}

/** One session's (or project's) requests added up over the period. */
export interface SessionView {
  /** The session id, or the project name. */
  name: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** USD, full precision. */
  cost: number;
  /** Epoch ms of its first and last request in the period. */
  first: number;
  last: number;
  /** The tools that sent its requests (from their User-Agent). */
  clients: string[];
  /** Its latest request's key ('' the master key) and that key's label. */
  keyId: string;
  keyLabel: string;
  /** A session's project (its latest request's); a project row's own name. */
  project: string | null;
}

export interface SessionsView {
  rows: SessionView[];
  /** The same over every row of the period, not only those listed, and the period's start. */
  total: { count: number; requests: number; totalTokens: number; cost: number };
  since: number;
}

/** Parts of a request's tokens (each inside promptTokens or completionTokens) and the USD prompt caching saved it (negative when cache writes cost more than they saved). */
export interface TokenParts {
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  cacheSavings: number;
}

/** One try on one deployment, kept for failed and retried requests. */
export interface LogAttemptView {
  /** 1-based, across retries and fallbacks. */
  number: number;
  /** The deployment's id (as in models.list) and a readable name for it (`family/upstream model`). */
  deployment: string;
  deploymentLabel: string;
  /** The model group tried: the one asked for, or a fallback group. */
  group: string;
  /** How this try came about. */
  via: 'first' | 'retry' | 'fallback';
  /** For a fallback, which kind of fallback was taken. */
  fallbackKind: 'general' | 'context_window' | 'content_policy' | null;
  outcome: 'ok' | 'failed';
  /** The upstream's HTTP status when it answered; null when it did not (timeout, unreachable). */
  status: number | null;
  /** For a failure: Loopgate's code for it (upstream, timeout, upstream_unreachable, ...). */
  errorCode: ErrorCode | null;
  /** For a failure: what the router made of it (retryable, context_window, content_policy, client). */
  failureKind: 'retryable' | 'context_window' | 'content_policy' | 'client' | null;
  /** For a failure: why, short (at most 200 characters), with anything that looks like a secret masked. */
  reason: string | null;
  latencyMs: number;
}

/** One request's details: the log row, every attempt, and the final error. */
export interface LogEntryDetails extends LogEntryView {
  /** Empty for a request served on its first try. */
  attempts: LogAttemptView[];
  error: { code: ErrorCode; message: string } | null;
  /** The bodies as captured (secrets masked), when capture kept them; a stream's answer is its events. */
  requestBody: string | null;
  responseBody: string | null;
}

/** logs.replay: the stored request sent again (as the master key) to a model group, and what came back. */
export interface ReplayResult {
  /** The replay's own row in the request log (marked as a replay of the original). */
  id: string;
  group: string;
  status: number;
  /** The answer as the gateway gave it (secrets masked). */
  body: string;
  latencyMs: number;
}

/** How much request log is kept; older rows, then the oldest past the size, are removed automatically. */
export interface LogRetentionView {
  days: number;
  maxMegabytes: number;
  /** The version an edit names; 0 while the app has never saved retention. */
  version: number;
  /** The app's setting, else the config file's maximum_spend_logs_retention_period, else the defaults. */
  source: 'app' | 'config file' | 'defaults';
  /** What the log holds now, in MB. */
  sizeMegabytes: number;
  /** Which requests keep their bodies (keys may set their own); the app's, else the config file's, else off. */
  capture: CaptureMode;
}

/** Every model and key with rows in the request log, for the log's filters. */
export interface LogFacets {
  models: string[];
  /** keyId '' is the master key. */
  keys: Array<{ keyId: string; label: string }>;
}

/**
 * POST /ui/playground (browser mode and Electron alike: the window is signed in). A streamed
 * answer (`stream: true`) carries usage in its last chunk, and after the upstream's `[DONE]`
 * one more `data:` event with this summary.
 */
export interface PlaygroundSummary {
  object: 'loopgate.summary';
  /** The model asked for, and the group that answered (a fallback's, when one was taken). */
  requested: string;
  model: string;
  /** The deployment that answered: readable name, and its id (as in models.list). */
  deployment: string;
  deploymentId: string;
  attempts: number;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number } | null;
  /** From the request reaching Loopgate to the end of the stream. */
  latencyMs: number;
  timeToFirstByteMs: number;
  /** The request log's id for this answer (logs.get has cost and every attempt once it is counted). */
  logId: string;
}

/** A Playground request that failed answers `{ error: PlaygroundFailure }` with the final HTTP status. */
export interface PlaygroundFailure {
  /** For the person: what failed and the next step; deployments by name, no internal ids. */
  message: string;
  code: ErrorCode;
  /** The status the request ended with (the upstream's, when it answered). */
  status: number;
  /** The model asked for. */
  model: string | null;
  /** The deployment tried last, by readable name, and its id; null when none was tried. */
  deployment: string | null;
  deploymentId: string | null;
  /** The next step alone, e.g. "Check the provider's API key in Providers." */
  hint: string;
}

/** The status the gateway logs for a request whose client went away before the answer ended (the Playground's Stop, a closed tool). */
export const STOPPED_STATUS = 499;

/** A request that failed: an error status, but not one the client stopped itself. */
export function failed(status: number): boolean {
  return status >= 400 && status !== STOPPED_STATUS;
}
