// Virtual keys as both sides of the app see them. The secret is never part of a record.

export type KeyStatus = 'active' | 'revoked' | 'expired';

/** What a key list can be filtered by: a status, or the active keys refused for their spent budget. */
/** `served`: active and not refused for its spent budget (the app's "active"); `active` alone is the status field's. */
export type KeyFilter = KeyStatus | 'over_budget' | 'served';

/** What a key is set to: every field a person or a script may change. A new key field goes here. */
export interface KeySettings {
  keyAlias: string | null;
  userId: string | null;
  teamId: string | null;
  /** Allowed model names; empty means every model. */
  models: string[];
  /** Model names this key uses for others: {"gpt-4": "gpt-4o"}. */
  aliases: Record<string, string>;
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxParallelRequests: number | null;
  maxBudget: number | null;
  /** e.g. "30s", "1h", "7d", "30d"; the budget's spend resets on this schedule. */
  budgetDuration: string | null;
  budgetResetAt: number | null;
  expiresAt: number | null;
  blocked: boolean;
  metadata: Record<string, unknown>;
  /** LiteLLM's key tags, for grouping spend. */
  tags: string[];
  /** Spend past this (USD) is warned about in the logs and the app; requests still go through. */
  softBudget: number | null;
  /** Per model name: a budget (USD) per period, in LiteLLM's own field names. */
  modelMaxBudget: Record<string, ModelBudget>;
  /** Per model name: requests per minute. */
  modelRpmLimit: Record<string, number>;
  /** Per model name: tokens per minute. */
  modelTpmLimit: Record<string, number>;
  /** Keep this key's request and answer bodies in the request log; null follows the app's setting. */
  capture: CaptureMode | null;
}

/** Which requests keep their bodies in the request log (secrets masked): none, the failed ones, or all. */
export const CAPTURE_MODES = ['off', 'failed', 'all'] as const;
export type CaptureMode = (typeof CAPTURE_MODES)[number];

/** LiteLLM's `model_max_budget` entry: `{"budget_limit": 0.5, "time_period": "1d"}`. */
export interface ModelBudget {
  budget_limit: number;
  /** "1d", "30d", ...; null: the budget never resets. */
  time_period: string | null;
}

export interface VirtualKey extends KeySettings {
  id: string;
  /** First characters of the secret, for recognising a key in a list. */
  keyPrefix: string;
  createdAt: number;
  updatedAt: number;
  version: number;
  /** Who made it: "master key" (the management API), "app", or the CLI. */
  createdBy: string | null;
  /** Spend in the current budget period (USD). */
  spend: number;
  totalSpend: number;
  totalRequests: number;
  totalTokens: number;
  lastUsedAt: number | null;
}

export function keyStatus(key: Pick<VirtualKey, 'blocked' | 'expiresAt'>, now: number): KeyStatus {
  if (key.blocked) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

const DURATION = /^(\d+)\s*(s|m|h|d|w|mo)$/;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3, mo: 30 * 86400e3 };

/** LiteLLM's duration strings ("30s", "10m", "1h", "30d", "1mo") in milliseconds; null if malformed. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  return amount > 0 ? amount * UNIT_MS[match[2]!]! : null;
}
