// rpm, tpm and parallel limits counted in Redis, so they hold across every instance together:
// requests a minute with rate-limiter-flexible's RateLimiterRedis (one atomic Lua increment per
// request, a fixed minute window), tokens a minute read before a request and added after it
// (RateLimiterRedis's get and penalty), requests in flight as a sorted set changed by one Lua
// script (check-and-add is atomic; each entry expires, so a crashed instance frees its slots).
// While Redis is away, or a command fails, the request is admitted by this instance's own
// in-memory limiter instead: per-instance limits, never none.
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { GatewayError } from '../../core/errors.js';
import type { Admission, KeyLimits, SharedRateLimits } from '../access/limits.js';
import type { RedisLink } from './connection.js';

const WINDOW_SECONDS = 60;
const PREFIX = 'loopgate:limits';

// KEYS[1] the in-flight set; ARGV: entry lifetime (ms), entry name, limit. Redis's own clock, so
// instances whose clocks differ agree.
const ACQUIRE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[3]) then return -1 end
local expires = now + tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], expires, ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return n + 1
`;

type SlotClient = Redis & { loopgateAcquireSlot(key: string, lifetimeMs: number, entry: string, limit: number): Promise<number> };

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export class RedisRateLimits implements SharedRateLimits {
  private readonly client: SlotClient;
  /** One RateLimiterRedis per limit value (the count in Redis is the same; the limit is the limiter's). */
  private readonly perMinute = new Map<number, RateLimiterRedis>();
  private readonly tokens: RateLimiterRedis;
  private entries = 0;

  constructor(
    private readonly link: RedisLink,
    /** Names this instance's in-flight entries. */
    private readonly instanceId: string,
    /** How long an in-flight entry lives if its release never comes (the longest a request may take). */
    private readonly slotLifetimeMs: number,
  ) {
    link.client.defineCommand('loopgateAcquireSlot', { numberOfKeys: 1, lua: ACQUIRE_SLOT });
    this.client = link.client as SlotClient;
    this.tokens = this.limiter(Number.MAX_SAFE_INTEGER, 'tpm');
  }

  async admit(id: string, limits: KeyLimits, who: string, local: () => Admission): Promise<Admission> {
    if (!this.link.available) return local();
    let slot: string | null = null;
    try {
      const headers: Record<string, string> = {};
      if (limits.maxParallelRequests !== null) {
        slot = `${this.instanceId}:${++this.entries}`;
        const taken = await this.client.loopgateAcquireSlot(this.key('parallel', id), this.slotLifetimeMs, slot, limits.maxParallelRequests);
        if (taken < 0) {
          slot = null;
          throw new GatewayError('rate_limit', `${who} allows ${limits.maxParallelRequests} requests at a time; wait for one to finish.`, {
            headers: { 'retry-after': '1', 'x-ratelimit-limit-parallel': String(limits.maxParallelRequests) },
          });
        }
      }
      if (limits.tpmLimit !== null) {
        const used = await this.tokens.get(id);
        const spent = used?.consumedPoints ?? 0;
        const resetMs = used?.msBeforeNext ?? WINDOW_SECONDS * 1000;
        Object.assign(headers, {
          'x-ratelimit-limit-tokens': String(limits.tpmLimit),
          'x-ratelimit-remaining-tokens': String(Math.max(0, limits.tpmLimit - spent)),
          'x-ratelimit-reset-tokens': `${seconds(resetMs)}s`,
        });
        if (spent >= limits.tpmLimit) {
          throw new GatewayError('rate_limit', `${who} allows ${limits.tpmLimit} tokens per minute.`, { headers: { ...headers, 'retry-after': String(seconds(resetMs)) } });
        }
      }
      if (limits.rpmLimit !== null) await this.countRequest(id, limits.rpmLimit, who, headers);
      return this.admission(id, limits, headers, slot);
    } catch (error) {
      if (slot) this.releaseSlot(id, slot);
      if (error instanceof GatewayError) throw error;
      this.link.failed(error);
      return local();
    }
  }

  private async countRequest(id: string, rpm: number, who: string, headers: Record<string, string>): Promise<void> {
    let counted: RateLimiterRes;
    try {
      counted = await this.requestsLimiter(rpm).consume(id);
    } catch (thrown) {
      if (!(thrown instanceof RateLimiterRes)) throw thrown;
      Object.assign(headers, {
        'x-ratelimit-limit-requests': String(rpm),
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': `${seconds(thrown.msBeforeNext)}s`,
      });
      throw new GatewayError('rate_limit', `${who} allows ${rpm} requests per minute.`, { headers: { ...headers, 'retry-after': String(seconds(thrown.msBeforeNext)) } });
    }
    Object.assign(headers, {
      'x-ratelimit-limit-requests': String(rpm),
      'x-ratelimit-remaining-requests': String(counted.remainingPoints),
      'x-ratelimit-reset-requests': `${seconds(counted.msBeforeNext)}s`,
    });
  }

  private admission(id: string, limits: KeyLimits, headers: Record<string, string>, slot: string | null): Admission {
    let released = false;
    return {
      headers,
      release: (tokens) => {
        if (released) return;
        released = true;
        if (slot) this.releaseSlot(id, slot);
        if (tokens > 0 && limits.tpmLimit !== null) this.tokens.penalty(id, tokens).catch((error: unknown) => this.link.failed(error));
      },
    };
  }

  private releaseSlot(id: string, slot: string): void {
    this.client.zrem(this.key('parallel', id), slot).catch((error: unknown) => this.link.failed(error));
  }

  private requestsLimiter(rpm: number): RateLimiterRedis {
    let limiter = this.perMinute.get(rpm);
    if (!limiter) {
      limiter = this.limiter(rpm, 'rpm');
      this.perMinute.set(rpm, limiter);
    }
    return limiter;
  }

  private limiter(points: number, kind: string): RateLimiterRedis {
    return new RateLimiterRedis({ storeClient: this.link.client, points, duration: WINDOW_SECONDS, keyPrefix: `${PREFIX}:${kind}`, rejectIfRedisNotReady: true });
  }

  private key(kind: string, id: string): string {
    return `${PREFIX}:${kind}:${id}`;
  }
}
