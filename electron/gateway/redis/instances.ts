// Instance heartbeats in Redis: one key per instance, written with an expiry (PX) that Redis
// enforces, and a set naming the instances so listing never scans the keyspace (the response
// cache may hold many keys). An id whose key has expired is dropped from the set when read.
// Ages come from each key's remaining lifetime (PTTL), so no two machines' clocks are compared.
import { instanceRecordSchema, type InstanceRecord, type InstanceRegistry } from './heartbeat.js';
import type { RedisLink } from './connection.js';

const INDEX = 'loopgate:instances';
const recordKey = (id: string): string => `loopgate:instance:${id}`;

export class RedisInstanceRegistry implements InstanceRegistry {
  readonly kind = 'redis' as const;

  constructor(private readonly link: RedisLink) {}

  async beat(record: InstanceRecord, expiryMs: number): Promise<void> {
    this.ensureUp();
    const text = JSON.stringify({ ...record, expiryMs });
    await this.link.client.multi().set(recordKey(record.id), text, 'PX', expiryMs).sadd(INDEX, record.id).exec();
  }

  async list(): Promise<Array<{ record: InstanceRecord; ageMs: number }>> {
    this.ensureUp();
    const ids = await this.link.client.smembers(INDEX);
    if (ids.length === 0) return [];
    const batch = this.link.client.pipeline();
    for (const id of ids) batch.get(recordKey(id)).pttl(recordKey(id));
    const replies = (await batch.exec()) ?? [];
    const live: Array<{ record: InstanceRecord; ageMs: number }> = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const text = replies[2 * i]?.[1];
      const ttl = Number(replies[2 * i + 1]?.[1] ?? -2);
      if (typeof text !== 'string' || ttl < 0) return void gone.push(id);
      const parsed = parseRecord(text);
      // A record another version wrote in a shape this one does not know is left alone, not shown.
      if (parsed) live.push({ record: parsed.record, ageMs: Math.max(0, parsed.expiryMs - ttl) });
    });
    if (gone.length > 0) await this.link.client.srem(INDEX, ...gone);
    return live;
  }

  async leave(id: string): Promise<void> {
    if (!this.link.available) return;
    await this.link.client.multi().del(recordKey(id)).srem(INDEX, id).exec();
  }

  private ensureUp(): void {
    if (!this.link.available) throw new Error('Redis is unavailable');
  }
}

function parseRecord(text: string): { record: InstanceRecord; expiryMs: number } | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const record = instanceRecordSchema.safeParse(raw);
  const expiryMs = (raw as { expiryMs?: unknown }).expiryMs;
  return record.success && typeof expiryMs === 'number' ? { record: record.data, expiryMs } : null;
}
