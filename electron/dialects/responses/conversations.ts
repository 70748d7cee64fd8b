// Conversations kept locally so `previous_response_id` works against chat-only upstreams.
// Bounded in time and size: entries expire after an hour, and past the caps (count and total
// characters) the least recently used go first.
import type { ChatMessage } from '../../core/chat.js';
import { timedCache } from '../../core/timed-cache.js';

const TTL_MS = 60 * 60_000;
const MAX_ENTRIES = 1_000;
const MAX_CHARS = 64 * 1024 * 1024;

export class ConversationStore {
  private readonly entries;

  constructor(clock: () => number = Date.now) {
    const size = { max: MAX_CHARS, of: (messages: ChatMessage[]) => JSON.stringify(messages).length };
    this.entries = timedCache({ max: MAX_ENTRIES, ttlMs: TTL_MS, clock, size });
  }

  get(id: string): ChatMessage[] | undefined {
    return this.entries.get(id);
  }

  /** A conversation bigger than the whole cap is not kept. */
  set(id: string, messages: ChatMessage[]): void {
    this.entries.set(id, messages);
  }
}
