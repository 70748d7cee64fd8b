// Input checking for every service operation: one zod schema per operation, one error shape.
import { z } from 'zod';
import { parseDuration } from '../../shared/keys.js';
import { formatPath } from '../config/path.js';
import { GatewayError } from '../core/errors.js';

/** The longest duration accepted anywhere (expiry, budget period): past this a date overflows. */
const MAX_DURATION_MS = 100 * 365 * 86_400_000;

export const durationText = z
  .string()
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
