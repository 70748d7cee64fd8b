// Budgets, all of them here: a key's max_budget and its per-model budgets (model_max_budget),
// its budget period (budget_duration: a new period starts when one is due, checked on use and
// every 30 s) and its soft budget (a warning, never a refusal). Before a request goes upstream
// it holds its estimated cost against them (refused with budget_exceeded when what is spent and
// held already reaches the budget); when it ends it settles: the hold goes, the real cost is
// added. So requests in flight together overshoot a budget by at most one request's cost (when
// no request costs more than its estimate). With Redis a key's budget and its holds are counted
// there, across instances (redis/spend.ts); per-model budgets are counted per instance. The
// key's own spend total is accounting's (accounting.ts counts every request's cost).
import type { ModelBudget } from '../../../shared/keys.js';
import { parseDuration } from '../../../shared/keys.js';
import type { DeploymentConfig } from '../../core/deployment.js';
import { GatewayError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Pricing } from '../accounting/pricing.js';
import type { LiveKey } from './virtual-keys.js';

/** What a budget's estimate reads of a request (inference/usage-estimate.ts measures it). */
export interface RequestSize {
  promptTokens: number;
  /** The reply's limit the client set (max_tokens and its spellings in each dialect); null: none. */
  maxTokens: number | null;
}

/** The reply a request is taken to ask for when it sets no max_tokens. */
const DEFAULT_REPLY_TOKENS = 1024;

/** One request's hold; `settle` runs once, when the request ends, with what it cost. */
export interface Reservation {
  settle(cost: number): void;
}

/** A hold in the shared counter, to be dropped when its request settles. */
export interface SpendHold {
  readonly holds: string;
  readonly member: string;
}

/** What names a key's budget period everywhere: its hash and when the period ends. */
export interface BudgetedKey {
  keyHash: string;
  budgetResetAt: number | null;
  maxBudget: number | null;
}

/** A key's budget counted across instances; null answers mean Redis is away (this instance's own count stands). */
export interface SharedSpend {
  /** Holds `amount` unless what every instance spent and holds reaches the budget; `before` starts a new counter. */
  reserve(key: BudgetedKey, amount: number, before: number): Promise<{ admitted: boolean; spent: number; held: number; hold: SpendHold | null } | null>;
  /** Drops the hold (if any) and adds one request's cost of a budgeted key; `before` is what this instance knew the key had spent until then. */
  settle(key: BudgetedKey, hold: SpendHold | null, cost: number, before: number): void;
}

/** The model a request names, the group it resolved to (what per-model budgets count), and that group's budget for the key. */
export interface BudgetTarget {
  name: string;
  group: string;
  budget: ModelBudget | undefined;
}

const NOTHING = (): void => undefined;
const PERIOD_SWEEP_MS = 30_000;

/** What budgets work with besides prices: the keys, where a new period is saved, and the usage to write first. */
export interface BudgetDeps {
  pricing: Pricing;
  /** Null without Redis: each instance counts alone. */
  shared: SharedSpend | null;
  /** Every live key (virtual-keys.ts' KeyCache), for the sweep. */
  keys: { all(): Iterable<LiveKey> };
  /** Saves a key's new budget period (its spend back to 0) in the store. */
  resetBudget: (keyId: string, nextResetAt: number) => Promise<void>;
  /** Writes the usage counted so far, so it lands before a reset (accounting.ts). */
  flushUsage: () => void;
  logger: Logger;
  clock?: () => number;
}

export class Budgets {
  /** What requests in flight hold, by key id (max_budget) and key id + group (model_max_budget). */
  private readonly held = new Map<string, { amount: number; count: number }>();
  /** Spend per key and model group in the budget's period, from the gateway's start. */
  private readonly modelSpend = new Map<string, { spend: number; periodEnds: number | null }>();

  /** Keys whose soft budget has been reported crossed, so the log says it once per crossing. */
  private readonly softWarned = new WeakSet<LiveKey>();
  private readonly pricing: Pricing;
  private readonly shared: SharedSpend | null;
  private readonly clock: () => number;
  private sweep: NodeJS.Timeout | null = null;

  constructor(private readonly deps: BudgetDeps) {
    this.pricing = deps.pricing;
    this.shared = deps.shared;
    this.clock = deps.clock ?? Date.now;
  }

  /** Starts due budget periods every 30 s, so a key nobody uses still shows its new period. */
  start(): void {
    this.sweep = setInterval(() => {
      const now = this.clock();
      for (const key of this.deps.keys.all()) this.startPeriodIfDue(key, now);
    }, PERIOD_SWEEP_MS).unref();
  }

  stop(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
  }

  /** The soft budget's warning: logged once per crossing, said in a header on every answer while crossed. */
  softBudget(key: LiveKey): Record<string, string> {
    if (key.softBudget === null || key.spend < key.softBudget) {
      this.softWarned.delete(key);
      return {};
    }
    if (!this.softWarned.has(key)) {
      this.softWarned.add(key);
      this.deps.logger.log('warn', `Key ${key.keyAlias ?? key.id} crossed its soft budget: $${key.spend.toFixed(6)} of $${key.softBudget}`, {
        key: key.id,
        spend: key.spend,
        soft_budget: key.softBudget,
      });
    }
    return { 'x-litellm-key-soft-budget-exceeded': 'true' };
  }

  /** Whether a request of `key` is held against a budget (and so worth estimating). */
  applies(key: LiveKey, target: BudgetTarget): boolean {
    return key.maxBudget !== null || target.budget !== undefined;
  }

  /** Whether holding `amount` leaves the key's budgets unreached: then an upper bound may stand for the counted estimate. */
  fits(key: LiveKey, target: BudgetTarget, amount: number): boolean {
    if (key.maxBudget !== null && key.spend + this.heldBy(key.id) + amount >= key.maxBudget) return false;
    const budget = target.budget;
    if (!budget) return true;
    const id = `${key.id}\u0000${target.group}`;
    return this.modelSpendFor(id, budget.time_period === null ? null : parseDuration(budget.time_period)) + this.heldBy(id) + amount < budget.budget_limit;
  }

  /** The most a request of this size may cost on any of the deployments that may serve it. */
  estimate(deployments: readonly DeploymentConfig[], size: RequestSize): number {
    const completionTokens = size.maxTokens ?? DEFAULT_REPLY_TOKENS;
    const usage = { promptTokens: size.promptTokens, completionTokens, totalTokens: size.promptTokens + completionTokens };
    let most = 0;
    for (const deployment of deployments) most = Math.max(most, this.pricing.cost(deployment, usage));
    return most;
  }

  /** A request of a key without budgets here: nothing held, its cost still counted per model group. */
  unbudgeted(key: LiveKey, group: string): Reservation {
    return this.reservation(key, group, null, NOTHING);
  }

  /** Holds `estimate` against the key's budgets, or throws budget_exceeded. */
  reserve(key: LiveKey, target: BudgetTarget, estimate: number): Reservation | Promise<Reservation> {
    const releaseModel = this.holdModel(key, target, estimate);
    if (key.maxBudget !== null && this.shared) return this.reserveShared(key, target, estimate, this.shared, releaseModel);
    try {
      this.startPeriodIfDue(key, this.clock());
      this.check(key, this.heldBy(key.id));
    } catch (error) {
      releaseModel();
      throw error;
    }
    const releaseKey = key.maxBudget !== null ? this.hold(key.id, estimate) : NOTHING;
    return this.reservation(key, target.group, null, () => {
      releaseKey();
      releaseModel();
    });
  }

  private async reserveShared(key: LiveKey, target: BudgetTarget, estimate: number, shared: SharedSpend, releaseModel: () => void): Promise<Reservation> {
    let releaseKey = NOTHING;
    let hold: SpendHold | null = null;
    try {
      this.startPeriodIfDue(key, this.clock());
      this.check(key, 0);
      const everywhere = await shared.reserve(key, estimate, key.spend);
      if (everywhere === null) {
        // Redis away: the spend and holds this instance has seen.
        this.check(key, this.heldBy(key.id));
        releaseKey = this.hold(key.id, estimate);
      } else {
        // What every instance together spent, so N instances do not each spend the whole budget.
        if (everywhere.spent > key.spend) key.spend = everywhere.spent;
        if (!everywhere.admitted) throw exceeded(key, everywhere.held);
        hold = everywhere.hold;
      }
    } catch (error) {
      releaseModel();
      throw error;
    }
    return this.reservation(key, target.group, hold, () => {
      releaseKey();
      releaseModel();
    });
  }

  private reservation(key: LiveKey, group: string, hold: SpendHold | null, release: () => void): Reservation {
    let settled = false;
    return {
      settle: (cost) => {
        if (settled) return;
        settled = true;
        release();
        this.addModelSpend(`${key.id}\u0000${group}`, cost);
        this.shared?.settle(key, hold, cost, key.spend - cost);
      },
    };
  }

  /** Starts a key's new budget period when one is due: its spend back to 0, the next reset saved. */
  private startPeriodIfDue(key: LiveKey, now: number): void {
    if (!key.budgetDuration || key.budgetResetAt === null || now < key.budgetResetAt) return;
    const period = parseDuration(key.budgetDuration);
    if (period === null) return;
    // Counted from the stored reset time, so every instance starts the same next period (one Redis counter for it).
    const next = key.budgetResetAt + period * (Math.floor((now - key.budgetResetAt) / period) + 1);
    this.deps.flushUsage();
    key.spend = 0;
    key.budgetResetAt = next;
    this.deps.resetBudget(key.id, next).catch((error: unknown) => {
      this.deps.logger.log('error', `budget reset could not be saved: ${String(error)}`, { key: key.id });
    });
  }

  /** Refuses a key whose spend and what its requests in flight hold reach its budget. */
  private check(key: LiveKey, held: number): void {
    if (key.maxBudget !== null && key.spend + held >= key.maxBudget) throw exceeded(key, held);
  }

  /** Holds `estimate` against the key's budget for the group, or throws; returns the release. */
  private holdModel(key: LiveKey, target: BudgetTarget, estimate: number): () => void {
    const budget = target.budget;
    if (!budget) return NOTHING;
    const id = `${key.id}\u0000${target.group}`;
    const spent = this.modelSpendFor(id, budget.time_period === null ? null : parseDuration(budget.time_period));
    const held = this.heldBy(id);
    if (spent + held >= budget.budget_limit) {
      throw new GatewayError(
        'budget_exceeded',
        `This key has spent $${spent.toFixed(6)} of its $${budget.budget_limit} budget for "${target.name}"` +
          (held > 0 ? ` (requests in flight hold $${held.toFixed(6)} more)` : '') +
          (budget.time_period ? ` per ${budget.time_period}.` : '.'),
        { headers: { 'x-should-retry': 'false' } },
      );
    }
    return this.hold(id, estimate);
  }

  private heldBy(id: string): number {
    return this.held.get(id)?.amount ?? 0;
  }

  private hold(id: string, amount: number): () => void {
    const entry = this.held.get(id) ?? { amount: 0, count: 0 };
    entry.amount += amount;
    entry.count++;
    this.held.set(id, entry);
    return () => {
      entry.amount -= amount;
      // Counted, so float leftovers never outlive the last hold.
      if (--entry.count === 0) this.held.delete(id);
    };
  }

  private addModelSpend(id: string, cost: number): void {
    if (cost <= 0) return;
    const entry = this.modelSpend.get(id);
    if (entry) entry.spend += cost;
    else this.modelSpend.set(id, { spend: cost, periodEnds: null });
  }

  /** What was spent under `id` in the budget's current period; a new period starts when one is due. */
  private modelSpendFor(id: string, periodMs: number | null): number {
    const now = this.clock();
    const entry = this.modelSpend.get(id) ?? { spend: 0, periodEnds: null };
    if (periodMs !== null && (entry.periodEnds === null || now >= entry.periodEnds)) {
      if (entry.periodEnds !== null) entry.spend = 0;
      entry.periodEnds = now + periodMs;
    }
    this.modelSpend.set(id, entry);
    return entry.spend;
  }
}

function exceeded(key: LiveKey, held: number): GatewayError {
  return new GatewayError(
    'budget_exceeded',
    `This key has spent $${key.spend.toFixed(6)} of its $${key.maxBudget} budget` +
      (held > 0 ? ` (requests in flight hold $${held.toFixed(6)} more)` : '') +
      (key.budgetResetAt ? `; it resets at ${new Date(key.budgetResetAt).toISOString()}.` : '.'),
    { headers: { 'x-should-retry': 'false' } },
  );
}
