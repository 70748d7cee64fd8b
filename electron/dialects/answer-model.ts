// Answers name the model the client asked for, not the upstream's name for it: Claude Code
// (2.1.154, 2.1.197) drops signed thinking from turns whose model differs from the one it
// requested, and the next tool turn is then refused upstream. Natively relayed answers carry
// the upstream's name; these rename it in a whole answer and in a stream as it passes.
import { StringDecoder } from 'node:string_decoder';
import type { AnswerModelMember, NativeStreamScanner } from './types.js';

const JSON_STRING = String.raw`"(?:[^"\\]|\\.)*"`;

/** A whole answer with its top-level model member naming `model` when the upstream's name differs; other answers unchanged. */
export function answerNamingModel(text: string, member: AnswerModelMember | undefined, model: string, upstreamModel: string): string {
  if (!member || model === upstreamModel) return text;
  // On every request: the member's value is replaced in place, without parsing and re-serialising the whole answer.
  return withTopLevelString(text, member.key, model) ?? text;
}

const QUOTE = 34;

/** `text` (a JSON object) with its top-level string member `key` set to `value`; null when it has none (or is not an object). */
function withTopLevelString(text: string, key: string, value: string): string | null {
  let depth = 0;
  let keyNext = false;
  const start = text.search(/\S/);
  if (text.charCodeAt(start) !== 123) return null;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return null;
      if (depth === 1 && keyNext && text.slice(i + 1, end - 1) === key) {
        const colon = skipSpace(text, end);
        if (text[colon] !== ':') return null;
        const at = skipSpace(text, colon + 1);
        if (text.charCodeAt(at) !== QUOTE) return null;
        const valueEnd = stringEnd(text, at);
        return valueEnd < 0 ? null : `${text.slice(0, at)}${JSON.stringify(value)}${text.slice(valueEnd)}`;
      }
      keyNext = false;
      i = end - 1;
    } else if (c === 123 || c === 91) {
      depth++;
      keyNext = depth === 1;
    } else if (c === 125 || c === 93) {
      depth--;
    } else if (c === 44) {
      keyNext = depth === 1;
    }
  }
  return null;
}

/** The index just after the string starting at `open`'s closing quote; -1 when it never closes. */
function stringEnd(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at >= 0; at = text.indexOf('"', at + 1)) {
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return at + 1;
  }
  return -1;
}

function skipSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && (text[at] === ' ' || text[at] === '\n' || text[at] === '\r' || text[at] === '\t')) at++;
  return at;
}

/**
 * A natively relayed stream with the model renamed in its events. Only an unescaped member
 * name can match (tool arguments and text travel as JSON strings, where quotes are escaped);
 * text that could still grow into a match is held back until the next chunk.
 */
class ModelRenamingScanner implements NativeStreamScanner {
  private readonly decoder = new StringDecoder('utf8');
  private readonly pattern: RegExp;
  private readonly replacement: string;
  private held = '';
  private done = false;

  constructor(
    private readonly inner: NativeStreamScanner,
    private readonly member: AnswerModelMember,
    model: string,
  ) {
    this.pattern = new RegExp(`"${member.key}"\\s*:\\s*${JSON_STRING}`, member.once ? '' : 'g');
    this.replacement = `"${member.key}":${JSON.stringify(model)}`;
  }

  get usage() {
    return this.inner.usage;
  }

  get finished() {
    return this.inner.finished;
  }

  push(chunk: Buffer): Buffer | string {
    const passed = this.inner.push(chunk);
    if (this.done) return passed;
    return this.rename(this.held + (typeof passed === 'string' ? passed : this.decoder.write(passed)), false);
  }

  end(): string {
    const rest = this.inner.end();
    if (this.done) return rest;
    return this.rename(this.held + this.decoder.end() + rest, true);
  }

  private rename(text: string, last: boolean): string {
    let renamed = false;
    const out = text.replace(this.pattern, () => {
      renamed = true;
      return this.replacement.replace(/\$/g, '$$$$');
    });
    if (renamed && this.member.once) {
      this.done = true;
      this.held = '';
      return out;
    }
    const keep = last ? out.length : this.safeLength(out);
    this.held = out.slice(keep);
    return out.slice(0, keep);
  }

  /** How much of `text` can go out: everything before a tail that could still become the member with its value. */
  private safeLength(text: string): number {
    const key = `"${this.member.key}"`;
    for (let at = text.indexOf('"', Math.max(0, text.length - 1024)); at >= 0; at = text.indexOf('"', at + 1)) {
      const tail = text.slice(at);
      if (tail.length <= key.length ? key.startsWith(tail) : tail.startsWith(key) && PARTIAL_VALUE.test(tail.slice(key.length))) return at;
    }
    return text.length;
  }
}

/** After the member's name: a colon and an unterminated string, or any prefix of that. */
const PARTIAL_VALUE = /^\s*(?::\s*(?:"(?:[^"\\]|\\.)*\\?)?)?$/;

/** The scanner itself when the upstream's name is the client's; else one that renames as the stream passes. */
export function streamNamingModel(scanner: NativeStreamScanner, member: AnswerModelMember | undefined, model: string, upstreamModel: string): NativeStreamScanner {
  return member && model !== upstreamModel ? new ModelRenamingScanner(scanner, member, model) : scanner;
}
