// The opt-in exact-match response cache: in memory, bounded by entry count (the least recently
// used go first), each entry with a TTL; on, off and sized by the routing settings in force. A streamed answer is kept as the bytes the client was
// sent and replayed as a stream.
import { createHash } from 'node:crypto';
import type { LRUCache } from 'lru-cache';
import type { CacheSettings } from '../../config/index.js';
import { timedCache } from '../../core/timed-cache.js';
import type { Json } from '../../dialects/types.js';
import type { TokenUsage } from '../../core/usage.js';

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
  return createHash('sha256')
    .update(`${dialect}\u0000${group}\u0000${stableJson(rest)}`)
    .digest('hex');
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

/** A cache every instance reads (Redis): a lookup answers later, a write is sent and not waited for. */
export interface SharedCacheStore {
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse, ttlMs: number): void;
}

/**
 * The cache in force. Routing settings made in the app can switch it on or off, or change its
 * TTL and size, while the gateway runs: `configure` applies them (a changed cache starts empty).
 */
export class ResponseCache {
  private entries: LRUCache<string, CachedResponse> | null = null;
  private settings: CacheSettings | null = null;
  /** Set on a team server: entries are written there too, and what this instance lacks is looked up there. */
  shared: SharedCacheStore | null = null;

  constructor(
    settings: CacheSettings | null,
    private readonly clock: () => number = Date.now,
  ) {
    this.configure(settings);
  }

  get enabled(): boolean {
    return this.entries !== null;
  }

  configure(settings: CacheSettings | null): void {
    if (settings?.ttlMs === this.settings?.ttlMs && settings?.maxEntries === this.settings?.maxEntries) return;
    this.settings = settings;
    this.entries = settings ? timedCache<CachedResponse>({ max: settings.maxEntries, ttlMs: settings.ttlMs, clock: this.clock }) : null;
  }

  get(key: string): CachedResponse | undefined {
    return this.entries?.get(key);
  }

  /** This instance's entry, else (with a shared cache) the shared one, which answers later. */
  lookup(key: string): CachedResponse | undefined | Promise<CachedResponse | undefined> {
    const local = this.entries?.get(key);
    return local !== undefined || !this.shared ? local : this.shared.get(key);
  }

  set(key: string, value: CachedResponse, ttlMs: number | null): void {
    if (!this.entries || !this.settings) return;
    this.entries.set(key, value, ttlMs === null ? undefined : { ttl: ttlMs });
    this.shared?.set(key, value, ttlMs ?? this.settings.ttlMs);
  }
}
