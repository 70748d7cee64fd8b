// Authenticates `/v1` and management callers: the master key, or a virtual key from the
// in-memory cache (revoked and expired keys are refused here, on the very next request).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { keyStatus } from '../../../shared/keys.js';
import { GatewayError } from '../../core/errors.js';
import { WrongKeyError } from './auth-throttle.js';
import type { KeyCache, LiveKey } from './virtual-keys.js';

export type Caller = { kind: 'master' } | { kind: 'virtual'; key: LiveKey };

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export class Authenticator {
  private readonly masterDigest: Buffer;

  constructor(
    masterKey: string,
    private readonly keys: KeyCache,
    private readonly clock: () => number = Date.now,
  ) {
    this.masterDigest = digest(masterKey);
  }

  /** `queryKey`: Google's `?key=`, read only on the Gemini routes (query strings are never logged). */
  authenticate(headers: IncomingHttpHeaders, queryKey: string | null = null): Caller {
    // Loopgate's and LiteLLM's own headers first (they free Authorization for the client's own sign-in), with or
    // without "Bearer "; Bearer for OpenAI clients; x-api-key for Anthropic clients (Claude Code, the Anthropic SDK);
    // x-goog-api-key or ?key= for Google's (Gemini CLI, @google/genai).
    const named = singleHeader(headers['x-loopgate-key']) ?? singleHeader(headers['x-litellm-api-key']);
    const presented =
      (named === null ? null : (bearerToken(named) ?? named)) ??
      bearerToken(headers.authorization) ??
      singleHeader(headers['x-api-key']) ??
      singleHeader(headers['api-key']) ??
      singleHeader(headers['x-goog-api-key']) ??
      (queryKey ? queryKey.trim() : null);
    if (presented === null) {
      throw new GatewayError('authentication', 'Missing API key. Send it as "Authorization: Bearer <key>", "x-api-key: <key>", "x-loopgate-key: <key>" or "x-litellm-api-key: <key>".');
    }
    // A secret that matched a virtual key before is not the master key (checked first, and fixed),
    // so a known caller skips both hashes.
    const remembered = this.keys.remembered(presented);
    // Comparing fixed-length digests keeps the comparison constant-time whatever the input length.
    if (!remembered && timingSafeEqual(digest(presented), this.masterDigest)) return { kind: 'master' };
    const key = remembered ?? this.keys.find(presented);
    if (!key) throw new WrongKeyError('Invalid API key.');
    const status = keyStatus(key, this.clock());
    if (status === 'revoked') throw new GatewayError('authentication', 'This API key has been revoked.');
    if (status === 'expired') {
      throw new GatewayError('authentication', `This API key expired at ${new Date(key.expiresAt!).toISOString()}.`);
    }
    return { kind: 'virtual', key };
  }

  isMasterKey(presented: string): boolean {
    return timingSafeEqual(digest(presented), this.masterDigest);
  }

  requireMaster(headers: IncomingHttpHeaders): void {
    if (this.authenticate(headers).kind !== 'master') {
      throw new GatewayError('permission', 'Only the master key may use the management API.');
    }
  }
}

function singleHeader(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text.trim() : null;
}

function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1]!.trim() : null;
}
