// In-memory caches bounded in time and size (lru-cache), read against an injectable clock so
// tests can move time forward.
import { LRUCache } from 'lru-cache';

export interface TimedCacheOptions<V> {
  /** At most this many entries; past it the least recently used go first. */
  max: number;
  /** How long an entry lives unless its `set` names another TTL. */
  ttlMs: number;
  /** Milliseconds now: Date.now, or a test's clock. */
  clock: () => number;
  /** A cap on the total size as well, each entry measured by `of`; one bigger than it is not kept. */
  size?: { max: number; of: (value: V) => number };
}

export function timedCache<V extends NonNullable<unknown>>({ max, ttlMs, clock, size }: TimedCacheOptions<V>): LRUCache<string, V> {
  return new LRUCache<string, V>({
    max,
    ttl: ttlMs,
    // lru-cache otherwise reuses one reading of the clock for a millisecond; a test that moves
    // its clock needs every check to read it.
    perf: { now: clock },
    ttlResolution: 0,
    ...(size ? { maxSize: size.max, maxEntrySize: size.max, sizeCalculation: size.of } : {}),
  });
}
