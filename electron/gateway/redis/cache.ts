// The response cache in Redis, so an answer one instance cached is served by every other: the
// same entry (body or stream chunks, usage) as JSON under its cache key, expiring with its TTL.
// A Redis failure is a miss; the instance's own in-memory cache still answers what it holds.
import type { CachedResponse, SharedCacheStore } from '../inference/cache.js';
import type { RedisLink } from './connection.js';

const PREFIX = 'loopgate:cache:';

export class RedisResponseCache implements SharedCacheStore {
  constructor(private readonly link: RedisLink) {}

  async get(key: string): Promise<CachedResponse | undefined> {
    if (!this.link.available) return undefined;
    try {
      const text = await this.link.client.get(PREFIX + key);
      return text === null ? undefined : (JSON.parse(text) as CachedResponse);
    } catch (error) {
      this.link.failed(error);
      return undefined;
    }
  }

  set(key: string, value: CachedResponse, ttlMs: number): void {
    if (!this.link.available) return;
    this.link.client.set(PREFIX + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs))).catch((error: unknown) => this.link.failed(error));
  }
}
