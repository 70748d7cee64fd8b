// fast-check generators from the services' zod schemas: values of the schema's shape (object keys,
// enums, numbers, nested records), with strings drawn from a pool of real names and ids, from
// short random text, and from text past the schema's own length cap — so a fuzz reaches the
// store with plausible input as well as junk. Refinements are not followed: a value they refuse
// is an `invalid_request`, which is an answer too.
import fc from 'fast-check';
import type { z } from 'zod';

interface Def {
  type: string;
  checks?: Array<{ _zod: { def: { check: string; maximum?: number; minimum?: number; value?: number } } }>;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  values?: unknown[];
  entries?: Record<string, string | number>;
  in?: z.ZodType;
  out?: z.ZodType;
}

export interface ZodArbitraryOptions {
  /** Strings that mean something to the running app: names and ids that exist. */
  pool: () => readonly string[];
  /** A field's generator by its name, in place of its schema's (e.g. a URL that stays on loopback). */
  fields?: Record<string, fc.Arbitrary<unknown>>;
}

const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Any JSON-ish value: what a buggy client might put in any field. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));

function text(schema: Def, options: ZodArbitraryOptions): fc.Arbitrary<string> {
  const max = schema.checks?.find((check) => check._zod.def.check === 'max_length')?._zod.def.maximum ?? 200;
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .constant(null)
        .map(() => options.pool())
        .chain((pool) => (pool.length ? fc.constantFrom(...pool) : fc.constant('x'))),
    },
    { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 24 }) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '%', '_', '\\', "'", '\u0000', 'os.environ/NOPE', 'http://127.0.0.1:9/v1') },
    // Past the cap, and far past it (SQLite refuses a LIKE pattern over 50,000 bytes).
    { weight: 2, arbitrary: fc.integer({ min: max + 1, max: max + 50 }).map((length) => 'a'.repeat(length)) },
    { weight: 2, arbitrary: fc.constantFrom(60_000, 120_000).map((length) => '%'.repeat(length)) },
  );
}

function number(schema: Def): fc.Arbitrary<number> {
  const checks = schema.checks?.map((check) => check._zod.def.check) ?? [];
  const whole = checks.includes('number_format');
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 5 }) },
    { weight: 1, arbitrary: whole ? fc.integer() : fc.double({ noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(-1, 0, 0.5, 1e9, 1e300, Number.MAX_SAFE_INTEGER) },
  );
}

/** A generator for values of `schema`'s shape; now and then a junk value in any place. */
export function arbitraryOf(schema: z.ZodType, options: ZodArbitraryOptions): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 20, arbitrary: shaped(schema, options) }, { weight: 1, arbitrary: junk });
}

function shaped(schema: z.ZodType, options: ZodArbitraryOptions): fc.Arbitrary<unknown> {
  const d = def(schema);
  switch (d.type) {
    case 'string':
      return text(d, options);
    case 'number':
      return number(d);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'literal':
      return fc.constantFrom(...(d.values ?? [null]));
    case 'enum':
      return fc.constantFrom(...Object.values(d.entries ?? { x: 'x' }));
    case 'optional':
      return fc.option(arbitraryOf(d.innerType!, options), { nil: undefined, freq: 2 });
    case 'nullable':
      return fc.option(arbitraryOf(d.innerType!, options), { nil: null, freq: 4 });
    case 'default':
    case 'catch':
    case 'readonly':
      return arbitraryOf(d.innerType!, options);
    case 'pipe':
      return arbitraryOf(d.in!, options);
    case 'union':
      return fc.oneof(...d.options!.map((option) => arbitraryOf(option, options)));
    case 'array':
      return fc.array(arbitraryOf(d.element!, options), { maxLength: 4 });
    case 'record':
      return fc.dictionary(text(def(d.keyType!), options), arbitraryOf(d.valueType!, options), { maxKeys: 3 });
    case 'object': {
      const fields = Object.fromEntries(Object.entries(d.shape!).map(([name, field]) => [name, options.fields?.[name] ?? arbitraryOf(field, options)]));
      // Mostly every field, now and then some left out.
      return fc.oneof({ weight: 3, arbitrary: fc.record(fields) }, { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) });
    }
    default:
      return junk;
  }
}
