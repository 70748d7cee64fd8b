// Which session and project a request belongs to, from headers its client sends: Claude Code's
// X-Claude-Code-Session-Id (its transcript id, reused on --resume), Codex CLI's session-id (its
// thread id; checked on codex 0.171), and the x-loopgate-project that `loopgate run` adds. Client
// text: the request log keeps it bounded and printable.
import type { IncomingHttpHeaders } from 'node:http';

/** Headers naming the session, the first present wins. */
const SESSION_HEADERS = ['x-claude-code-session-id', 'session-id'] as const;
const PROJECT_HEADER = 'x-loopgate-project';
/** Session ids are UUIDs (36 characters); project names are directory names. */
const MAX_SESSION = 128;
const MAX_PROJECT = 120;
/** C0/C1 controls and the invisible format characters (bidi overrides, zero-width) that could disguise a name. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

/** The session id the client sent; null when none. */
export function sessionOf(headers: IncomingHttpHeaders): string | null {
  for (const name of SESSION_HEADERS) {
    const value = clean(headers[name], MAX_SESSION);
    if (value !== null) return value;
  }
  return null;
}

/** The project the client named; null when none. */
export function projectOf(headers: IncomingHttpHeaders): string | null {
  return clean(headers[PROJECT_HEADER], MAX_PROJECT);
}

/** Printable, trimmed and at most `max` characters; a header sent twice counts once (the first). */
function clean(raw: string | string[] | undefined, max: number): string | null {
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (!first) return null;
  const text = Array.from(fromWire(first).replace(UNPRINTABLE, '').trim()).slice(0, max).join('').trim();
  return text === '' ? null : text;
}

/** Node reads header bytes as Latin-1; a name sent as UTF-8 (a directory called "café") reads back as itself. */
function fromWire(value: string): string {
  // Pure ASCII, the usual case, needs nothing; a character past U+00FF cannot come from the wire.
  if (/^[\x20-\x7e]*$/.test(value) || /[\u0100-\uffff]/.test(value)) return value;
  const decoded = Buffer.from(value, 'latin1').toString('utf8');
  return decoded.includes('\ufffd') ? value : decoded;
}
