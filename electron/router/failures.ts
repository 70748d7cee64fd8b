// What a failed attempt means for routing: retry it elsewhere, fall back to another group for
// context-window or content-policy reasons, or hand it to the client as its own mistake.
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayError } from '../core/errors.js';

export type FailureKind = 'retryable' | 'context_window' | 'content_policy' | 'client';

const CONTEXT_WINDOW = /context[ _-]?(length|window)|maximum context|prompt is too long|input is too long|too many tokens|reduce the length/i;
const CONTENT_POLICY = /content[ _-]?(policy|filter|management)|safety system|responsible ai|flagged/i;

function classifyStatus(status: number, body: string): FailureKind {
  if (status === 408 || status === 429 || status >= 500) return 'retryable';
  if ((status === 400 || status === 413) && CONTEXT_WINDOW.test(body)) return 'context_window';
  if (status === 400 && CONTENT_POLICY.test(body)) return 'content_policy';
  return 'client';
}

/** Retry-After in ms (seconds or an HTTP date; `retry-after-ms` too), or null. */
function retryAfterMs(headers: IncomingHttpHeaders, now = Date.now()): number | null {
  const ms = Number(headers['retry-after-ms']);
  if (Number.isFinite(ms) && ms > 0) return ms;
  const value = headers['retry-after'];
  if (typeof value !== 'string') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : null;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** A failed attempt that nothing has been sent to the client for yet. */
export class AttemptFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    /** The upstream's answer, when it answered. */
    readonly response: { status: number; headers: IncomingHttpHeaders; text: string } | null,
    /** Loopgate's own error, when the upstream did not answer (timeout, unreachable). */
    readonly error: GatewayError | null,
    readonly retryAfterMs: number | null,
  ) {
    super(error?.message ?? `upstream answered ${response?.status}`);
  }

  static fromResponse(status: number, headers: IncomingHttpHeaders, text: string): AttemptFailure {
    return new AttemptFailure(classifyStatus(status, text), { status, headers, text }, null, retryAfterMs(headers));
  }

  static fromError(error: GatewayError): AttemptFailure {
    return new AttemptFailure('retryable', null, error, null);
  }

  describe(): string {
    return this.response ? `${this.response.status} ${this.response.text.slice(0, 200)}` : (this.error?.message ?? 'failed');
  }
}
