// The write-ahead journal: every acknowledged mutation is a line here, fsynced before the
// caller hears "done". Lines are `<crc32 hex>\t<json>\n`; a torn or corrupt line can only be the
// last one written before a crash, so replay stops there with a log line instead of failing.
import { open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { syncDirectory } from './files.js';

export type SqlParam = string | number | null;
export type JournalOp = [sql: string, params: SqlParam[]];

export interface JournalRecord {
  seq: number;
  ops: JournalOp[];
}

const FILE_PATTERN = /^journal-(\d{8})\.log$/;

function fileName(index: number): string {
  return `journal-${String(index).padStart(8, '0')}.log`;
}

function encodeRecord(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return `${crc32(json).toString(16).padStart(8, '0')}\t${json}\n`;
}

/** Parses one line; null when the line is torn or its checksum does not match. */
function decodeRecord(line: string): JournalRecord | null {
  const tab = line.indexOf('\t');
  if (tab !== 8) return null;
  const json = line.slice(tab + 1);
  if (crc32(json).toString(16).padStart(8, '0') !== line.slice(0, 8)) return null;
  try {
    return JSON.parse(json) as JournalRecord;
  } catch {
    return null;
  }
}

export interface ReplayResult {
  records: JournalRecord[];
  /** Set when the last line of the last file was torn and has been ignored. */
  tornTail: string | null;
  lastFileIndex: number;
}

export async function readJournal(dir: string): Promise<ReplayResult> {
  const indexes = (await readdir(dir))
    .map((name) => FILE_PATTERN.exec(name)?.[1])
    .filter((index): index is string => index !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const records: JournalRecord[] = [];
  let tornTail: string | null = null;
  for (const [position, index] of indexes.entries()) {
    const text = await readFile(join(dir, fileName(index)), 'utf8');
    const lines = text.split('\n');
    // A file ending in "\n" splits into a trailing "", which is not a record.
    const complete = text.endsWith('\n');
    for (const [lineNumber, line] of lines.entries()) {
      if (line === '' && lineNumber === lines.length - 1) continue;
      const record = decodeRecord(line);
      const isLastLine = position === indexes.length - 1 && (lineNumber === lines.length - 1 || (complete && lineNumber === lines.length - 2));
      if (record) {
        records.push(record);
        continue;
      }
      if (!isLastLine) throw new Error(`${fileName(index)} line ${lineNumber + 1} is corrupt; the store needs repair`);
      tornTail = `${fileName(index)} line ${lineNumber + 1} (${line.length} bytes)`;
    }
  }
  return { records, tornTail, lastFileIndex: indexes.at(-1) ?? 0 };
}

interface Pending {
  fileIndex: number;
  line: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Appends records with group commit: whatever queued while one fsync ran goes in the next. */
export class JournalWriter {
  private fileIndex: number;
  private handle: FileHandle | null = null;
  private handleIndex = -1;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private failure: Error | null = null;
  bytesInCurrentFile = 0;

  constructor(
    private readonly dir: string,
    startIndex: number,
  ) {
    this.fileIndex = startIndex;
  }

  append(record: JournalRecord): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const line = encodeRecord(record);
    this.bytesInCurrentFile += line.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ fileIndex: this.fileIndex, line, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  /** Later appends go to a new file; returns the index of the file just closed to new records. */
  rotate(): number {
    this.bytesInCurrentFile = 0;
    return this.fileIndex++;
  }

  /** Deletes journal files up to and including `index`, once their writes have finished. */
  async removeUpTo(index: number): Promise<void> {
    await this.idle();
    if (this.handle && this.handleIndex <= index) {
      await this.handle.close();
      this.handle = null;
    }
    const names = (await readdir(this.dir)).filter((name) => {
      const match = FILE_PATTERN.exec(name);
      return match !== null && Number(match[1]) <= index;
    });
    await Promise.all(names.map((name) => rm(join(this.dir, name), { force: true })));
  }

  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    await this.idle();
    await this.handle?.close();
    this.handle = null;
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          for (const group of groupByFile(batch)) {
            const handle = await this.handleFor(group.fileIndex);
            await handle.appendFile(group.text);
            await handle.datasync();
          }
          for (const item of batch) item.resolve();
        } catch (error) {
          // The disk refused a write: nothing after it can be acknowledged.
          this.failure = error instanceof Error ? error : new Error(String(error));
          for (const item of [...batch, ...this.queue.splice(0)]) item.reject(error);
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private async handleFor(index: number): Promise<FileHandle> {
    if (this.handle && this.handleIndex === index) return this.handle;
    await this.handle?.close();
    // Owner-only, and the new file's directory entry made durable before its first record is acknowledged.
    this.handle = await open(join(this.dir, fileName(index)), 'a', 0o600);
    this.handleIndex = index;
    await syncDirectory(this.dir);
    return this.handle;
  }
}

function groupByFile(batch: Pending[]): Array<{ fileIndex: number; text: string }> {
  const groups: Array<{ fileIndex: number; text: string }> = [];
  for (const item of batch) {
    const last = groups.at(-1);
    if (last && last.fileIndex === item.fileIndex) last.text += item.line;
    else groups.push({ fileIndex: item.fileIndex, text: item.line });
  }
  return groups;
}
