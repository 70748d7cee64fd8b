// How numbers, money and times read in the UI.
import type { TokenParts } from '../../../shared/api.js';
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

export const count = (value: number): string => (value >= 100_000 ? compact.format(value) : integer.format(value));

/** Dollars with enough precision to never read "$0.0000" for a cost that is not zero: $0.0042, $0.0000031. */
export function money(value: number): string {
  if (value === 0) return '$0';
  if (value >= 0.01) return `$${value.toFixed(2)}`;
  return `$${value.toFixed(Math.min(12, 1 - Math.floor(Math.log10(value))))}`;
}

/** A request's prompt-cache and reasoning tokens, as one line: "50,000 cached · 5,000 written to cache · 200 reasoning · caching saved $0.13". */
export function tokenPartsText(parts: TokenParts): string {
  const pieces = [
    parts.cacheReadTokens ? `${count(parts.cacheReadTokens)} cached` : '',
    parts.cacheWriteTokens ? `${count(parts.cacheWriteTokens)} written to cache` : '',
    parts.reasoningTokens ? `${count(parts.reasoningTokens)} reasoning` : '',
    parts.cacheSavings > 0 ? `caching saved ${money(parts.cacheSavings)}` : parts.cacheSavings < 0 ? `cache writes cost ${money(-parts.cacheSavings)} more` : '',
  ];
  return pieces.filter(Boolean).join(' · ');
}

export function time(epochMs: number): string {
  return new Date(epochMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function clock(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** "1 model", "3 models". */
export function plural(value: number, word: string): string {
  return `${value} ${word}${value === 1 ? '' : 's'}`;
}

/** An upstream error as a person reads it: "500 · The server had an error", not the raw JSON body. */
export function readableError(text: string): string {
  const match = /^(\d{3}) (\{.*\})$/s.exec(text);
  if (!match) return text;
  try {
    const body = JSON.parse(match[2]!) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
    return typeof message === 'string' ? `${match[1]} · ${message}` : text;
  } catch {
    return text;
  }
}

const DAY_MS = 86_400_000;

/** "expires in 89 days", "expires in 5 hours", "expired 2 days ago", "never expires". */
export function expiry(expiresAt: number | null, now = Date.now()): string {
  if (expiresAt === null) return 'never expires';
  const left = expiresAt - now;
  const span = (ms: number): string => (ms >= 2 * DAY_MS ? plural(Math.floor(ms / DAY_MS), 'day') : ms >= 3_600_000 ? plural(Math.floor(ms / 3_600_000), 'hour') : plural(Math.max(1, Math.floor(ms / 60_000)), 'minute'));
  return left > 0 ? `expires in ${span(left)}` : `expired ${span(-left)} ago`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", "never". */
export function ago(epochMs: number | null, now = Date.now()): string {
  if (epochMs === null) return 'never';
  const ms = Math.max(0, now - epochMs);
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  if (ms < DAY_MS) return `${Math.floor(ms / 3_600_000)} h ago`;
  return `${plural(Math.floor(ms / DAY_MS), 'day')} ago`;
}
