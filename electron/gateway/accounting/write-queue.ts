// Usage and request-log writes that outlive a database outage. A write that fails stays queued
// and is tried again with the next flush: usage increments merge into one pending batch (sums,
// so nothing is lost and the queue does not grow), log rows queue up to a bound, past which the
// oldest are dropped and counted in a warning. Traffic never waits on this; while writes fail,
// /health/readiness says the database is unavailable.
import type { Logger } from '../../core/logger.js';
import type { KeyUsageIncrement } from '../../store/keys.js';
import type { RequestLogEntry } from '../../store/request-log.js';
import type { Store } from '../../store/store.js';
import type { DailySpendIncrement, UsageBatch } from '../../store/usage.js';

/** Log rows held while the database is away (about the last minutes of a busy server). */
const MAX_QUEUED_ROWS = 50_000;

function mergeUsage(into: UsageBatch, batch: UsageBatch): UsageBatch {
  const daily = new Map<string, DailySpendIncrement>();
  for (const row of [...into.daily, ...batch.daily]) {
    const id = `${row.day}\u0000${row.keyId}\u0000${row.model}`;
    const sum = daily.get(id);
    if (!sum) daily.set(id, { ...row });
    else {
      sum.requests += row.requests;
      sum.promptTokens += row.promptTokens;
      sum.completionTokens += row.completionTokens;
      sum.totalTokens += row.totalTokens;
      sum.cost += row.cost;
      sum.cacheReadTokens += row.cacheReadTokens;
      sum.cacheWriteTokens += row.cacheWriteTokens;
      sum.reasoningTokens += row.reasoningTokens;
      sum.cacheSavings += row.cacheSavings;
      sum.failures += row.failures;
    }
  }
  const keys = new Map<string, KeyUsageIncrement>();
  for (const inc of [...into.keys, ...batch.keys]) {
    const sum = keys.get(inc.keyId);
    if (!sum) keys.set(inc.keyId, { ...inc });
    else {
      sum.requests += inc.requests;
      sum.tokens += inc.tokens;
      sum.cost += inc.cost;
      sum.lastUsedAt = Math.max(sum.lastUsedAt, inc.lastUsedAt);
    }
  }
  return { daily: [...daily.values()], keys: [...keys.values()] };
}

export class StoreWriteQueue {
  private usage: UsageBatch | null = null;
  private rows: RequestLogEntry[] = [];
  private failing = false;
  private dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly maxRows = MAX_QUEUED_ROWS,
  ) {}

  /** False while the last write failed (the store is unreachable); true again once one succeeds. */
  get available(): boolean {
    return !this.failing;
  }

  /** Whether anything is still waiting for the database (usage totals or log rows). */
  get pending(): boolean {
    return this.usage !== null || this.rows.length > 0;
  }

  /** Log rows waiting for the database. */
  get queuedRows(): number {
    return this.rows.length;
  }

  /** Adds a flush's totals and rows to what is pending and tries to write all of it. */
  async write(batch: UsageBatch, log: RequestLogEntry[]): Promise<void> {
    if (batch.daily.length > 0 || batch.keys.length > 0) this.usage = this.usage ? mergeUsage(this.usage, batch) : batch;
    this.rows.push(...log);
    const over = this.rows.length - this.maxRows;
    if (over > 0) {
      this.rows.splice(0, over);
      this.dropped += over;
      this.logger.log('warn', `The database is unavailable and the request-log queue is full: dropped the ${over} oldest rows (${this.dropped} since the outage began); usage totals are kept`, { dropped: this.dropped });
    }
    const usage = this.usage;
    const rows = this.rows;
    this.usage = null;
    this.rows = [];
    const [counted, logged] = await Promise.allSettled([usage ? this.store.usage.recordBatch(usage) : Promise.resolve(), this.store.requestLog.append(rows)]);
    // What failed goes back in front of anything queued meanwhile.
    if (counted.status === 'rejected' && usage) this.usage = this.usage ? mergeUsage(usage, this.usage) : usage;
    if (logged.status === 'rejected') this.rows = [...rows, ...this.rows];
    const failure: unknown = counted.status === 'rejected' ? counted.reason : logged.status === 'rejected' ? logged.reason : null;
    if (failure !== null && !this.failing) {
      this.failing = true;
      this.logger.log('warn', `The database is unavailable (${String(failure)}): usage and request-log writes are queued and traffic goes on; readiness is degraded until it is back`);
    } else if (failure === null && this.failing) {
      this.failing = false;
      this.logger.log('info', `The database is back: queued usage and request-log rows are written${this.dropped > 0 ? ` (${this.dropped} log rows were dropped)` : ''}`);
      this.dropped = 0;
    }
  }
}
