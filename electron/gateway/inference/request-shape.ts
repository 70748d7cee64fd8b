// The top-level shape of a model request, checked before any translation: the fields every
// dialect reads must have the type it reads them as, so that odd input is a 400 that names
// the field rather than a failure deep in a translator. Unknown fields pass through untouched.
import type { Json } from '../../dialects/types.js';
import { GatewayError } from '../../core/errors.js';

type Check = (value: unknown) => boolean;

const isObject: Check = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || value === null || check(value);
const isString: Check = (value) => typeof value === 'string';
const arrayOf =
  (check: Check): Check =>
  (value) =>
    Array.isArray(value) && value.every(check);
const either =
  (...checks: Check[]): Check =>
  (value) =>
    checks.some((check) => check(value));

/** A message's content: text, or a list of parts (objects); null where a dialect allows none. */
const content = optional(either(isString, arrayOf(isObject)));
const messages = arrayOf((message) => isObject(message) && content((message as Json).content));
const promptLike = either(
  isString,
  arrayOf(isString),
  arrayOf((v) => typeof v === 'number'),
  arrayOf(arrayOf((v) => typeof v === 'number')),
);

const FIELDS: Record<string, Record<string, [Check, string]>> = {
  chat: {
    messages: [messages, 'a list of messages, each an object whose "content" is text or a list of parts'],
    tools: [optional(arrayOf(isObject)), 'a list of tool objects'],
  },
  completions: { prompt: [promptLike, 'text, a list of texts or a list of token ids'] },
  embeddings: { input: [promptLike, 'text, a list of texts or a list of token ids'] },
  images: { prompt: [isString, 'text'] },
  moderations: { input: [either(isString, arrayOf(isString), arrayOf(isObject)), 'text, a list of texts or a list of input parts'] },
  anthropic: {
    messages: [messages, 'a list of messages, each an object whose "content" is text or a list of blocks'],
    system: [optional(either(isString, arrayOf(isObject))), 'text or a list of text blocks'],
    tools: [optional(arrayOf(isObject)), 'a list of tool objects'],
  },
  responses: {
    input: [either(isString, arrayOf(isObject)), 'text or a list of input items (objects)'],
    tools: [optional(arrayOf(isObject)), 'a list of tool objects'],
    instructions: [optional(isString), 'text'],
  },
};

/** The longest model name a client may send: names are logged and totalled, so a 4 MiB one would fill the disk. */
const MAX_MODEL_NAME = 256;

/** The model a client asked for, checked before anything logs or stores it: a non-empty string of at most 256 characters. */
export function clientModel(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new GatewayError('missing_field', 'The request needs a "model" string.', { param: 'model' });
  if (value.length > MAX_MODEL_NAME) {
    throw new GatewayError('invalid_request', `"model" may be at most ${MAX_MODEL_NAME} characters; this one has ${value.length}.`, { param: 'model' });
  }
  return value;
}

export function checkRequestShape(dialect: string, body: Json): void {
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw new GatewayError('invalid_request', '"stream" must be true or false.', { param: 'stream' });
  }
  for (const [field, [check, expected]] of Object.entries(FIELDS[dialect === 'anthropic_count_tokens' ? 'anthropic' : dialect] ?? {})) {
    if (!check(body[field])) throw new GatewayError('invalid_request', `"${field}" must be ${expected}.`, { param: field });
  }
}

/**
 * A translator that trips over a client's odd input (a TypeError deep in a field) is the
 * client's 400, not Loopgate's 500: nothing has been sent upstream yet.
 */
export function untranslatable(error: unknown): unknown {
  if (error instanceof GatewayError || !(error instanceof TypeError || error instanceof RangeError)) return error;
  return new GatewayError('invalid_request', `Loopgate could not translate this request: ${error.message.slice(0, 200)}`);
}
