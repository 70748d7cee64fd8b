// Usage and logs: daily series for the charts, the request log with its filters (applied in
// SQL), and today's totals. Pending usage is written first, so every number is exact.
import { z } from 'zod';
import type { LogEntryDetails, LogEntryView, LogFacets, UsagePoint, UsageSeries } from '../../shared/api.js';
import type { Store } from '../store/index.js';
import { utcDay, type DailySpend, type RequestLogEntry, type SpendLogQuery } from '../store/usage.js';
import { notFound } from './errors.js';
import type { PendingUsage } from './ports.js';
import { parseInput } from './validation.js';

const DAY_MS = 86_400_000;
const MAX_SERIES_DAYS = 90;
/** How far back "tools using this key" looks. */
const RECENT_CLIENT_DAYS = 7;
const MASTER_KEY_LABEL = 'master key';
const DELETED_KEY_LABEL = 'deleted key';

const logsSchema = z.object({
  id: z.string().optional(),
  keyId: z.string().optional(),
  model: z.string().optional(),
  status: z.enum(['ok', 'error']).optional(),
  start: z.number().optional(),
  end: z.number().optional(),
  before: z.object({ time: z.number(), id: z.string() }).optional(),
  limit: z.number().int().positive().max(1000),
});

export interface UsageServiceDeps {
  store: Store;
  usage: PendingUsage;
  clock: () => number;
}

type Totals = Pick<UsagePoint, 'requests' | 'tokens' | 'cost'>;

function addRow(totals: Totals, row: DailySpend): void {
  totals.requests += row.requests;
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
    const series = Array.from({ length: span }, (_, i) => ({ day: utcDay(end - (span - 1 - i) * DAY_MS), requests: 0, tokens: 0, cost: 0 }));
    const byDay = new Map(series.map((point) => [point.day, point]));
    const byModel = new Map<string, UsageSeries['byModel'][number]>();
    const byKey = new Map<string, UsageSeries['byKey'][number]>();
    const labels = await this.labels(rows.map((row) => row.keyId));
    for (const row of rows) {
      const point = byDay.get(row.day);
      if (point) addRow(point, row);
      const model = byModel.get(row.model) ?? { model: row.model, requests: 0, tokens: 0, cost: 0 };
      addRow(model, row);
      byModel.set(row.model, model);
      const key = byKey.get(row.keyId) ?? { keyId: row.keyId, label: labels(row.keyId), requests: 0, tokens: 0, cost: 0 };
      addRow(key, row);
      byKey.set(row.keyId, key);
    }
    return { days: series, byModel: byRequests([...byModel.values()]), byKey: byRequests([...byKey.values()]) };
  }

  /** Today's (UTC) totals over every key. */
  async today(): Promise<Totals> {
    await this.deps.usage.flush();
    const day = utcDay(this.deps.clock());
    const totals = { requests: 0, tokens: 0, cost: 0 };
    for (const row of await this.deps.store.usage.dailySpend({ fromDay: day, toDay: day })) addRow(totals, row);
    return totals;
  }

  /** The request log, newest first, filtered in the database. */
  async entries(input: SpendLogQuery): Promise<RequestLogEntry[]> {
    const query = parseInput(logsSchema, input);
    await this.deps.usage.flush();
    return this.deps.store.usage.spendLogs(query);
  }

  /** The request log as the app shows it: each entry with its key's label. */
  async logs(input: SpendLogQuery): Promise<LogEntryView[]> {
    return this.views(await this.entries(input));
  }

  /** One entry with its attempts and final error. */
  async entry(id: string): Promise<LogEntryDetails> {
    const { id: wanted } = parseInput(z.object({ id: z.string().min(1) }), { id });
    await this.deps.usage.flush();
    const entry = await this.deps.store.usage.logEntry(wanted);
    if (!entry) throw notFound('log entry');
    const [view] = await this.views([entry]);
    return {
      ...view!,
      attempts: entry.attempts ?? [],
      error: entry.errorCode ? { code: entry.errorCode, message: entry.errorMessage ?? '' } : null,
    };
  }

  /** Every model and key in the log (not only one page's), for its filters. */
  async facets(): Promise<LogFacets> {
    await this.deps.usage.flush();
    const { models, keyIds } = await this.deps.store.usage.logFacets();
    const labels = await this.labels(keyIds.map((id) => id ?? ''));
    const keys = keyIds.map((id) => ({ keyId: id ?? '', label: labels(id ?? '') }));
    return { models, keys: keys.sort((a, b) => a.label.localeCompare(b.label)) };
  }

  /** The tools that used a key lately (from the log's User-Agent names), for "what breaks" before a delete. */
  async recentClients(keyId: string): Promise<{ clients: string[]; days: number }> {
    await this.deps.usage.flush();
    const since = this.deps.clock() - RECENT_CLIENT_DAYS * DAY_MS;
    return { clients: await this.deps.store.usage.logClients(keyId, since), days: RECENT_CLIENT_DAYS };
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
    }));
  }

  /** Labels for the keys named; the master key's usage has no key id. */
  private async labels(ids: string[]): Promise<(id: string) => string> {
    const found = await this.deps.store.keys.labels(ids);
    return (id) => (id === '' ? MASTER_KEY_LABEL : (found.get(id) ?? DELETED_KEY_LABEL));
  }
}
