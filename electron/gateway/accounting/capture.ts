// Capture: which requests keep their request and answer bodies in the request log (a key's own
// setting, else the app's, else the config file's; off by default), and the bodies as kept —
// credentials masked, the client's own token first, cut to a bound so that one request cannot
// crowd the log (the bodies live in its rows, under its retention and size cap).
import type { IncomingHttpHeaders } from 'node:http';
import type { CaptureMode } from '../../../shared/keys.js';
import type { DeploymentConfig } from '../../core/deployment.js';
import { redactCredentials } from '../../core/redact.js';
import type { Caller } from '../access/auth.js';

/** The app's capture setting as requests see it: set at start-up and on every save (services/usage.ts). */
export interface LiveCapture {
  mode: CaptureMode;
}

/** The request a master-key request replays (logs.replay sends it); ignored from any other caller. */
export const REPLAY_OF_HEADER = 'x-loopgate-replay-of';
/** A body longer than this is cut (and then no longer replayable): a big prompt stays readable, the log stays small. */
const MAX_CAPTURED_CHARS = 256 * 1024;
const CUT_MARK = '\n… [cut: longer than 256 KB]';
/** Shorter tokens would match ordinary words. */
const MIN_TOKEN = 8;
/** Headers a client signs in with (auth.ts reads the same), and the key-named fields a body may echo. */
const TOKEN_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key', 'x-loopgate-key', 'x-litellm-api-key', 'api-key'] as const;
const AUTHORIZATION_VALUE = /("?\b(?:authorization|x-api-key|api[_-]?key|x-goog-api-key)"?\s*[:=]\s*"?)(?!Bearer\b)[^"\s,}]{4,}/gi;

/** The mode in force for this request: a replay keeps everything; a key's own setting wins over the app's. */
export function captureModeFor(caller: Caller | null, headers: IncomingHttpHeaders, live: LiveCapture): CaptureMode {
  if (caller?.kind === 'master' && replayOf(caller, headers) !== null) return 'all';
  if (caller?.kind === 'virtual' && caller.key.capture) return caller.key.capture;
  return live.mode;
}

/** The request a master-key request says it replays; null otherwise. */
export function replayOf(caller: Caller | null, headers: IncomingHttpHeaders): string | null {
  const value = headers[REPLAY_OF_HEADER];
  return caller?.kind === 'master' && typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : null;
}

/** Whether a finished request's bodies are kept. */
export function keepsBodies(mode: CaptureMode, status: number): boolean {
  return mode === 'all' || (mode === 'failed' && status >= 400);
}

/** The tokens the client presented, to be masked wherever a body repeats them. */
export function clientTokens(headers: IncomingHttpHeaders, search: string): string[] {
  const found: string[] = [];
  for (const name of TOKEN_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') found.push(value.replace(/^Bearer\s+/i, '').trim());
  }
  const key = new URLSearchParams(search).get('key');
  if (key) found.push(key);
  return found.filter((token) => token.length >= MIN_TOKEN);
}

/** A body as the log keeps it: the client's tokens, the deployment's credentials and anything key-shaped masked; bounded. */
export function maskedBody(text: string, deployment: DeploymentConfig | null, tokens: readonly string[]): string {
  let out = text;
  for (const token of tokens) out = out.split(token).join('***');
  out = redactCredentials(out, deployment).replace(AUTHORIZATION_VALUE, '$1***');
  return out.length > MAX_CAPTURED_CHARS ? out.slice(0, MAX_CAPTURED_CHARS) + CUT_MARK : out;
}
