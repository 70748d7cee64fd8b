// Per-key rate limits in memory: requests and tokens over a sliding minute, and requests in
// flight. Checked before a request goes upstream; tokens are counted when it finishes. With a
// shared Redis (redis/limits.ts) the same limits are counted there, and this limiter is what
// each instance falls back to while Redis is away.
import { GatewayError } from '../../core/errors.js';
import { SlidingWindow } from '../../router/window.js';

const WINDOW_MS = 60_000;

export interface KeyLimits {
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxParallelRequests: number | null;
}

/** A key's last minute: sliding windows that drop old entries in amortised O(1) (hundreds of thousands at full speed). */
interface Window {
  requests: SlidingWindow;
  tokens: SlidingWindow;
  inFlight: number;
}

export interface Admission {
  /** Headers for the response, OpenAI's `x-ratelimit-*` names. */
  headers: Record<string, string>;
  /** Call once when the request ends, with the tokens it used. */
  readonly release: (tokens: number) => void;
}

/** Limits counted where every instance sees them; `local` admits by this process alone (Redis away). */
export interface SharedRateLimits {
  admit(id: string, limits: KeyLimits, who: string, local: () => Admission): Promise<Admission>;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: () => number = Date.now,
    /** Set on a team server with Redis; null (the laptop) keeps every check synchronous and in memory. */
    readonly shared: SharedRateLimits | null = null,
  ) {}

  /** Admits one request for `keyId` or throws a 429 `rate_limit` with `retry-after`; `who` names what the limits belong to. */
  admit(keyId: string, limits: KeyLimits, who = 'This key'): Admission {
    const now = this.clock();
    const window = this.window(keyId, now);
    const headers: Record<string, string> = {};

    if (limits.maxParallelRequests !== null && window.inFlight >= limits.maxParallelRequests) {
      throw new GatewayError('rate_limit', `${who} allows ${limits.maxParallelRequests} requests at a time; wait for one to finish.`, {
        headers: { 'retry-after': '1', 'x-ratelimit-limit-parallel': String(limits.maxParallelRequests) },
      });
    }
    if (limits.rpmLimit !== null) {
      const used = window.requests.count(now);
      const oldest = window.requests.oldest(now);
      const resetMs = oldest !== null ? oldest + WINDOW_MS - now : WINDOW_MS;
      Object.assign(headers, {
        'x-ratelimit-limit-requests': String(limits.rpmLimit),
        'x-ratelimit-remaining-requests': String(Math.max(0, limits.rpmLimit - used - 1)),
        'x-ratelimit-reset-requests': `${seconds(resetMs)}s`,
      });
      if (used >= limits.rpmLimit) {
        headers['x-ratelimit-remaining-requests'] = '0';
        throw new GatewayError('rate_limit', `${who} allows ${limits.rpmLimit} requests per minute.`, {
          headers: { ...headers, 'retry-after': String(seconds(resetMs)) },
        });
      }
    }
    if (limits.tpmLimit !== null) {
      const oldest = window.tokens.oldest(now);
      const resetMs = oldest !== null ? oldest + WINDOW_MS - now : WINDOW_MS;
      Object.assign(headers, {
        'x-ratelimit-limit-tokens': String(limits.tpmLimit),
        'x-ratelimit-remaining-tokens': String(Math.max(0, limits.tpmLimit - window.tokens.sum(now))),
        'x-ratelimit-reset-tokens': `${seconds(resetMs)}s`,
      });
      if (window.tokens.sum(now) >= limits.tpmLimit) {
        throw new GatewayError('rate_limit', `${who} allows ${limits.tpmLimit} tokens per minute.`, {
          headers: { ...headers, 'retry-after': String(seconds(resetMs)) },
        });
      }
    }

    window.requests.add(now);
    window.inFlight++;
    let released = false;
    return {
      headers,
      release: (tokens) => {
        if (released) return;
        released = true;
        window.inFlight--;
        if (tokens > 0) window.tokens.add(this.clock(), tokens);
      },
    };
  }

  private window(keyId: string, now: number): Window {
    let window = this.windows.get(keyId);
    if (!window) {
      window = { requests: new SlidingWindow(WINDOW_MS), tokens: new SlidingWindow(WINDOW_MS), inFlight: 0 };
      this.windows.set(keyId, window);
    }
    // Pruned on every admission, limits set or not, so a key without limits holds no history.
    window.requests.prune(now);
    window.tokens.prune(now);
    return window;
  }
}
