// Accounting: usage and spend per request, kept in memory on the hot path and written to the
// store in batches (once a second, and on shutdown). Also log retention; budgets (their periods
// among them) are access/budgets.ts'.
import type { LogAttemptView } from '../../../shared/api.js';
import type { ErrorCode } from '../../../shared/errors.js';
import type { DeploymentConfig } from '../../core/deployment.js';
import type { TokenUsage } from '../../core/usage.js';
import type { Store } from '../../store/index.js';
import type { KeyUsageIncrement } from '../../store/keys.js';
import type { RequestLogEntry } from '../../store/request-log.js';
import type { LogMcpCall, TokenParts } from '../../../shared/api.js';
import type { DailySpendIncrement } from '../../store/usage.js';
import { utcDay } from '../../core/utc-day.js';
import { failed } from '../../../shared/log-views.js';
import type { Logger } from '../../core/logger.js';
import { cacheSavings, type Pricing } from './pricing.js';
import type { KeyCache } from '../access/virtual-keys.js';
import { StoreWriteQueue } from './write-queue.js';
import { keepsBodies, maskedBody } from './capture.js';
import type { CaptureMode } from '../../../shared/keys.js';

const FLUSH_EVERY_MS = 1_000;
const PRUNE_EVERY_MS = 60 * 60_000;
/** The first retention pass waits until start-up is over (it reads every segment's summary). */
const FIRST_PRUNE_AFTER_MS = 10_000;
/** The longest error message a request-log row keeps. */
const MAX_ERROR_MESSAGE = 1_000;
/** The master key's rows in spend_daily. */
const MASTER_KEY_ID = '';

export interface UsageEvent {
  id: string;
  time: number;
  keyId: string | null;
  model: string;
  deployment: DeploymentConfig | null;
  status: number;
  latencyMs: number;
  usage: TokenUsage | null;
  /** Which requests keep their bodies, for this one (capture.ts); the bodies as the gateway saw them, masked when kept. */
  capture: CaptureMode;
  requestBody: string | null;
  responseBody: string | null;
  /** What the client signed in with: never kept in a body. */
  clientTokens: string[];
  /** The request this one replays (master key only); null otherwise. */
  replayOf: string | null;
  /** Each deployment tried, in order. */
  attempts: LogAttemptView[];
  /** What the client was finally told went wrong. */
  failure: { code: ErrorCode; message: string } | null;
  callType: string | null;
  cacheHit: boolean;
  /** The tool that sent it (see client-name.ts). */
  client: string | null;
  /** The answer's own id, as the client saw it. */
  responseId: string | null;
  /** The client's session and project (attribution.ts). */
  session: string | null;
  project: string | null;
  /** The route it took, or `default`. */
  route: string;
}

/** One tool call through /mcp, for the request log: no model, no tokens, no spend. */
export interface McpCallEvent {
  id: string;
  time: number;
  keyId: string | null;
  mcp: LogMcpCall;
  status: number;
  latencyMs: number;
  failure: { code: ErrorCode; message: string } | null;
  /** Which calls keep their arguments and result (capture.ts), masked like request bodies. */
  capture: CaptureMode;
  /** The call's arguments and what it answered, as JSON (the result null when it was refused or failed). */
  arguments: string;
  result: string | null;
  clientTokens: string[];
  client: string | null;
  session: string | null;
  project: string | null;
}

export interface AccountingOptions {
  /** Applies the request log's retention (services/usage.ts); returns rows removed. */
  pruneLog: () => Promise<number>;
}

export class Accounting {
  private log: RequestLogEntry[] = [];
  private daily = new Map<string, DailySpendIncrement>();
  private keys = new Map<string, KeyUsageIncrement>();
  private timers: NodeJS.Timeout[] = [];
  private flushing: Promise<void> = Promise.resolve();
  /** Writes that wait out a database outage; `available` feeds /health/readiness. */
  readonly writes: StoreWriteQueue;

  constructor(
    private readonly store: Store,
    private readonly cache: KeyCache,
    private readonly pricing: Pricing,
    private readonly options: AccountingOptions,
    private readonly logger: Logger,
    /** Told of each row as it is counted (the app's live log). */
    private readonly onRecord: (entry: RequestLogEntry) => void = () => undefined,
  ) {
    this.writes = new StoreWriteQueue(store, logger);
  }

  start(): void {
    const every = (ms: number, task: () => void): void => {
      this.timers.push(setInterval(task, ms).unref());
    };
    every(FLUSH_EVERY_MS, () => void this.flush());
    every(PRUNE_EVERY_MS, () => void this.prune());
    this.timers.push(setTimeout(() => void this.prune(), FIRST_PRUNE_AFTER_MS).unref());
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.flush();
    // The process is about to end: what the database never took is lost, and the log says how much.
    if (this.writes.pending) {
      this.logger.log('error', `Stopping while the database is unavailable: usage totals and ${this.writes.queuedRows} request-log rows were not written`, {
        queued_log_rows: this.writes.queuedRows,
      });
    }
  }

  /** Counts one finished request; returns its cost. Nothing here touches the disk. */
  record(event: UsageEvent): number {
    const cost = event.deployment ? this.pricing.cost(event.deployment, event.usage) : 0;
    const parts = event.deployment ? tokenParts(this.pricing, event.deployment, event.usage, cost) : null;
    const prompt = event.usage?.promptTokens ?? 0;
    const completion = event.usage?.completionTokens ?? 0;
    const total = event.usage?.totalTokens ?? 0;
    const keep = keepsBodies(event.capture, event.status);
    const kept = (body: string | null): string | null => (keep && body !== null ? maskedBody(body, event.deployment, event.clientTokens) : null);
    // Attempts explain failures, retries and fallbacks; a request its own group served on the first try needs none kept.
    const explain = event.status >= 400 || event.attempts.length > 1 || event.attempts.some((attempt) => attempt.outcome === 'failed' || attempt.via !== 'first');
    const entry: RequestLogEntry = {
      id: event.id,
      time: event.time,
      keyId: event.keyId,
      model: event.model,
      deployment: event.deployment?.id ?? null,
      status: event.status,
      latencyMs: event.latencyMs,
      promptTokens: prompt,
      completionTokens: completion,
      totalTokens: total,
      cost,
      requestBody: kept(event.requestBody),
      responseBody: kept(event.responseBody),
      attemptCount: event.attempts.length,
      attempts: explain ? event.attempts : null,
      errorCode: event.failure?.code ?? null,
      // Messages may quote what the client sent; the log keeps a bounded part.
      errorMessage: event.failure ? event.failure.message.slice(0, MAX_ERROR_MESSAGE) : null,
      callType: event.callType,
      cacheHit: event.cacheHit,
      client: event.client,
      responseId: event.responseId,
      session: event.session,
      project: event.project,
      route: event.route,
      tokenParts: parts,
      replayOf: event.replayOf,
      mcp: null,
    };
    this.log.push(entry);
    const keyId = event.keyId ?? MASTER_KEY_ID;
    const today = utcDay(event.time);
    const dayKey = `${today}\u0000${keyId}\u0000${event.model}`;
    const day = this.daily.get(dayKey) ?? {
      day: today,
      keyId,
      model: event.model,
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      cost: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      cacheSavings: 0,
      failures: 0,
    };
    day.requests++;
    if (failed(event.status)) day.failures++;
    if (parts) {
      day.cacheReadTokens += parts.cacheReadTokens;
      day.cacheWriteTokens += parts.cacheWriteTokens;
      day.reasoningTokens += parts.reasoningTokens;
      day.cacheSavings += parts.cacheSavings;
    }
    day.promptTokens += prompt;
    day.completionTokens += completion;
    day.totalTokens += total;
    day.cost += cost;
    this.daily.set(dayKey, day);

    if (event.keyId) {
      const inc = this.keys.get(event.keyId) ?? { keyId: event.keyId, requests: 0, tokens: 0, cost: 0, lastUsedAt: 0 };
      inc.requests++;
      inc.tokens += total;
      inc.cost += cost;
      inc.lastUsedAt = Math.max(inc.lastUsedAt, event.time);
      this.keys.set(event.keyId, inc);
      const live = this.cache.get(event.keyId);
      if (live) {
        live.spend += cost;
        live.totalSpend += cost;
        live.totalRequests++;
        live.totalTokens += total;
        live.lastUsedAt = Math.max(live.lastUsedAt ?? 0, event.time);
      }
    }
    // Told once the key's spend includes this request (alerts read it).
    this.onRecord(entry);
    return cost;
  }

  /** Logs one MCP tool call: a request-log row (the Logs view shows it), counted in no usage or spend. */
  recordMcpCall(event: McpCallEvent): void {
    const keep = keepsBodies(event.capture, event.status);
    const kept = (body: string | null): string | null => (keep && body !== null ? maskedBody(body, null, event.clientTokens) : null);
    const entry: RequestLogEntry = {
      id: event.id,
      time: event.time,
      keyId: event.keyId,
      model: null,
      deployment: null,
      status: event.status,
      latencyMs: event.latencyMs,
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      cost: 0,
      requestBody: kept(event.arguments),
      responseBody: kept(event.result),
      attemptCount: 0,
      attempts: null,
      errorCode: event.failure?.code ?? null,
      errorMessage: event.failure ? event.failure.message.slice(0, MAX_ERROR_MESSAGE) : null,
      callType: 'mcp',
      cacheHit: false,
      client: event.client,
      responseId: null,
      session: event.session,
      project: event.project,
      route: 'default',
      tokenParts: null,
      replayOf: null,
      mcp: event.mcp,
    };
    this.log.push(entry);
    this.onRecord(entry);
  }

  /** Writes everything accumulated so far: totals in one durable key-store batch, rows to the request log. */
  flush(): Promise<void> {
    if (this.log.length > 0 || this.keys.size > 0) {
      const log = this.log;
      const batch = { daily: [...this.daily.values()], keys: [...this.keys.values()] };
      this.log = [];
      this.daily = new Map();
      this.keys = new Map();
      // recordBatch applies to memory synchronously, so anything written after this call
      // (a budget reset, say) lands after these increments.
      // One write at a time; what fails stays queued for the next flush (write-queue.ts).
      this.flushing = this.flushing.then(() => this.writes.write(batch, log));
    } else if (!this.writes.available) {
      this.flushing = this.flushing.then(() => this.writes.write({ daily: [], keys: [] }, []));
    }
    return this.flushing;
  }

  private async prune(): Promise<void> {
    try {
      await this.options.pruneLog();
    } catch (error) {
      this.logger.log('error', `request-log retention failed: ${String(error)}`);
    }
  }
}

/** A usage's parts for the log and the daily totals; null when it has none (most requests). */
function tokenParts(pricing: Pricing, deployment: DeploymentConfig, usage: TokenUsage | null, cost: number): TokenParts | null {
  if (!usage || (!usage.cacheReadTokens && !usage.cacheWriteTokens && !usage.reasoningTokens)) return null;
  return {
    cacheReadTokens: usage.cacheReadTokens ?? 0,
    cacheWriteTokens: usage.cacheWriteTokens ?? 0,
    reasoningTokens: usage.reasoningTokens ?? 0,
    cacheSavings: cacheSavings(pricing, deployment, usage, cost),
  };
}
