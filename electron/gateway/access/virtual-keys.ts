// Virtual keys on the hot path: an in-memory index by hash that the store keeps current (a
// revoked key stops working on the very next request).
import { timingSafeEqual } from 'node:crypto';
import type { VirtualKey } from '../../../shared/keys.js';
import type { KeyRepository } from '../../store/keys.js';
import { hashKey } from '../../services/key-secrets.js';

/** A key as the gateway holds it: settings from the store, counters kept live in memory. */
export type LiveKey = VirtualKey & { keyHash: string };

/** Secrets remembered at most; past that the memo starts afresh (a busy app has a handful of keys). */
const KNOWN_MAX = 10_000;

export class KeyCache {
  private readonly byHash = new Map<string, LiveKey>();
  private readonly byId = new Map<string, LiveKey>();
  /**
   * Secrets already matched to a key, so a caller's next requests skip the SHA-256. Only matches
   * are kept (wrong keys cannot fill it), and any key change empties it, so a revoked or edited
   * key is looked up afresh on the very next request.
   */
  private readonly known = new Map<string, LiveKey>();

  constructor(keys: LiveKey[], repository: KeyRepository) {
    for (const key of keys) this.put(key);
    repository.onChange((id, key) => this.apply(id, key));
  }

  /** Looks a presented secret up by its hash; the digests are compared in constant time. */
  find(secret: string): LiveKey | undefined {
    const known = this.known.get(secret);
    if (known) return known;
    const digest = hashKey(secret);
    const key = this.byHash.get(digest);
    if (!key || !timingSafeEqual(Buffer.from(key.keyHash, 'hex'), Buffer.from(digest, 'hex'))) return undefined;
    if (this.known.size >= KNOWN_MAX) this.known.clear();
    this.known.set(secret, key);
    return key;
  }

  /** The key a secret matched before (no hashing), if no key has changed since. */
  remembered(secret: string): LiveKey | undefined {
    return this.known.get(secret);
  }

  get(id: string): LiveKey | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<LiveKey> {
    return this.byId.values();
  }

  /** Takes the store's keys afresh (another instance changed one): new and edited ones applied, vanished ones dropped. */
  replaceAll(keys: LiveKey[]): void {
    const gone = new Set(this.byId.keys());
    for (const key of keys) {
      gone.delete(key.id);
      this.apply(key.id, key);
    }
    for (const id of gone) this.apply(id, null);
  }

  private apply(id: string, key: LiveKey | null): void {
    this.known.clear();
    const previous = this.byId.get(id);
    if (previous) this.byHash.delete(previous.keyHash);
    if (!key) {
      this.byId.delete(id);
      return;
    }
    // Counters in memory run ahead of the store (usage is flushed in batches): keep them.
    if (previous) {
      Object.assign(key, {
        spend: previous.spend,
        totalSpend: previous.totalSpend,
        totalRequests: previous.totalRequests,
        totalTokens: previous.totalTokens,
        lastUsedAt: previous.lastUsedAt,
      });
    }
    this.put(key);
  }

  private put(key: LiveKey): void {
    this.byHash.set(key.keyHash, key);
    this.byId.set(key.id, key);
  }
}
