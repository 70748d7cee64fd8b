// Guessing keys is slowed per client address: after a handful of wrong keys in a minute, that
// address is answered 429 without its key being checked, until the oldest failure ages out.
// Each address has its own count, so one client's success or lockout never touches another's.
import { GatewayError } from '../../core/errors.js';

const DEFAULT_MAX_FAILURES = 10;
const DEFAULT_WINDOW_MS = 60_000;
const MAX_ADDRESSES = 10_000;

/**
 * A wrong key (as opposed to a missing, revoked or expired one): what a guesser produces. Also
 * a key named that the caller may not see (`permission`): asking about other keys is guessing too.
 */
export class WrongKeyError extends GatewayError {
  constructor(message: string, code: 'authentication' | 'permission' = 'authentication', param: string | null = null) {
    super(code, message, { param });
  }
}

export class AuthThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = DEFAULT_MAX_FAILURES,
    private readonly windowMs = DEFAULT_WINDOW_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Throws 429 while this address has failed too often lately. */
  check(address: string): void {
    const recent = this.recent(address);
    if (recent.length < this.maxFailures) return;
    const waitMs = recent[0]! + this.windowMs - this.clock();
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new GatewayError('rate_limit', `Too many wrong keys from this address; try again in ${seconds} s.`, { headers: { 'retry-after': String(seconds) } });
  }

  fail(address: string): void {
    const recent = this.recent(address);
    recent.push(this.clock());
    this.failures.delete(address);
    this.failures.set(address, recent);
    // Oldest addresses first: a flood of spoofed sources cannot grow this without bound.
    if (this.failures.size > MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(address: string): number[] {
    const since = this.clock() - this.windowMs;
    const list = (this.failures.get(address) ?? []).filter((time) => time > since);
    if (list.length === 0) this.failures.delete(address);
    return list;
  }
}
