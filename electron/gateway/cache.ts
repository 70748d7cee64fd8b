// The opt-in exact-match response cache: in memory, bounded by entry count (the least recently
// used go first), each entry with a TTL. A streamed answer is kept as the bytes the client was
// sent and replayed as a stream.
import { createHash } from 'node:crypto';
import type { CacheSettings } from '../config/index.js';
import { timedCache } from '../core/timed-cache.js';
import type { Json } from '../dialects/types.js';
import type { TokenUsage } from '../core/usage.js';

export interface CachedResponse {
  stream: boolean;
  contentType: string;
  /** The body, or the stream's chunks in order. */
  chunks: string[];
  usage: TokenUsage | null;
}

/** Per request, LiteLLM-style: `"cache": {"no-cache": true, "no-store": true, "ttl": 60}`. */
export interface CacheControl {
  read: boolean;
  write: boolean;
  ttlMs: number | null;
}

export function cacheControl(body: Json, header: string | string[] | undefined): CacheControl {
  const field = (typeof body.cache === 'object' && body.cache !== null ? body.cache : {}) as Json;
  const directives = String(header ?? '').toLowerCase();
  return {
    read: field['no-cache'] !== true && !directives.includes('no-cache'),
    write: field['no-store'] !== true && !directives.includes('no-store'),
    ttlMs: typeof field.ttl === 'number' && field.ttl > 0 ? field.ttl * 1000 : null,
  };
}

/** Same dialect, same model group, same body (without the cache directive): same answer. */
export function cacheKey(dialect: string, group: string, body: Json): string {
  const { cache: _directive, ...rest } = body;
  return createHash('sha256').update(`${dialect}\u0000${group}\u0000${stableJson(rest)}`).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Json)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export class ResponseCache {
  private readonly entries;

  constructor(settings: CacheSettings, clock: () => number = Date.now) {
    this.entries = timedCache<CachedResponse>({ max: settings.maxEntries, ttlMs: settings.ttlMs, clock });
  }

  get(key: string): CachedResponse | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: CachedResponse, ttlMs: number | null): void {
    this.entries.set(key, value, ttlMs === null ? undefined : { ttl: ttlMs });
  }
}
