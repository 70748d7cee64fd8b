// Key budgets (max_budget) across instances: each request's cost is added to one Redis counter
// per key and budget period (INCRBYFLOAT, atomic), and a budgeted key's request first reads it,
// so N instances together stop at the budget instead of each spending it once. The counter
// starts from the spend the first instance to add knows (the store's, plus what it served).
// While Redis is away each instance checks the spend it has seen itself, as on a laptop.
import type { Redis } from 'ioredis';
import type { SharedSpend } from '../limits.js';
import type { RedisLink } from './connection.js';

const PREFIX = 'loopgate:spend';
/** A counter outlives its period by a day, then goes (a period's end is when the next starts). */
const GRACE_MS = 86_400_000;

// KEYS[1] the counter; ARGV: spend before this cost (the start value, if the counter is new), the cost, expiry (epoch ms, 0: none).
const ADD_SPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
local total = redis.call('INCRBYFLOAT', KEYS[1], ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIREAT', KEYS[1], ARGV[3]) end
return total
`;

type SpendClient = Redis & { loopgateAddSpend(key: string, start: number, cost: number, expiresAt: number): Promise<string> };

/** What names a key's budget period: its hash (the same on every instance) and when the period ends. */
interface BudgetedKey {
  keyHash: string;
  budgetResetAt: number | null;
  maxBudget: number | null;
}

export class RedisSpend implements SharedSpend {
  private readonly client: SpendClient;

  constructor(private readonly link: RedisLink) {
    link.client.defineCommand('loopgateAddSpend', { numberOfKeys: 1, lua: ADD_SPEND });
    this.client = link.client as SpendClient;
  }

  async spent(key: BudgetedKey): Promise<number | null> {
    if (!this.link.available) return null;
    try {
      const value = await this.client.get(this.counter(key));
      return value === null ? null : Number(value);
    } catch (error) {
      this.link.failed(error);
      return null;
    }
  }

  add(key: BudgetedKey, cost: number, before: number): void {
    // Keys without a budget cost Redis nothing.
    if (!this.link.available || cost <= 0 || key.maxBudget === null) return;
    const expiresAt = key.budgetResetAt === null ? 0 : key.budgetResetAt + GRACE_MS;
    this.client.loopgateAddSpend(this.counter(key), before, cost, expiresAt).catch((error: unknown) => this.link.failed(error));
  }

  private counter(key: BudgetedKey): string {
    return `${PREFIX}:${key.keyHash}:${key.budgetResetAt ?? 'all'}`;
  }
}
