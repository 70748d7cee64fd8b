// The connection to the shared Redis: one client for commands, one for pub/sub (a subscribed
// connection can do nothing else). Commands fail fast while Redis is away (no offline queue, a
// short timeout), so callers fall back to this instance at once; ioredis reconnects by itself.
// An outage is logged once when it starts and once when it ends.
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../../config/index.js';
import type { Logger } from '../../core/logger.js';

const COMMAND_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

export class RedisLink {
  readonly client: Redis;
  readonly subscriber: Redis;
  private down = false;
  private readonly healed: Array<() => void> = [];

  constructor(
    readonly settings: RedisSettings,
    private readonly logger: Logger,
  ) {
    const options: RedisOptions = {
      host: settings.host,
      port: settings.port,
      db: settings.db,
      ...(settings.username ? { username: settings.username } : {}),
      ...(settings.password ? { password: settings.password } : {}),
      ...(settings.tls ? { tls: {} } : {}),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(100 * times, MAX_RECONNECT_DELAY_MS),
    };
    this.client = new Redis(options);
    // The subscriber queues its SUBSCRIBE until connected. It re-subscribes after a reconnect
    // through ChangeChannel, not ioredis: a connection lost again before Redis answered ioredis's
    // own re-subscribe rejected it unhandled (the headless server exits on that) and never retried.
    this.subscriber = new Redis({ ...options, enableOfflineQueue: true, autoResubscribe: false });
    this.client.on('error', (error: Error) => this.lost(error.message));
    this.client.on('close', () => this.lost('connection closed'));
    this.client.on('ready', () => this.back());
    this.subscriber.on('error', () => undefined);
  }

  /** Whether commands reach Redis now; while false, limits, cooldowns and the cache are this instance's own. */
  get available(): boolean {
    return this.client.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** Told each time Redis comes back after an outage (what was missed meanwhile may need re-reading). */
  onHealed(listener: () => void): void {
    this.healed.push(listener);
  }

  /** Waits until both connections are up, or `timeoutMs`; false when Redis did not answer in time. */
  async ready(timeoutMs = CONNECT_TIMEOUT_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.available && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (!this.available) this.lost('no answer at start-up');
    return this.available;
  }

  /** A command failed though the connection looked up (a timeout, say): same as an outage for the log. */
  failed(error: unknown): void {
    this.lost(error instanceof Error ? error.message : String(error));
  }

  async close(): Promise<void> {
    this.down = false;
    await Promise.all([this.client.quit().catch(() => this.client.disconnect()), this.subscriber.quit().catch(() => this.subscriber.disconnect())]);
  }

  private lost(reason: string): void {
    if (this.down || this.client.status === 'end') return;
    this.down = true;
    this.logger.log('warn', `Redis at ${this.settings.label} is unavailable (${reason}): rate limits are per instance, and cooldowns, the response cache and change events stay on this instance until it is back`, {
      redis: this.settings.label,
    });
  }

  private back(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log('info', `Redis at ${this.settings.label} is back: rate limits, cooldowns, the response cache and change events are shared again`, { redis: this.settings.label });
    for (const listener of this.healed) listener();
  }
}
