// A provider's pool of API keys as the router sees it: each attempt takes the least recently
// used key that is not cooling (so requests rotate over the pool), and a key the upstream
// limited (429) or found out of quota cools down alone while the others serve. State is kept
// per key: the deployments of one provider share their keys' state, and with Redis other
// instances hear of a cooled key by its fingerprint (never the key itself). A key the upstream
// refuses (401: revoked, mistyped, or not allowed this endpoint) rests for the cooldown like a
// rate-limited one: the pool serves from the others, the app shows which key it is, and a key
// refused only for one endpoint, or while a URL was wrong, is back soon.
import { createHash } from 'node:crypto';
import type { AttemptFailure } from './failures.js';

/** An account out of credit does not recover in seconds: its key rests this long unless the upstream says otherwise. */
const QUOTA_COOLDOWN_MS = 15 * 60_000;
/** OpenAI's insufficient_quota, Anthropic's low credit balance, a 402 from a pay-as-you-go router. */
const OUT_OF_QUOTA = /insufficient_quota|exceeded your current quota|credit balance is too low|out of credits/i;

export interface KeyHealth {
  state: 'ready' | 'cooling';
  /** Epoch ms; null when ready. */
  coolingUntil: number | null;
  lastError: string | null;
  /** Attempts that used this key since the gateway started. */
  uses: number;
}

interface KeyState {
  coolingUntil: number;
  lastError: string | null;
  /** The turn it was last picked on; 0 when never. */
  lastTurn: number;
  uses: number;
}

/** What names a key between instances: enough of its SHA-256 to tell a pool's keys apart, nothing to recover it from. */
function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}

/** Whether a failure is the key's own: a rate limit, an account out of quota, a key refused; null otherwise. */
function keyLimit(failure: AttemptFailure): 'rate' | 'quota' | 'refused' | null {
  const response = failure.response;
  if (!response) return null;
  const { status, text } = response;
  if (status === 402 || ([400, 403, 429].includes(status) && OUT_OF_QUOTA.test(text))) return 'quota';
  if (status === 401) return 'refused';
  return status === 429 ? 'rate' : null;
}

export class KeyPools {
  private readonly keys = new Map<string, KeyState>();
  /** Each pooled key by its fingerprint, for a cooldown another instance reports. */
  private readonly byFingerprint = new Map<string, string>();
  private turn = 0;

  /** `peers` hears of each key this instance cools (Redis tells the other instances). */
  constructor(private readonly peers: { keyCooled(fingerprint: string, untilMs: number, error: string | null): void } | null = null) {}

  /** The key the next attempt uses: the least recently used of those ready; null when every one is cooling. */
  pick(pool: readonly string[], now: number): string | null {
    let best: KeyState | null = null;
    let bestKey: string | null = null;
    for (const key of pool) {
      const state = this.state(key);
      if (state.coolingUntil > now || (best && state.lastTurn >= best.lastTurn)) continue;
      best = state;
      bestKey = key;
    }
    if (best) {
      best.lastTurn = ++this.turn;
      best.uses++;
    }
    return bestKey;
  }

  /** When a key of the pool is next ready: `now` when one is (or there is no pool). */
  readyAt(pool: readonly string[] | undefined, now: number): number {
    if (!pool || pool.length === 0) return now;
    return Math.max(now, Math.min(...pool.map((key) => this.keys.get(key)?.coolingUntil ?? 0)));
  }

  /**
   * Cools `key` alone when `failure` is its own (Retry-After, else `cooldownMs` for a rate limit or
   * a refusal, longer for an exhausted quota); true when it did.
   */
  cool(key: string, failure: AttemptFailure, cooldownMs: number, now: number): boolean {
    const limit = keyLimit(failure);
    if (!limit) return false;
    const ms = failure.retryAfterMs ?? (limit === 'quota' ? Math.max(cooldownMs, QUOTA_COOLDOWN_MS) : cooldownMs);
    const state = this.coolUntil(key, now + ms, failure.describe());
    this.peers?.keyCooled(keyFingerprint(key), state.coolingUntil, state.lastError);
    return true;
  }

  /** Another instance cooled the key of this fingerprint (a key no pool here holds is ignored). */
  cooledElsewhere(fingerprint: string, untilMs: number, error: string | null): void {
    const key = this.byFingerprint.get(fingerprint);
    // A report that cools it no longer leaves this instance's own last error as it is.
    if (key && untilMs > this.state(key).coolingUntil) this.coolUntil(key, untilMs, error);
  }

  private coolUntil(key: string, untilMs: number, error: string | null): KeyState {
    const state = this.state(key);
    state.coolingUntil = Math.max(state.coolingUntil, untilMs);
    state.lastError = error;
    return state;
  }

  succeeded(key: string): void {
    const state = this.keys.get(key);
    if (state) state.lastError = null;
  }

  health(pool: readonly string[], now: number): KeyHealth[] {
    return pool.map((key) => {
      const state = this.keys.get(key);
      const cooling = state !== undefined && state.coolingUntil > now;
      return { state: cooling ? 'cooling' : 'ready', coolingUntil: cooling ? state.coolingUntil : null, lastError: state?.lastError ?? null, uses: state?.uses ?? 0 };
    });
  }

  /** Forgets what `keys` learnt (their deployment now calls another server). */
  forget(keys: readonly string[]): void {
    for (const key of keys) this.keys.delete(key);
  }

  /** Forgets keys no pool holds any more (a key removed in the app leaves nothing behind in memory). */
  retain(pools: Iterable<readonly string[] | undefined>): void {
    const kept = new Set<string>();
    for (const pool of pools) for (const key of pool ?? []) kept.add(key);
    for (const key of this.keys.keys()) if (!kept.has(key)) this.keys.delete(key);
    this.byFingerprint.clear();
    for (const key of kept) this.byFingerprint.set(keyFingerprint(key), key);
  }

  private state(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) this.keys.set(key, (state = { coolingUntil: 0, lastError: null, lastTurn: 0, uses: 0 }));
    return state;
  }
}
