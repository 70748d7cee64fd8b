// Usage and logs: daily series for the charts, the request log with its filters (applied by the
// request-log store), its retention, and today's totals. Pending usage is written first, so
// every number is exact.
import { z } from 'zod';
import type { LogEntryDetails, LogEntryView, LogFacets, LogRetentionView, SessionsQuery, SessionsView, UsagePoint, UsageSeries } from '../../shared/api.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/index.js';
import type { LogRetention, RequestLogEntry, SpendLogQuery, StoredLogRetention } from '../store/request-log.js';
import type { DailySpend } from '../store/usage.js';
import { utcDay } from '../core/utc-day.js';
import { notFound, storeChange } from './errors.js';
import type { CaptureSetting, PendingUsage } from './ports.js';
import { CAPTURE_MODES, type CaptureMode } from '../../shared/keys.js';
import { MAX_LENGTH, parseInput, text } from './validation.js';

const DAY_MS = 86_400_000;
const MAX_SERIES_DAYS = 90;
/** How far back "tools using this key" looks. */
const RECENT_CLIENT_DAYS = 7;
/** Enough recent rows to name every tool a key serves; the log is read newest first. */
const RECENT_CLIENT_ROWS = 5_000;
const MASTER_KEY_LABEL = 'master key';
const DELETED_KEY_LABEL = 'deleted key';
const MEGABYTE = 1_000_000;
/** LiteLLM's default retention for its spend logs; the size cap keeps a busy month on a laptop's disk. */
const DEFAULT_RETENTION = { days: 30, maxMegabytes: 1024 };

export const retentionSchema = z.object({
  days: z
    .number()
    .min(1 / 24, 'expected at least an hour (1/24 of a day)')
    .max(3650, 'expected at most 3650 days'),
  maxMegabytes: z.number().int('expected a whole number').min(10, 'expected at least 10 MB').max(1_000_000, 'expected at most 1,000,000 MB'),
  /** Absent: the capture setting stays as it is. */
  capture: z.enum(CAPTURE_MODES).optional(),
  version: z.number().int().nonnegative(),
});

export const logsSchema = z.object({
  id: text(MAX_LENGTH.id).optional(),
  responseId: text(MAX_LENGTH.id).optional(),
  keyId: text(MAX_LENGTH.id).optional(),
  model: text(MAX_LENGTH.name).optional(),
  session: text(MAX_LENGTH.id).optional(),
  project: text(MAX_LENGTH.name).optional(),
  status: z.enum(['ok', 'error']).optional(),
  start: z.number().optional(),
  end: z.number().optional(),
  before: z.object({ time: z.number(), id: text(MAX_LENGTH.id) }).optional(),
  limit: z.number().int().positive().max(1000),
});

export const sessionsSchema = z.object({
  by: z.enum(['session', 'project']),
  days: z
    .number()
    .min(1 / 24, 'expected at least an hour (1/24 of a day)')
    .max(3650, 'expected at most 3650 days'),
  limit: z.number().int().positive().max(1000).optional(),
});
/** Sessions added up for the period's totals at most; the list shows the newest `limit` of them. */
const MAX_SESSIONS_TOTALLED = 10_000;

export interface UsageServiceDeps {
  store: Store;
  usage: PendingUsage;
  clock: () => number;
  /** The config file's maximum_spend_logs_retention_period, when it sets one. */
  configRetentionMs: number | null;
  /** The config file's capture setting (general_settings.capture_bodies / store_prompts_in_spend_logs). */
  configCapture: CaptureMode;
  /** What requests read; kept equal to the setting in force. */
  capture: CaptureSetting;
  logger: Logger;
}

type Totals = Pick<UsagePoint, 'requests' | 'failures' | 'tokens' | 'cost'>;

function addRow(totals: Totals, row: DailySpend): void {
  totals.requests += row.requests;
  totals.failures += row.failures;
  totals.tokens += row.totalTokens;
  totals.cost += row.cost;
}

const byRequests = <T extends { requests: number }>(list: T[]): T[] => list.sort((a, b) => b.requests - a.requests);

export class UsageService {
  constructor(private readonly deps: UsageServiceDeps) {}

  /** Requests, tokens and spend per day for the last `days` days, and by model and by key. */
  async series(days: number): Promise<UsageSeries> {
    await this.deps.usage.flush();
    const span = Math.min(Math.max(1, Math.floor(Number(days) || 1)), MAX_SERIES_DAYS);
    const end = this.deps.clock();
    const rows = await this.deps.store.usage.dailySpend({ fromDay: utcDay(end - (span - 1) * DAY_MS) });
    const series = Array.from({ length: span }, (_, i) => ({ day: utcDay(end - (span - 1 - i) * DAY_MS), requests: 0, failures: 0, tokens: 0, cost: 0, cacheReadTokens: 0, cacheSavings: 0 }));
    const byDay = new Map(series.map((point) => [point.day, point]));
    const byModel = new Map<string, UsageSeries['byModel'][number]>();
    const byKey = new Map<string, UsageSeries['byKey'][number]>();
    const labels = await this.labels(rows.map((row) => row.keyId));
    for (const row of rows) {
      const point = byDay.get(row.day);
      if (point) {
        addRow(point, row);
        point.cacheReadTokens += row.cacheReadTokens;
        point.cacheSavings += row.cacheSavings;
      }
      const model = byModel.get(row.model) ?? { model: row.model, requests: 0, failures: 0, tokens: 0, cost: 0 };
      addRow(model, row);
      byModel.set(row.model, model);
      const key = byKey.get(row.keyId) ?? { keyId: row.keyId, label: labels(row.keyId), requests: 0, failures: 0, tokens: 0, cost: 0 };
      addRow(key, row);
      byKey.set(row.keyId, key);
    }
    return { days: series, byModel: byRequests([...byModel.values()]), byKey: byRequests([...byKey.values()]) };
  }

  /** Today's (UTC) totals over every key. */
  async today(): Promise<Totals> {
    await this.deps.usage.flush();
    const day = utcDay(this.deps.clock());
    const totals = { requests: 0, failures: 0, tokens: 0, cost: 0 };
    for (const row of await this.deps.store.usage.dailySpend({ fromDay: day, toDay: day })) addRow(totals, row);
    return totals;
  }

  /** The request log, newest first, filtered in the database. */
  async entries(input: SpendLogQuery): Promise<RequestLogEntry[]> {
    const query = parseInput(logsSchema, input);
    await this.deps.usage.flush();
    return this.deps.store.requestLog.query(await this.withinRetention(query));
  }

  /** The request log as the app shows it: each entry with its key's label. */
  async logs(input: SpendLogQuery): Promise<LogEntryView[]> {
    return this.views(await this.entries(input));
  }

  /** Cost, tokens and requests per session (or project) over the last `days` days, the most recently active first. */
  async sessions(input: SessionsQuery): Promise<SessionsView> {
    const { by, days, limit = 100 } = parseInput(sessionsSchema, input);
    await this.deps.usage.flush();
    const end = this.deps.clock();
    const { start } = await this.withinRetention({ start: end - days * DAY_MS, limit: 0 });
    // The end is exclusive: a request logged this very millisecond still counts.
    const groups = await this.deps.store.requestLog.groups({ by, start, end: end + 1, limit: MAX_SESSIONS_TOTALLED });
    const shown = groups.slice(0, limit);
    const labels = await this.labels(shown.map((group) => group.keyId));
    const total = { count: groups.length, requests: 0, totalTokens: 0, cost: 0 };
    for (const group of groups) {
      total.requests += group.requests;
      total.totalTokens += group.totalTokens;
      total.cost += group.cost;
    }
    return { rows: shown.map((group) => ({ ...group, keyLabel: labels(group.keyId) })), total, since: start };
  }

  /** One entry with its attempts and final error. */
  async entry(id: string): Promise<LogEntryDetails> {
    const { id: wanted } = parseInput(z.object({ id: text(MAX_LENGTH.id).min(1) }), { id });
    await this.deps.usage.flush();
    const [entry] = await this.deps.store.requestLog.query(await this.withinRetention({ id: wanted, limit: 1 }));
    if (!entry) throw notFound('log entry');
    const [view] = await this.views([entry]);
    return {
      ...view!,
      attempts: entry.attempts ?? [],
      error: entry.errorCode ? { code: entry.errorCode, message: entry.errorMessage ?? '' } : null,
      requestBody: entry.requestBody,
      responseBody: entry.responseBody,
    };
  }

  /** One row as stored, within retention; null when there is none. */
  async stored(id: string): Promise<RequestLogEntry | null> {
    await this.deps.usage.flush();
    const [entry] = await this.deps.store.requestLog.query(await this.withinRetention({ id, limit: 1 }));
    return entry ?? null;
  }

  /** Every model and key in the log (not only one page's), for its filters: from the daily totals over the retention period. */
  async facets(): Promise<LogFacets> {
    await this.deps.usage.flush();
    const { days } = await this.effectiveRetention();
    const { models, keyIds } = await this.deps.store.usage.logFacets(utcDay(this.deps.clock() - days * DAY_MS));
    const labels = await this.labels(keyIds.map((id) => id ?? ''));
    const keys = keyIds.map((id) => ({ keyId: id ?? '', label: labels(id ?? '') }));
    return { models, keys: keys.sort((a, b) => a.label.localeCompare(b.label)) };
  }

  async retention(): Promise<LogRetentionView> {
    return this.retentionView(await this.deps.store.requestLog.retention());
  }

  /** Saves retention and capture (naming the version read) and applies them at once. */
  async setRetention(input: LogRetention & { version: number }): Promise<LogRetentionView> {
    const { version, capture, ...retention } = parseInput(retentionSchema, input);
    const log = this.deps.store.requestLog;
    const saved = await storeChange(
      async () => log.saveRetention({ ...retention, capture: capture ?? (await log.retention())?.capture ?? null }, version),
      (current: StoredLogRetention | null) => this.retentionView(current),
      'log retention',
    );
    this.deps.capture.mode = this.resolveRetention(saved).capture;
    await this.applyRetention();
    return this.retentionView(saved);
  }

  /** Puts the stored capture setting in force (at start-up, and when another instance may have changed it). */
  async syncCapture(): Promise<void> {
    this.deps.capture.mode = (await this.effectiveRetention()).capture;
  }

  /** Removes log rows past the retention in force (age, then size); returns how many went. */
  async applyRetention(): Promise<number> {
    const { days, maxMegabytes, capture } = await this.effectiveRetention();
    // Another instance of a team server may have saved capture meanwhile: it applies from here on.
    this.deps.capture.mode = capture;
    const removed = await this.deps.store.requestLog.prune({ before: this.deps.clock() - days * DAY_MS, maxBytes: maxMegabytes * MEGABYTE });
    if (removed > 0) this.deps.logger.log('info', `Removed ${removed} request-log rows past retention`);
    return removed;
  }

  /** The tools that used a key lately (from the log's User-Agent names), for "what breaks" before a delete. */
  async recentClients(keyId: string): Promise<{ clients: string[]; days: number }> {
    await this.deps.usage.flush();
    const since = this.deps.clock() - RECENT_CLIENT_DAYS * DAY_MS;
    const rows = await this.deps.store.requestLog.query({ keyId, start: since, limit: RECENT_CLIENT_ROWS });
    return { clients: busiestFirst(rows.map((row) => row.client)), days: RECENT_CLIENT_DAYS };
  }

  /** Log rows as the app shows them, each key's label looked up once. */
  async views(entries: RequestLogEntry[]): Promise<LogEntryView[]> {
    const labels = await this.labels(entries.map((entry) => entry.keyId ?? ''));
    return entries.map((entry) => ({
      id: entry.id,
      time: entry.time,
      keyId: entry.keyId,
      keyLabel: labels(entry.keyId ?? ''),
      model: entry.model,
      deployment: entry.deployment,
      status: entry.status,
      latencyMs: entry.latencyMs,
      promptTokens: entry.promptTokens,
      completionTokens: entry.completionTokens,
      cost: entry.cost,
      attemptCount: entry.attemptCount,
      errorCode: entry.errorCode,
      session: entry.session,
      project: entry.project,
      route: entry.route,
      tokenParts: entry.tokenParts,
      replayOf: entry.replayOf,
      mcp: entry.mcp,
    }));
  }

  private async effectiveRetention(): Promise<Required<LogRetention> & { capture: CaptureMode; source: LogRetentionView['source'] }> {
    const stored = await this.deps.store.requestLog.retention();
    return this.resolveRetention(stored);
  }

  private resolveRetention(stored: StoredLogRetention | null): Required<LogRetention> & { capture: CaptureMode; source: LogRetentionView['source'] } {
    const capture = stored?.capture ?? this.deps.configCapture;
    if (stored) return { days: stored.days, maxMegabytes: stored.maxMegabytes, capture, source: 'app' };
    const fromFile = this.deps.configRetentionMs;
    if (fromFile !== null) return { days: fromFile / DAY_MS, maxMegabytes: DEFAULT_RETENTION.maxMegabytes, capture, source: 'config file' };
    return { ...DEFAULT_RETENTION, capture, source: 'defaults' };
  }

  private async retentionView(stored: StoredLogRetention | null): Promise<LogRetentionView> {
    const bytes = await this.deps.store.requestLog.sizeBytes();
    return { ...this.resolveRetention(stored), version: stored?.version ?? 0, sizeMegabytes: Math.round((bytes / MEGABYTE) * 10) / 10 };
  }

  /** Rows past retention stay hidden even before the next prune removes their file. */
  private async withinRetention<Q extends SpendLogQuery>(query: Q): Promise<Q> {
    const { days } = await this.effectiveRetention();
    const floor = this.deps.clock() - days * DAY_MS;
    return { ...query, start: Math.max(query.start ?? floor, floor) };
  }

  /** Labels for the keys named; the master key's usage has no key id. */
  private async labels(ids: string[]): Promise<(id: string) => string> {
    const found = await this.deps.store.keys.labels(ids);
    return (id) => (id === '' ? MASTER_KEY_LABEL : (found.get(id) ?? DELETED_KEY_LABEL));
  }
}

/** Distinct names, the most frequent first (ties by name). */
function busiestFirst(names: Array<string | null>): string[] {
  const counts = new Map<string, number>();
  for (const name of names) if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].sort(([a, m], [b, n]) => n - m || a.localeCompare(b)).map(([name]) => name);
}
