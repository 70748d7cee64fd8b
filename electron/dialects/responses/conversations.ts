// Conversations kept locally so `previous_response_id` works against chat-only upstreams.
// Bounded in time and size: entries expire after an hour and the oldest go first past the cap.
import type { ChatMessage } from '../../core/chat.js';

const TTL_MS = 60 * 60_000;
const MAX_ENTRIES = 1_000;
const MAX_CHARS = 64 * 1024 * 1024;

interface Entry {
  messages: ChatMessage[];
  expiresAt: number;
  chars: number;
}

export class ConversationStore {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  get(id: string): ChatMessage[] | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.delete(id);
      return undefined;
    }
    return entry.messages;
  }

  set(id: string, messages: ChatMessage[]): void {
    this.delete(id);
    const chars = JSON.stringify(messages).length;
    if (chars > MAX_CHARS) return;
    this.entries.set(id, { messages, expiresAt: this.clock() + TTL_MS, chars });
    this.chars += chars;
    // Map iterates in insertion order: the first entries are the oldest.
    for (const [oldest] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.chars <= MAX_CHARS) break;
      this.delete(oldest);
    }
  }

  private delete(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.chars -= entry.chars;
    this.entries.delete(id);
  }
}
