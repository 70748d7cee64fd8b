// Structured JSON logs, one line per event. Lines are batched and written asynchronously so the
// request path never blocks on a write (stderr pipes are synchronous on Linux).
import type { Writable } from 'node:stream';

const FLUSH_INTERVAL_MS = 100;
const FLUSH_BYTES = 64 * 1024;

export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
  flush(): Promise<void>;
}

export class BatchedJsonLogger implements Logger {
  private buffer: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly sink: Writable) {}

  private isoMs = -1;
  private iso = '';

  log(level: LogLevel, message: string, given: LogFields = {}): void {
    const msg = capped(message);
    const fields = cappedFields(given);
    // The same JSON as stringifying { time, level, msg, ...fields }, without copying the fields
    // into a new object and with the time formatted once per millisecond (a line per request).
    const now = Date.now();
    if (now !== this.isoMs) {
      this.isoMs = now;
      this.iso = new Date(now).toISOString();
    }
    const line =
      'time' in fields || 'level' in fields || 'msg' in fields
        ? JSON.stringify({ time: this.iso, level, msg, ...fields })
        : `{"time":"${this.iso}","level":"${level}","msg":${JSON.stringify(msg)}${fieldsTail(JSON.stringify(fields))}`;
    this.buffer.push(line);
    this.bytes += line.length + 1;
    if (this.bytes >= FLUSH_BYTES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return this.writing;
    const text = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    this.bytes = 0;
    this.writing = this.writing.then(() => new Promise<void>((resolve) => this.sink.write(text, () => resolve())));
    return this.writing;
  }
}

/** `{"a":1}` → `,"a":1}`; `{}` → `}`. */
function fieldsTail(json: string): string {
  return json.length > 2 ? `,${json.slice(1)}` : '}';
}

/** The longest text one log field keeps: fields may carry what clients sent (tool names, messages). */
export const MAX_LOG_FIELD = 4096;

function capped(text: string): string {
  return text.length > MAX_LOG_FIELD ? `${text.slice(0, MAX_LOG_FIELD)}… (${text.length - MAX_LOG_FIELD} more characters)` : text;
}

/** The fields with every long text cut; the same object when none is (the common case, no copy). */
function cappedFields(fields: LogFields): LogFields {
  let out: LogFields | null = null;
  for (const name in fields) {
    const value = fields[name];
    if (typeof value === 'string' && value.length > MAX_LOG_FIELD) (out ??= { ...fields })[name] = capped(value);
  }
  return out ?? fields;
}

/** For tests and embedding: keeps records in memory. */
export class MemoryLogger implements Logger {
  readonly records: Array<{ level: LogLevel; msg: string } & LogFields> = [];
  log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    this.records.push({ level, msg: capped(msg), ...cappedFields(fields) });
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
}
