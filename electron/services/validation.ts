// Input checking for every service operation: one zod schema per operation, one error shape.
import { z } from 'zod';
import { parseDuration } from '../../shared/keys.js';
import { formatPath } from '../config/path.js';
import { GatewayError } from '../core/errors.js';

/** The longest duration accepted anywhere (expiry, budget period): past this a date overflows. */
const MAX_DURATION_MS = 100 * 365 * 86_400_000;

export const durationText = z
  .string()
  .max(50, 'expected a duration such as "30d"')
  .refine((text) => {
    const ms = parseDuration(text);
    return ms !== null && ms <= MAX_DURATION_MS;
  }, 'expected a duration such as "30s", "12h", "30d" or "1mo" (at most 100 years)');

export const optionalLimit = z.number().int('expected a whole number').nonnegative('expected 0 or more').nullable().optional();

/** Parses `input` or throws `invalid_request` naming the field (`rpmLimit: expected a whole number`). */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = formatPath(issue.path) || null;
  throw new GatewayError('invalid_request', param ? `${param}: ${issue.message}` : issue.message, { param });
}

/**
 * Length caps for the app's strings: past any real value, short of what would reach a query or a
 * page whole (SQLite refuses a LIKE pattern over 50,000 bytes; a list would show a megabyte name).
 */
export const MAX_LENGTH = { name: 200, id: 200, search: 200, duration: 50, url: 2048, secret: 8192, yaml: 1_000_000 } as const;

/** A string of at most `max` characters, said in the message when longer. */
export function text(max: number): z.ZodString {
  return z.string().max(max, `expected at most ${max} characters`);
}
