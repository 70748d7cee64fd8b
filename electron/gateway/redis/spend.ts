// Key budgets (max_budget) across instances: one Redis counter per key and budget period holds
// what every instance spent (INCRBYFLOAT, atomic), and a sorted set beside it what requests in
// flight hold. A budgeted key's request checks both and adds its hold in one script, so
// parallel requests on N instances together overshoot by at most one request; it settles in
// one script too (hold removed, cost added). Each hold expires, so a crashed instance's holds
// go by themselves. The counter starts from the spend the first instance to use it knows (the
// store's, plus what it served). While Redis is away each instance checks what it has seen
// itself, as on a laptop (budgets.ts).
import type { Redis } from 'ioredis';
import type { BudgetedKey, SharedSpend, SpendHold } from '../access/budgets.js';
import type { RedisLink } from './connection.js';

const PREFIX = 'loopgate:spend';
const HOLDS_PREFIX = 'loopgate:spend-holds';
/** A counter outlives its period by a day, then goes (a period's end is when the next starts). */
const GRACE_MS = 86_400_000;

// KEYS[1] the counter, KEYS[2] the holds; ARGV: spend before (the start value of a new counter),
// the budget, this hold's amount, its name, its lifetime (ms), the counter's expiry (epoch ms, 0:
// none). A hold is the member "<name> <amount>" scored by when it expires (Redis's own clock).
// Answers {admitted, spent, held}, the numbers as strings (Redis would cut them to integers).
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], ARGV[1])
  if tonumber(ARGV[6]) > 0 then redis.call('PEXPIREAT', KEYS[1], ARGV[6]) end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local spent = tonumber(redis.call('GET', KEYS[1]))
local held = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  held = held + tonumber(string.match(member, ' (%S+)$'))
end
if spent + held >= tonumber(ARGV[2]) then return {0, tostring(spent), tostring(held)} end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[4] .. ' ' .. ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {1, tostring(spent), tostring(held)}
`;

// KEYS[1] the counter, KEYS[2] the holds; ARGV: the hold's member ('' for none), the cost, spend
// before this cost (the start value, if the counter is new), the counter's expiry (epoch ms, 0: none).
const SETTLE = `
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[2], ARGV[1]) end
if tonumber(ARGV[2]) > 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[3]) end
  redis.call('INCRBYFLOAT', KEYS[1], ARGV[2])
  if tonumber(ARGV[4]) > 0 then redis.call('PEXPIREAT', KEYS[1], ARGV[4]) end
end
return 1
`;

type SpendClient = Redis & {
  loopgateReserveSpend(counter: string, holds: string, before: number, budget: number, amount: number, name: string, lifetimeMs: number, expiresAt: number): Promise<[number, string, string]>;
  loopgateSettleSpend(counter: string, holds: string, member: string, cost: number, before: number, expiresAt: number): Promise<number>;
};

export class RedisSpend implements SharedSpend {
  private readonly client: SpendClient;
  private holdsTaken = 0;

  constructor(
    private readonly link: RedisLink,
    /** Names this instance's holds. */
    private readonly instanceId: string,
    /** How long a hold lives if its request never settles (the longest a request may take). */
    private readonly holdLifetimeMs: number,
  ) {
    link.client.defineCommand('loopgateReserveSpend', { numberOfKeys: 2, lua: RESERVE });
    link.client.defineCommand('loopgateSettleSpend', { numberOfKeys: 2, lua: SETTLE });
    this.client = link.client as SpendClient;
  }

  async reserve(key: BudgetedKey, amount: number, before: number): Promise<{ admitted: boolean; spent: number; held: number; hold: SpendHold | null } | null> {
    if (!this.link.available || key.maxBudget === null) return null;
    const holds = this.holds(key);
    const name = `${this.instanceId}:${++this.holdsTaken}`;
    try {
      const [admitted, spent, held] = await this.client.loopgateReserveSpend(this.counter(key), holds, before, key.maxBudget, amount, name, this.holdLifetimeMs, this.expiry(key));
      return { admitted: admitted === 1, spent: Number(spent), held: Number(held), hold: admitted === 1 ? { holds, member: `${name} ${amount}` } : null };
    } catch (error) {
      this.link.failed(error);
      return null;
    }
  }

  settle(key: BudgetedKey, hold: SpendHold | null, cost: number, before: number): void {
    // Keys without a budget cost Redis nothing.
    if (!this.link.available || (hold === null && (cost <= 0 || key.maxBudget === null))) return;
    const counted = key.maxBudget === null ? 0 : Math.max(0, cost);
    this.client.loopgateSettleSpend(this.counter(key), hold?.holds ?? this.holds(key), hold?.member ?? '', counted, before, this.expiry(key)).catch((error: unknown) => this.link.failed(error));
  }

  private counter(key: BudgetedKey): string {
    return `${PREFIX}:${key.keyHash}:${key.budgetResetAt ?? 'all'}`;
  }

  private holds(key: BudgetedKey): string {
    return `${HOLDS_PREFIX}:${key.keyHash}:${key.budgetResetAt ?? 'all'}`;
  }

  private expiry(key: BudgetedKey): number {
    return key.budgetResetAt === null ? 0 : key.budgetResetAt + GRACE_MS;
  }
}
