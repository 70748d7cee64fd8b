// Finds keys a config sets that the schema does not know, so one start-up warning can name
// every setting Loopgate ignores instead of dropping them silently.
import { z } from 'zod';
import { formatPath } from './path.js';

export function unsupportedKeys(schema: z.ZodType, value: unknown, path: (string | number)[] = []): string[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    return unsupportedKeys(schema.unwrap() as z.ZodType, value, path);
  }
  if (schema instanceof z.ZodArray && Array.isArray(value)) {
    return value.flatMap((item, index) => unsupportedKeys(schema.element as z.ZodType, item, [...path, index]));
  }
  if (schema instanceof z.ZodObject && isPlainObject(value)) {
    const shape = schema.shape as Record<string, z.ZodType>;
    return Object.entries(value).flatMap(([key, child]) => {
      const childSchema = shape[key];
      return childSchema ? unsupportedKeys(childSchema, child, [...path, key]) : [formatPath([...path, key])];
    });
  }
  return [];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
