// Reads and parses a request body exactly once: JSON content types only, a size limit, a
// nesting limit, and a budget shared by every body being read at once, so that many large
// bodies arriving together cannot exhaust memory.
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../core/errors.js';

/** Sized for real use (base64 images in a chat request); `general_settings.max_request_size_mb`. */
const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
/** Deeper JSON than this is refused before it is parsed (no real request nests so far). */
const DEFAULT_MAX_DEPTH = 512;

/** Bytes of request bodies held in memory at once, across all requests. */
class BodyBudget {
  private used = 0;
  constructor(readonly totalBytes: number) {}

  get inUse(): number {
    return this.used;
  }

  take(bytes: number): boolean {
    if (this.used + bytes > this.totalBytes) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

export interface BodyPolicy {
  limitBytes: number;
  maxDepth: number;
  budget: BodyBudget;
}

/** By default three bodies at the limit at once (or many small ones); past that, "busy, retry". */
export function bodyPolicy(limitBytes = DEFAULT_MAX_BODY_BYTES, budgetBytes: number | null = null): BodyPolicy {
  return { limitBytes, maxDepth: DEFAULT_MAX_DEPTH, budget: new BodyBudget(budgetBytes ?? Math.max(3 * limitBytes, 64 * 1024 * 1024)) };
}

const policies = new WeakMap<IncomingMessage, BodyPolicy>();
/** Each parsed body's text, so a native relay can forward the client's bytes instead of re-serialising. */
const texts = new WeakMap<object, string>();

/** The text a body read by readJsonObject was parsed from. */
export function clientTextOf(body: object): string | null {
  return texts.get(body) ?? null;
}
const fallback = bodyPolicy();

/** The server names each request's policy once, before routing; routes just read the body. */
export function applyBodyPolicy(req: IncomingMessage, policy: BodyPolicy): void {
  policies.set(req, policy);
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const policy = policies.get(req) ?? fallback;
  const type = req.headers['content-type'];
  // No content type is taken as JSON (scripts often send none); a browser form or text/plain is
  // not, so a cross-site "simple request" can never reach a JSON route.
  if (type !== undefined && !JSON_TYPE.test(type)) {
    throw new GatewayError('invalid_request', `Expected "content-type: application/json", got "${type.slice(0, 100)}".`, { status: 415, param: 'content-type' });
  }
  // A compressed body would read as garbage JSON; say what it is instead (nothing decompresses it here).
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new GatewayError('invalid_request', `Compressed request bodies are not accepted (content-encoding: ${encoding.slice(0, 40)}); send the JSON uncompressed.`, { status: 415, param: 'content-encoding' });
  }
  const limit = policy.limitBytes;
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw tooLarge(limit);
  const bytes = await collect(req, policy);
  try {
    return parseObject(bytes, policy.maxDepth);
  } finally {
    // The parsed object replaces the bytes; the budget guards the reading and the parse.
    policy.budget.give(bytes.length);
  }
}

function parseObject(bytes: Buffer, maxDepth: number): Record<string, unknown> {
  const { depth, topLevelCommas } = scan(bytes, maxDepth);
  if (depth > maxDepth) {
    throw new GatewayError('invalid_request', `The request body's JSON is nested more than ${maxDepth} levels deep.`);
  }
  let parsed: unknown;
  // A UTF-8 byte order mark (Windows PowerShell writes one) is not part of the JSON; RFC 8259 lets a reader skip it.
  const decoded = bytes.toString('utf8');
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GatewayError('invalid_json', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  }
  // The client's own text stands for the body only if it says what the parsed object says: with a
  // key given twice, JSON.parse keeps the last, an upstream may keep the first, and what was
  // checked (the model, stream_options) would not be what is sent.
  const members = Object.keys(parsed).length;
  if (members === 0 || members === topLevelCommas + 1) texts.set(parsed, text);
  return parsed as Record<string, unknown>;
}

/**
 * The deepest nesting of arrays and objects, counted on the bytes (stops once past `max`), and the
 * commas between the top-level object's members (members − 1, duplicates included).
 */
function scan(bytes: Uint8Array, max: number): { depth: number; topLevelCommas: number } {
  let depth = 0;
  let deepest = 0;
  let commas = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > max) return { depth: deepest, topLevelCommas: commas };
      }
    } else if (byte === 0x7d || byte === 0x5d) depth--;
    else if (byte === 0x2c && depth === 1) commas++;
  }
  return { depth: deepest, topLevelCommas: commas };
}

/**
 * Events, not `for await`: the async-iterator path costs several times more per request.
 * Each chunk is charged to the shared budget as it arrives and given back once parsed.
 */
function collect(req: IncomingMessage, policy: BodyPolicy): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error: Error): void => {
      req.off('data', onData);
      policy.budget.give(size);
      size = 0;
      chunks.length = 0;
      req.resume();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length > policy.limitBytes) return stop(tooLarge(policy.limitBytes));
      if (!policy.budget.take(chunk.length)) {
        return stop(new GatewayError('unavailable', 'Loopgate is reading too many large request bodies at once; retry shortly.', { headers: { 'retry-after': '1' } }));
      }
      size += chunk.length;
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once('error', (error) => stop(error));
    req.once('close', () => {
      if (!req.complete) stop(new GatewayError('invalid_request', 'The client closed the connection before sending the whole body.'));
    });
  });
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError('payload_too_large', `The request body is larger than ${Math.round((limit / (1024 * 1024)) * 100) / 100} MiB.`);
}
