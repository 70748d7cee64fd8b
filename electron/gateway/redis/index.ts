// Redis owns what several gateway instances behind one load balancer share: rate limits
// (limits.ts), key budgets (spend.ts), the response cache (cache.ts), cooldowns and change events (changes.ts), and the
// instances' heartbeats (instances.ts), over one connection (connection.ts). Nothing here is
// loaded on a laptop (no Redis configured): the gateway then keeps all of it in memory, as before.
// While Redis is away each instance carries on alone, and says so in its log and in /health/readiness.
import { randomUUID } from 'node:crypto';
import type { RedisSettings } from '../../config/index.js';
import type { Logger } from '../../core/logger.js';
import type { CooldownObserver, Router } from '../../router/index.js';
import type { SharedCacheStore } from '../inference/cache.js';
import type { SharedRateLimits } from '../access/limits.js';
import type { SharedSpend } from '../access/budgets.js';
import { RedisResponseCache } from './cache.js';
import { ChangeChannel } from './changes.js';
import { RedisLink } from './connection.js';
import { RedisInstanceRegistry } from './instances.js';
import { RedisRateLimits } from './limits.js';
import { RedisSpend } from './spend.js';

/** What an instance does when another one changed something. */
export interface ChangeTargets {
  router: Router;
  /** Whether store changes (keys, routing) come over Redis; false when the store carries its own (PostgreSQL). */
  storeChanges: boolean;
  /** Re-reads every key from the store into the key cache. */
  reloadKeys: () => Promise<void>;
  /** Rebuilds the routing table (deployments, providers, routing settings) from the store. */
  reloadRouting: () => Promise<void>;
}

export class RedisSharing {
  readonly limits: SharedRateLimits;
  /** Key budgets counted across instances (access/budgets.ts uses it). */
  readonly spend: SharedSpend;
  readonly cache: SharedCacheStore;
  readonly cooldowns: CooldownObserver;
  /** Where this instance's heartbeat is kept (instances.ts; heartbeat.ts writes it). */
  readonly instances: RedisInstanceRegistry;
  readonly instanceId = randomUUID();
  private readonly changes: ChangeChannel;

  private constructor(
    private readonly link: RedisLink,
    private readonly logger: Logger,
    slotLifetimeMs: number,
  ) {
    const { instanceId } = this;
    this.instances = new RedisInstanceRegistry(link);
    this.limits = new RedisRateLimits(link, instanceId, slotLifetimeMs);
    this.spend = new RedisSpend(link, instanceId, slotLifetimeMs);
    this.cache = new RedisResponseCache(link);
    this.changes = new ChangeChannel(link, instanceId, logger);
    this.cooldowns = {
      cooled: (id, until) => this.changes.publish({ topic: 'cooldown', id, until }),
      recovered: (id) => this.changes.publish({ topic: 'recovered', id }),
      keyCooled: (fingerprint, until, error) => this.changes.publish({ topic: 'key-cooldown', fingerprint, until, error }),
    };
  }

  /** Connects (waiting a moment for Redis, so limits are shared from the first request); starts degraded if it does not answer. */
  static async connect(settings: RedisSettings, logger: Logger, slotLifetimeMs: number): Promise<RedisSharing> {
    const link = new RedisLink(settings, logger);
    const sharing = new RedisSharing(link, logger, slotLifetimeMs);
    if (await link.ready()) logger.log('info', `Sharing rate limits, cooldowns, the response cache and change events through Redis at ${settings.label}${settings.from === 'REDIS_URL' ? ' (from REDIS_URL)' : ''}`);
    return sharing;
  }

  /** True while Redis is away: limits are per instance, and nothing is shared. */
  get degraded(): boolean {
    return !this.link.available;
  }

  keysChanged(): void {
    this.changes.publish({ topic: 'keys' });
  }

  routingChanged(): void {
    this.changes.publish({ topic: 'routing' });
  }

  /** From now on other instances' changes reach `targets`; after an outage, everything is re-read once. */
  async follow(targets: ChangeTargets): Promise<void> {
    const reload = (what: string, task: () => Promise<void>): void => {
      task().catch((error: unknown) => this.logger.log('error', `${what} were not re-read after a change on another instance: ${String(error)}`));
    };
    if (targets.storeChanges) {
      this.link.onHealed(() => {
        reload('keys', targets.reloadKeys);
        reload('routing settings', targets.reloadRouting);
      });
    }
    await this.changes.listen((message) => {
      if (message.topic === 'cooldown') targets.router.coolElsewhere(message.id, message.until);
      else if (message.topic === 'recovered') targets.router.recoveredElsewhere(message.id);
      else if (message.topic === 'key-cooldown') targets.router.keyCooledElsewhere(message.fingerprint, message.until, message.error);
      // Only the instance that published store changes here sends these; one on PostgreSQL ignores strays.
      else if (!targets.storeChanges) return;
      else if (message.topic === 'keys') reload('keys', targets.reloadKeys);
      else reload('routing settings', targets.reloadRouting);
    });
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
