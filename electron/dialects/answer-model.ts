// Answers name the model the client asked for, not the upstream's name for it: Claude Code
// (2.1.154, 2.1.197) drops signed thinking from turns whose model differs from the one it
// requested, and the next tool turn is then refused upstream. Natively relayed answers carry
// the upstream's name; these rename it in a whole answer and in a stream as it passes.
import { StringDecoder } from 'node:string_decoder';
import type { AnswerModelMember, Json, NativeStreamScanner } from './types.js';

const JSON_STRING = String.raw`"(?:[^"\\]|\\.)*"`;

/** A whole answer with its top-level model member naming `model` when the upstream's name differs; other answers unchanged. */
export function answerNamingModel(text: string, member: AnswerModelMember | undefined, model: string, upstreamModel: string): string {
  if (!member || model === upstreamModel) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof (parsed as Json)[member.key] !== 'string') return text;
  return JSON.stringify({ ...(parsed as Json), [member.key]: model });
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
