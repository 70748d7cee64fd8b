// Change events between instances over Redis pub/sub: a key, provider, deployment or routing
// setting changed here (other instances re-read their store), or a deployment or a pool's key was
// cooled down, or a deployment recovered (other instances follow). Each message names the instance it came from, which
// ignores its own.
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import type { RedisLink } from './connection.js';

const CHANNEL = 'loopgate:changes';

const messageSchema = z.discriminatedUnion('topic', [
  z.object({ topic: z.literal('keys') }),
  z.object({ topic: z.literal('routing') }),
  z.object({ topic: z.literal('cooldown'), id: z.string(), until: z.number() }),
  z.object({ topic: z.literal('recovered'), id: z.string() }),
  z.object({ topic: z.literal('key-cooldown'), fingerprint: z.string(), until: z.number(), error: z.string().nullable() }),
]);

export type ChangeMessage = z.infer<typeof messageSchema>;

export class ChangeChannel {
  constructor(
    private readonly link: RedisLink,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {}

  /** Sends without waiting; while Redis is away the message is lost (the others re-read everything when it is back). */
  publish(message: ChangeMessage): void {
    if (!this.link.available) return;
    this.link.client.publish(CHANNEL, JSON.stringify({ ...message, from: this.instanceId })).catch((error: unknown) => this.link.failed(error));
  }

  /** Delivers every other instance's messages to `handler`, from when the subscription is confirmed. */
  async listen(handler: (message: ChangeMessage) => void): Promise<void> {
    this.link.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== CHANNEL) return;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        raw = null;
      }
      const from = typeof raw === 'object' && raw !== null ? (raw as { from?: unknown }).from : undefined;
      if (from === this.instanceId) return;
      const parsed = messageSchema.safeParse(raw);
      if (!parsed.success) {
        this.logger.log('warn', 'Ignored a change event from Redis that Loopgate does not understand', { channel });
        return;
      }
      handler(parsed.data);
    });
    const subscribe = (): Promise<void> =>
      this.link.subscriber.subscribe(CHANNEL).then(
        () => undefined,
        (error: unknown) => this.link.failed(error),
      );
    await subscribe();
    // Each reconnect starts unsubscribed (connection.ts turns ioredis's own re-subscribe off).
    this.link.subscriber.on('ready', () => void subscribe());
  }
}
