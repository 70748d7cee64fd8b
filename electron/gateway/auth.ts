// Authenticates `/v1` callers. For now the master key; virtual keys join on the same path.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from './errors.js';

export interface Caller {
  kind: 'master';
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export class Authenticator {
  private readonly masterDigest: Buffer;

  constructor(masterKey: string) {
    this.masterDigest = digest(masterKey);
  }

  authenticate(headers: IncomingHttpHeaders): Caller {
    const presented = bearerToken(headers.authorization);
    if (presented === null) {
      throw new GatewayError(
        'authentication',
        'Missing API key. Send it as "Authorization: Bearer <key>".',
      );
    }
    // Comparing fixed-length digests keeps the comparison constant-time whatever the input length.
    if (!timingSafeEqual(digest(presented), this.masterDigest)) {
      throw new GatewayError('authentication', 'Invalid API key.');
    }
    return { kind: 'master' };
  }
}

function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1]!.trim() : null;
}
