// Budgets own a key's budget period and its soft budget (access/budgets.ts): a due period starts
// on the 30-second sweep even for a key nobody uses, after the usage counted so far is written.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryLogger } from '../../electron/core/logger.js';
import { Budgets } from '../../electron/gateway/access/budgets.js';
import type { LiveKey } from '../../electron/gateway/access/virtual-keys.js';
import { Pricing } from '../../electron/gateway/accounting/pricing.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1);

function setUp(key: Partial<LiveKey>) {
  const live = { id: 'k1', keyAlias: 'team', spend: 5, softBudget: null, budgetDuration: '1h', budgetResetAt: T0, ...key } as LiveKey;
  const calls: string[] = [];
  const logger = new MemoryLogger();
  let now = T0 + 90 * 60_000;
  const budgets = new Budgets({
    pricing: new Pricing(),
    shared: null,
    keys: { all: () => [live] },
    resetBudget: (keyId, next) => {
      calls.push(`reset ${keyId} ${next - T0}`);
      return Promise.resolve();
    },
    flushUsage: () => calls.push('flush'),
    logger,
    clock: () => now,
  });
  return { live, calls, logger, budgets, later: (ms: number) => (now += ms) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('budget periods and the soft budget', () => {
  it('starts a due period on the sweep: usage written first, spend back to 0, the next reset counted from the stored one', () => {
    vi.useFakeTimers();
    const { live, calls, budgets } = setUp({});
    budgets.start();
    expect(live.spend).toBe(5);
    vi.advanceTimersByTime(30_000);
    budgets.stop();
    expect(live.spend).toBe(0);
    expect(live.budgetResetAt).toBe(T0 + 2 * HOUR);
    expect(calls).toEqual(['flush', `reset k1 ${2 * HOUR}`]);
  });

  it('leaves a key whose period is not over, and stops sweeping once stopped', () => {
    vi.useFakeTimers();
    const { live, calls, budgets } = setUp({ budgetResetAt: T0 + 2 * HOUR });
    budgets.start();
    vi.advanceTimersByTime(30_000);
    expect(live.spend).toBe(5);
    budgets.stop();
    live.budgetResetAt = T0;
    vi.advanceTimersByTime(60_000);
    expect(live.spend).toBe(5);
    expect(calls).toEqual([]);
  });

  it('says a crossed soft budget on every answer and logs it once per crossing', () => {
    const { live, logger, budgets } = setUp({ softBudget: 1 });
    expect(budgets.softBudget(live)).toEqual({ 'x-litellm-key-soft-budget-exceeded': 'true' });
    expect(budgets.softBudget(live)).toEqual({ 'x-litellm-key-soft-budget-exceeded': 'true' });
    const warned = () => logger.records.filter((record) => String(record.msg).includes('crossed its soft budget')).length;
    expect(warned()).toBe(1);
    live.spend = 0;
    expect(budgets.softBudget(live)).toEqual({});
    live.spend = 2;
    budgets.softBudget(live);
    expect(warned()).toBe(2);
  });
});
