// The request log's contract: one row per finished request, appended in batches, read newest
// first with the app's filters, removed by age and by size. It lives outside the key store (which
// stays small and in memory); the embedded implementation is segment files (log-segments.ts).
import type { LogAttemptView, LogMcpCall, TokenParts } from '../../shared/api.js';
import { failed, type LogEntryView, type SessionView } from '../../shared/log-views.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { CaptureMode } from '../../shared/keys.js';

/** One finished request as stored: who asked what, how it went and what it cost, as the Logs view reads them, and more. */
export interface RequestLogEntry extends Pick<LogEntryView, 'id' | 'time' | 'keyId' | 'model' | 'deployment' | 'status' | 'latencyMs' | 'promptTokens' | 'completionTokens' | 'cost'> {
  totalTokens: number;
  requestBody: string | null;
  responseBody: string | null;
  /** Deployments tried; 0 when the request was refused before any. */
  attemptCount: number;
  /** Kept for failed and retried requests only; null otherwise. */
  attempts: LogAttemptView[] | null;
  errorCode: ErrorCode | null;
  errorMessage: string | null;
  /** The API the client called (its dialect: chat, responses, anthropic, ...); null when none was reached. */
  callType: string | null;
  /** Answered from the response cache. */
  cacheHit: boolean;
  /** The tool that sent it, named from its User-Agent ("Claude Code"); null when it sent none (or the row predates it). */
  client: string | null;
  /** The answer's own id as the client saw it (`chatcmpl-…`, `resp_…`, `msg_…`), LiteLLM's request_id; null when it had none (or the row predates it). */
  responseId: string | null;
  /** The client's own session (Claude Code's X-Claude-Code-Session-Id, Codex's session-id); null when it sent none (or the row predates it). */
  session: string | null;
  /** The project the client named (`loopgate run` sends x-loopgate-project); null when none (or the row predates it). */
  project: string | null;
  /** The route it took (shared/routes.ts): a route's name, or `default` (also for rows that predate routes). */
  route: string;
  /** The usage's prompt-cache and reasoning parts and what caching saved; null when it had none (or the row predates them). */
  tokenParts: TokenParts | null;
  /** The request this one replayed (the app's Logs, logs.replay); null for a client's own (or the row predates it). */
  replayOf: string | null;
  /** For a tool call through /mcp: the MCP server and tool; null for a model request (or a row that predates MCP calls). */
  mcp: LogMcpCall | null;
}

export interface SpendLogQuery {
  /** One request by its id. */
  id?: string;
  /** Requests whose answer carried this id (LiteLLM's request_id is the response's id). */
  responseId?: string;
  /** '' is the master key. */
  keyId?: string;
  model?: string;
  start?: number;
  end?: number;
  /** ok: below 400; error: 400 and above. */
  status?: 'ok' | 'error';
  session?: string;
  project?: string;
  /** Rows after this one in the log's order (newest first): older, or as old with a smaller id. */
  before?: { time: number; id: string };
  limit: number;
}

/** Sessions or projects active in [start, end), newest activity first, at most `limit`. */
export interface LogGroupQuery {
  by: 'session' | 'project';
  start: number;
  end: number;
  limit: number;
}

/** One session's (or project's) requests added up, as the app lists them but for the key's label (the services add it). */
export type LogGroupTotals = Omit<SessionView, 'keyLabel'>;

/** How much log is kept; older rows, then the oldest beyond the size, are removed automatically. */
export interface LogRetention {
  days: number;
  maxMegabytes: number;
  /** Which requests keep their bodies; null: the config file's setting (saved before capture existed, or never set). */
  capture?: CaptureMode | null;
}

/** Retention as the app saved it; version 0 while it never has (the config file's or the defaults apply). */
export interface StoredLogRetention extends LogRetention {
  version: number;
}

export interface RequestLogRepository {
  /** Appends one batch; resolves once it is written. A crash loses at most the batch being written. */
  append(rows: RequestLogEntry[]): Promise<void>;
  /** Newest first: time descending, then id descending. */
  query(query: SpendLogQuery): Promise<RequestLogEntry[]>;
  get(id: string): Promise<RequestLogEntry | null>;
  /** Removes rows older than `before`, then the oldest rows past `maxBytes`. Returns rows removed. */
  prune(limits: { before: number; maxBytes: number }): Promise<number>;
  /** Totals per session or per project over [start, end), the most recently active first. */
  groups(query: LogGroupQuery): Promise<LogGroupTotals[]>;
  /** Bytes the log holds now. */
  sizeBytes(): Promise<number>;
  retention(): Promise<StoredLogRetention | null>;
  /** Saves retention naming the version read; a stale version throws a ConflictError carrying the current one. */
  saveRetention(retention: LogRetention, version: number): Promise<StoredLogRetention>;
  close(): Promise<void>;
}

/** Whether `row` passes every filter of `query` (the order and the limit aside). */
export function matchesQuery(row: RequestLogEntry, query: SpendLogQuery): boolean {
  if (query.id !== undefined && row.id !== query.id) return false;
  if (query.responseId !== undefined && row.responseId !== query.responseId) return false;
  if (query.keyId !== undefined && row.keyId !== (query.keyId === '' ? null : query.keyId)) return false;
  if (query.model !== undefined && row.model !== query.model) return false;
  if (query.start !== undefined && row.time < query.start) return false;
  if (query.end !== undefined && row.time >= query.end) return false;
  if (query.session !== undefined && row.session !== query.session) return false;
  if (query.project !== undefined && row.project !== query.project) return false;
  // A request its client stopped (499) is neither: not served whole, not a failure.
  if (query.status === 'ok' && row.status >= 400) return false;
  if (query.status === 'error' && !failed(row.status)) return false;
  if (query.before && !isBefore(row, query.before)) return false;
  return true;
}

/** The log's order: newer first, ties by id descending. */
export function newestFirst(a: { time: number; id: string }, b: { time: number; id: string }): number {
  return b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function isBefore(row: { time: number; id: string }, cursor: { time: number; id: string }): boolean {
  return row.time < cursor.time || (row.time === cursor.time && row.id < cursor.id);
}
