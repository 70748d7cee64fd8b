// Which gateway instances of a team server are live: each one writes a heartbeat that expires
// on its own (a stopped instance removes it; one killed outright drops out after `expiryMs`), and
// reads everyone's back for the admin UI's Overview. Where the heartbeats are kept is a registry
// (Redis: instances.ts); a laptop, or a server without Redis, has none.
import { hostname } from 'node:os';
import { z } from 'zod';
import type { InstancesView, InstanceView } from '../../../shared/api.js';
import type { Logger } from '../../core/logger.js';

export const instanceRecordSchema = z.object({
  id: z.string().min(1),
  host: z.string(),
  address: z.string(),
  version: z.string(),
  startedAt: z.number(),
  store: z.enum(['sqljs', 'postgres']),
  redis: z.enum(['connected', 'unavailable', 'off']),
});

/** What an instance says of itself in each heartbeat. */
export type InstanceRecord = z.infer<typeof instanceRecordSchema>;

export interface InstanceRegistry {
  readonly kind: InstancesView['registry'];
  /** Writes or refreshes this instance's heartbeat, live for `expiryMs` from now. */
  beat(record: InstanceRecord, expiryMs: number): Promise<void>;
  /** Every live heartbeat and how long ago it was written; throws while the registry is away. */
  list(expiryMs: number): Promise<Array<{ record: InstanceRecord; ageMs: number }>>;
  /** Removes this instance's heartbeat (a graceful stop). */
  leave(id: string): Promise<void>;
}

export interface HeartbeatOptions {
  registry: InstanceRegistry;
  self: Omit<InstanceRecord, 'address' | 'redis' | 'host'>;
  redisState: () => InstanceRecord['redis'];
  /** How often the heartbeat is written (default 3 s); it expires after `expiryMs` (default 10 s: three missed beats). */
  intervalMs?: number;
  expiryMs?: number;
  clock: () => number;
  logger: Logger;
  /** An instance joined or dropped out (the Overview hears of it at once). */
  membershipChanged: () => void;
}

export class InstanceHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private address = '';
  private members = '';
  private readonly intervalMs: number;
  readonly expiryMs: number;
  private failing = false;

  constructor(private readonly options: HeartbeatOptions) {
    this.intervalMs = options.intervalMs ?? 3_000;
    this.expiryMs = options.expiryMs ?? 10_000;
  }

  /** Starts beating once the gateway listens at `address`. */
  start(address: string): Promise<void> {
    this.address = address;
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    return this.tick();
  }

  /** The live instances, or this one alone (available: false) while the registry is away. */
  async view(): Promise<InstancesView> {
    const { clock } = this.options;
    const registry = this.options.registry;
    const base = { registry: registry.kind, expiryMs: this.expiryMs };
    try {
      const live = await registry.list(this.expiryMs);
      const checkedAt = clock();
      const views = live.map(({ record, ageMs }) => this.toView(record, checkedAt - ageMs));
      views.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
      return { ...base, available: true, checkedAt, live: views };
    } catch {
      const checkedAt = clock();
      return { ...base, available: false, checkedAt, live: [this.toView(this.record(), checkedAt)] };
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.options.registry.leave(this.options.self.id).catch(() => undefined);
  }

  private record(): InstanceRecord {
    return { ...this.options.self, host: hostname(), address: this.address, redis: this.options.redisState() };
  }

  private toView(record: InstanceRecord, lastSeen: number): InstanceView {
    return { ...record, lastSeen, self: record.id === this.options.self.id };
  }

  private async tick(): Promise<void> {
    const { registry, logger } = this.options;
    try {
      await registry.beat(this.record(), this.expiryMs);
      const members = (await registry.list(this.expiryMs))
        .map(({ record }) => record.id)
        .sort()
        .join(',');
      if (this.failing) logger.log('info', `Instance heartbeats are written to ${registry.kind} again`);
      this.failing = false;
      if (members === this.members) return;
      const first = this.members === '';
      this.members = members;
      if (!first) this.options.membershipChanged();
    } catch (error) {
      // Said once per outage; the Overview shows "unknown" meanwhile.
      if (!this.failing) logger.log('warn', `Instance heartbeat not written to ${registry.kind}: ${error instanceof Error ? error.message : String(error)}`);
      this.failing = true;
    }
  }
}
