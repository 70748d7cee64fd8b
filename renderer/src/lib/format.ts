// How numbers, money, durations and sizes read in the UI: the one place a number becomes text
// (tests/unit/format.test.ts checks that no view or component formats one by hand).
// The UI is written in English and prices are USD, so numbers read en-US too ("250,000", "$0.0005").
import type { TokenParts } from '../../../shared/api.js';
const LOCALE = 'en-US';
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const short = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });
const cents = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const oneDecimal = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoSignificant = new Intl.NumberFormat(LOCALE, { maximumSignificantDigits: 2 });
const upToOneDecimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });

/** A whole number with thousands separators: "250,000", "1,147". */
export const count = (value: number): string => integer.format(value);

/** A number short enough for a chart's axis or a tile: "950", "12.9K", "1.2M". */
export const compact = (value: number): string => (value >= 100_000 ? short.format(value) : integer.format(value));

/** A number and its unit: "250,000 tpm", "3 parallel". */
export const quantity = (value: number, unit: string): string => `${count(value)} ${unit}`;

/**
 * Dollars: cents from one cent up ("$1,234.50"), and below that two significant digits with no
 * trailing zero, so a cost that is not zero never reads "$0.00" ("$0.0005", "$0.0000031").
 */
export function money(value: number): string {
  if (value === 0) return '$0';
  if (value < 0) return `-${money(-value)}`;
  if (value >= 0.01) return `$${cents.format(value)}`;
  return `$${twoSignificant.format(value)}`;
}

/** How long something took: "850 ms", "2.0 s", "1 min 5 s", "2 h 10 min". */
export function duration(ms: number): string {
  if (ms < 1_000) return `${integer.format(ms)} ms`;
  if (ms < 60_000) return `${oneDecimal.format(ms / 1_000)} s`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  const minutes = Math.round(seconds / 60);
  return `${count(Math.floor(minutes / 60))} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** Bytes in decimal units, as disks and downloads name them: "512 B", "1.5 MB", "1 GB". */
export function size(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1_000 && unit < SIZE_UNITS.length - 1) {
    value /= 1_000;
    unit++;
  }
  return `${unit === 0 ? integer.format(value) : upToOneDecimal.format(value)} ${SIZE_UNITS[unit]}`;
}

/** A share of a whole: "0%", "0.4%", "24%"; a share that is not zero never reads "0%". */
export function percent(part: number, whole: number): string {
  if (whole <= 0 || part <= 0) return '0%';
  const share = (part / whole) * 100;
  return share < 1 ? `${upToOneDecimal.format(Math.max(share, 0.1))}%` : `${integer.format(share)}%`;
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
  return `${count(value)} ${word}${value === 1 ? '' : 's'}`;
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
