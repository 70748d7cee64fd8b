// What one request carries through the gateway, and the small response helpers every route uses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LogAttemptView } from '../../../shared/api.js';
import type { ErrorCode } from '../../../shared/errors.js';
import type { CaptureMode } from '../../../shared/keys.js';
import type { DeploymentConfig } from '../../core/deployment.js';
import type { TokenUsage } from '../../core/usage.js';
import type { Caller } from '../access/auth.js';
import type { Hold } from '../access/admission.js';
import type { RequestTrace } from '../accounting/tracing.js';
import { GatewayError } from '../../core/errors.js';
import type { ClientSignal } from '../../core/client-signal.js';

export interface RequestContext {
  readonly id: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  /** The query string without its "?", parsed only by routes that read it. */
  readonly search: string;
  /** Aborted when the client goes away, so the upstream request stops too. */
  readonly signal: ClientSignal;
  /**
   * Headers for the answer gathered on the way (name, value, name, value…), written with it in
   * one writeHead: setting them one by one costs more on every request. See setAnswerHeader.
   */
  readonly headers: string[];
  caller: Caller | null;
  /** Renders Loopgate's own errors in the client's dialect (OpenAI's shape unless a route says). */
  errorBody: (error: GatewayError) => string;
}

/**
 * What a model route did, returned by its handler (proxy(), count_tokens) to the HTTP layer,
 * which accounts it once the answer has closed and the handler returned (server.ts finish()).
 * Lower layers return their parts of it; none writes into the request context.
 */
export interface RequestOutcome {
  /** The model the client named; null when the request never said one (it is then not accounted). */
  model: string | null;
  /** The API the client called (the dialect's name). */
  callType: string;
  deployment: DeploymentConfig | null;
  /** Each deployment tried, for the request log. */
  attempts: LogAttemptView[];
  /** Known even for a stream the client left: its prompt plus what was streamed (usage-estimate.ts). */
  usage: TokenUsage | null;
  stream: boolean;
  /** Answered from the response cache. */
  cached: boolean;
  /** Which requests keep their bodies (accounting/capture.ts), decided once the caller is known. */
  capture: CaptureMode;
  /** Kept only while capture is on for this request; the request log keeps them per `capture`, masked. */
  requestBody: string | null;
  responseBody: string | null;
  /** The answer's own id (`chatcmpl-…`, `resp_…`, `msg_…`), for the request log (LiteLLM's request_id). */
  responseId: string | null;
  /** The route it took (shared/routes.ts), or `default`; what `x-loopgate-route` says. */
  route: string;
  /** What the client was finally told went wrong, for the request log. */
  failure: { code: ErrorCode; message: string } | null;
  /** What admission holds until the request ends (rate-limit slots, budget reservation). */
  hold: Hold | null;
  /** What stopped the request before an answer was written; the HTTP layer says it in the client's dialect. */
  error: unknown;
  /** The request's OpenTelemetry span, ended with the accounting; null when tracing is off. */
  trace: RequestTrace | null;
}

/** An outcome before anything happened: the handler fills in what it learns. */
function newOutcome(callType: string): RequestOutcome {
  return {
    model: null,
    callType,
    deployment: null,
    attempts: [],
    usage: null,
    stream: false,
    cached: false,
    capture: 'off',
    requestBody: null,
    responseBody: null,
    responseId: null,
    route: 'default',
    failure: null,
    hold: null,
    error: null,
    trace: null,
  };
}

/** Runs a model route's work on a new outcome; what it throws becomes the outcome's error, for the HTTP layer to answer. */
export function outcomeOf(callType: string, work: (outcome: RequestOutcome) => Promise<void>): Promise<RequestOutcome> {
  const outcome = newOutcome(callType);
  const failed = (error: unknown): RequestOutcome => {
    outcome.error = error;
    return outcome;
  };
  // then() rather than async/await: two promises fewer on every model request.
  try {
    return work(outcome).then(() => outcome, failed);
  } catch (error) {
    return Promise.resolve(failed(error));
  }
}

/** Puts an admission's headers (rate limits, soft budget) on the answer. */
export function applyHold(ctx: RequestContext, hold: Hold): void {
  for (const name in hold.headers) setAnswerHeader(ctx, name, hold.headers[name]!);
}

/** Printable ASCII but `%`: a header value that needs no encoding. */
const PLAIN_HEADER_VALUE = /^[\x20-\x24\x26-\x7e]*$/;
const PLAIN_CHARACTER = /^[\x20-\x24\x26-\x7e]$/;
/** Clients parse answers with headers of at most 16 KiB in all (Node's default): one value stays far below. */
const MAX_HEADER_VALUE = 1024;

/**
 * Any text as a header value that can always be written: other characters (control
 * characters, CR LF, non-ASCII, `%`) percent-encoded as UTF-8, long values cut. Header values
 * may carry what clients sent (tool names), and an invalid one makes writeHead throw.
 */
export function headerValue(value: string): string {
  if (value.length <= MAX_HEADER_VALUE && PLAIN_HEADER_VALUE.test(value)) return value;
  let out = '';
  for (const character of value) {
    out += PLAIN_CHARACTER.test(character) ? character : percentEncoded(character);
    if (out.length > MAX_HEADER_VALUE) return `${out}...`;
  }
  return out;
}

function percentEncoded(character: string): string {
  let out = '';
  // A lone surrogate becomes U+FFFD's bytes, as UTF-8 encoding has it.
  for (const byte of Buffer.from(character, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** Sets a header for the answer, replacing one of the same name (names are lower case here); the value is made safe to write. */
export function setAnswerHeader(ctx: RequestContext, name: string, value: string): void {
  const headers = ctx.headers;
  const safe = headerValue(value);
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === name) {
      headers[i + 1] = safe;
      return;
    }
  }
  headers.push(name, safe);
}

export function removeAnswerHeader(ctx: RequestContext, name: string): void {
  const headers = ctx.headers;
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === name) {
      headers.splice(i, 2);
      return;
    }
  }
}

/** Writes the status line and every header at once: the gathered ones, then `extra` (which wins on a name both have). */
export function writeHead(ctx: RequestContext, status: number, extra: Readonly<Record<string, string>>): void {
  for (const name in extra) setAnswerHeader(ctx, name, extra[name]!);
  ctx.res.writeHead(status, ctx.headers);
}

/** Hands the gathered headers to the response itself, for routes that write their own head (the admin UI, /metrics). */
export function adoptAnswerHeaders(ctx: RequestContext): void {
  const headers = ctx.headers;
  for (let i = 0; i < headers.length; i += 2) ctx.res.setHeader(headers[i]!, headers[i + 1]!);
  headers.length = 0;
}

export function sendJson(ctx: RequestContext, status: number, body: string, headers: Readonly<Record<string, string>> = {}): void {
  for (const name in headers) setAnswerHeader(ctx, name, headers[name]!);
  setAnswerHeader(ctx, 'content-type', 'application/json');
  setAnswerHeader(ctx, 'content-length', String(Buffer.byteLength(body)));
  ctx.res.writeHead(status, ctx.headers);
  ctx.res.end(body);
}

export function sendObject(ctx: RequestContext, status: number, value: unknown): void {
  sendJson(ctx, status, JSON.stringify(value));
}

export function sendError(ctx: RequestContext, error: GatewayError): void {
  sendJson(ctx, error.status, ctx.errorBody(error), error.headers);
}

/** A percent-encoded part of the path (a model name, a key id), decoded; malformed encoding is the client's error, not Loopgate's. */
export function decodePathPart(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new GatewayError('invalid_request', `The ${what} in the path is not valid percent-encoding.`);
  }
}

/** Resolves when the socket can take more, or when the client is gone. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
