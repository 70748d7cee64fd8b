// Puts redacted credentials back into an answer where the model repeated their placeholders,
// so the client sees its own text. A whole answer is JSON text; a stream is read event by event:
// a model writes a placeholder over several deltas, so an event whose text ends inside one
// waits for the next event at the same place, and the two are said as one.

/** A placeholder and the secret it stands for. */
interface Placeholder {
  placeholder: string;
  secret: string;
}

/** Every placeholder starts so; a text can only end inside one after this. */
const OPENING = '[REDACTED:';
const EVENT_END = /\r?\n\r?\n/;

export class AnswerRestorer {
  private readonly longest: number;

  constructor(private readonly found: readonly Placeholder[]) {
    this.longest = Math.max(...found.map((entry) => entry.placeholder.length));
  }

  /** A whole answer (JSON text): each placeholder becomes its secret, written as a JSON string's content. */
  text(json: string): string {
    if (!json.includes(OPENING)) return json;
    let out = json;
    for (const { placeholder, secret } of this.found) out = out.split(placeholder).join(JSON.stringify(secret).slice(1, -1));
    return out;
  }

  /** A string's own text with the secrets back. */
  plain(text: string): string {
    if (!text.includes(OPENING)) return text;
    let out = text;
    for (const { placeholder, secret } of this.found) out = out.split(placeholder).join(secret);
    return out;
  }

  /** Whether a text ends partway into a placeholder (so the rest may come in the next delta). */
  endsInside(text: string): boolean {
    const start = text.lastIndexOf('[');
    if (start === -1 || text.length - start >= this.longest) return false;
    const tail = text.slice(start);
    return this.found.some(({ placeholder }) => placeholder.length > tail.length && placeholder.startsWith(tail));
  }

  stream(): StreamRestorer {
    return new StreamRestorer(this);
  }
}

/** A stream's callbacks with the restorer after them; unchanged when there is none. */
export function restoring(restorer: AnswerRestorer | null, toClient: (chunk: Buffer) => Buffer | string, atEnd: () => string): { onChunk: (chunk: Buffer) => Buffer | string; onEnd: () => string } {
  if (!restorer) return { onChunk: toClient, onEnd: atEnd };
  const stream = restorer.stream();
  return { onChunk: (chunk) => stream.push(toClient(chunk)), onEnd: () => stream.push(atEnd()) + stream.end() };
}

interface HeldEvent {
  /** The event's lines other than its data, and its data parsed. */
  lines: string[];
  data: Record<string, unknown>;
  path: Array<string | number>;
  separator: string;
}

/** One stream's restorer: fed the bytes for the client, it returns what may be written now. */
export class StreamRestorer {
  private pending = '';
  private held: HeldEvent | null = null;

  constructor(private readonly restorer: AnswerRestorer) {}

  push(chunk: Buffer | string): string {
    this.pending += chunk.toString();
    let out = '';
    for (let match = EVENT_END.exec(this.pending); match; match = EVENT_END.exec(this.pending)) {
      const end = match.index + match[0].length;
      out += this.event(this.pending.slice(0, match.index), match[0]);
      this.pending = this.pending.slice(end);
    }
    return out;
  }

  /** What is left at the stream's end: a held event and any unfinished text, restored as far as they go. */
  end(): string {
    const rest = this.release() + this.restorer.text(this.pending);
    this.pending = '';
    return rest;
  }

  private event(text: string, separator: string): string {
    const lines = text.split(/\r?\n/);
    const dataAt = lines.findIndex((line) => line.startsWith('data:'));
    const data = dataAt === -1 || lines.filter((line) => line.startsWith('data:')).length > 1 ? null : parseObject(lines[dataAt]!.slice(5));
    if (!data) return this.release() + this.restorer.text(text) + separator;
    const others = lines.filter((_, index) => index !== dataAt);
    let out = '';
    const held = this.held;
    if (held) {
      const joined = joinText(held, data);
      out += joined ? '' : this.release();
      this.held = null;
    }
    const inside = textLeaves(data).find(({ text }) => this.restorer.endsInside(text));
    if (inside) {
      this.held = { lines: others, data, path: inside.path, separator };
      return out;
    }
    return out + this.say(others, data, separator);
  }

  private release(): string {
    const held = this.held;
    this.held = null;
    return held ? this.say(held.lines, held.data, held.separator) : '';
  }

  private say(lines: string[], data: Record<string, unknown>, separator: string): string {
    restoreLeaves(data, (text) => this.restorer.plain(text));
    return [...lines.filter((line) => line.length > 0), `data: ${JSON.stringify(data)}`].join('\n') + separator;
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The held event's text goes in front of the same place in the next event; false when the next has no text there. */
function joinText(held: HeldEvent, next: Record<string, unknown>): boolean {
  const heldText = valueAt(held.data, held.path);
  const parent = valueAt(next, held.path.slice(0, -1));
  const last = held.path.at(-1)!;
  if (typeof heldText !== 'string' || typeof parent !== 'object' || parent === null) return false;
  const own = (parent as Record<string | number, unknown>)[last];
  if (typeof own !== 'string') return false;
  (parent as Record<string | number, unknown>)[last] = heldText + own;
  return true;
}

function valueAt(value: unknown, path: Array<string | number>): unknown {
  let at = value;
  for (const step of path) at = typeof at === 'object' && at !== null ? (at as Record<string | number, unknown>)[step] : undefined;
  return at;
}

function textLeaves(value: unknown, path: Array<string | number> = [], out: Array<{ path: Array<string | number>; text: string }> = []): Array<{ path: Array<string | number>; text: string }> {
  if (typeof value === 'string') out.push({ path, text: value });
  else if (Array.isArray(value)) value.forEach((item, index) => textLeaves(item, [...path, index], out));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) textLeaves(item, [...path, key], out);
  return out;
}

function restoreLeaves(value: Record<string, unknown> | unknown[], change: (text: string) => string): void {
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') (value as Record<string, unknown>)[key] = change(item);
    else if (typeof item === 'object' && item !== null) restoreLeaves(item as Record<string, unknown>, change);
  }
}
