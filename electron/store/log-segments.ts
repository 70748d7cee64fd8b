// The embedded request log: append-only NDJSON segment files in <data dir>/request-log, one UTC
// day per segment and at most SEGMENT_MAX_BYTES each. Nothing of it is held in memory but a
// small summary per segment (time range, ok/error counts, a Bloom filter of ids, keys,
// models, sessions and projects; totals per session and project), so a query reads only the segments that can hold a match, newest first, and retention
// deletes whole files. Summaries are read on first use, never at start-up.
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from './errors.js';
import { syncDirectory, writeFileAtomic } from './files.js';
import { addRowTo, mergeInto, newestActive, type GroupTotals } from './log-groups.js';
import { addToSummary, countedAsNow, emptySegment, fromSummary, mayMatch, seal, summaryOf, type Segment, type SummaryFile } from './log-segment-summary.js';
import { utcDay } from '../core/utc-day.js';
import { matchesQuery, newestFirst, type LogGroupQuery, type LogGroupTotals, type LogRetention, type RequestLogEntry, type RequestLogRepository, type SpendLogQuery, type StoredLogRetention } from './request-log.js';

export const REQUEST_LOG_DIR = 'request-log';
const SEGMENT_MAX_BYTES = 4 * 1024 * 1024;
/** <creation time>-<sequence>[-import].ndjson; imported segments come from the old request_log table. */
const SEGMENT_PATTERN = /^(\d{13})-(\d{6})(-import)?\.ndjson$/;
const SUMMARY_SUFFIX = '.summary.json';
const RETENTION_FILE = 'retention.json';

/** Rows of one segment's text; a line torn by a crash (only ever the last) is skipped. */
function parseRows(text: string): RequestLogEntry[] {
  const rows: RequestLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      // Rows written before the log named the client tool (the response id, the session and project, the replayed request, the MCP call) lack those fields.
      const row = JSON.parse(line) as RequestLogEntry;
      row.client ??= null;
      row.responseId ??= null;
      row.session ??= null;
      row.project ??= null;
      row.route ??= 'default';
      row.tokenParts ??= null;
      row.replayOf ??= null;
      row.mcp ??= null;
      rows.push(row);
    } catch {
      // A torn tail: the batch being written when the process died.
    }
  }
  return rows;
}

export class SegmentRequestLog implements RequestLogRepository {
  private segments: Promise<Segment[]> | null = null;
  private openSegment: Segment | null = null;
  private handle: FileHandle | null = null;
  /** Appends, imports and prunes run one at a time, in order. */
  private chain: Promise<unknown> = Promise.resolve();
  private sequence = 0;
  /** Rows older than this are past retention even while their segment still holds newer ones. */
  private floor = -Infinity;
  private closed = false;

  private constructor(private readonly dir: string) {}

  /** Creates the folder; reads nothing else (start-up stays as fast with a big log as with none). */
  static async open(dataDir: string): Promise<SegmentRequestLog> {
    const dir = join(dataDir, REQUEST_LOG_DIR);
    if (!existsSync(dir)) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await syncDirectory(dataDir);
    }
    return new SegmentRequestLog(dir);
  }

  append(rows: RequestLogEntry[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.serially(() => this.write(rows, false));
  }

  /**
   * Writes rows moved from the old request_log table (oldest first) into segments of their own.
   * Segments left by an import that a crash interrupted are removed first, so a second run
   * leaves no duplicates.
   */
  importRows(batches: Iterable<RequestLogEntry[]>): Promise<number> {
    return this.serially(async () => {
      for (const name of await readdir(this.dir)) if (SEGMENT_PATTERN.exec(name)?.[3]) await rm(join(this.dir, name), { force: true });
      this.segments = null;
      let count = 0;
      for (const rows of batches) {
        await this.write(rows, true);
        count += rows.length;
      }
      await this.sealOpen();
      return count;
    });
  }

  async query(query: SpendLogQuery): Promise<RequestLogEntry[]> {
    const floor = this.floor;
    const candidates = (await this.allSegments()).filter((segment) => mayMatch(segment, query, floor)).sort((a, b) => b.maxTime - a.maxTime);
    let found: RequestLogEntry[] = [];
    for (const segment of candidates) {
      const last = found[query.limit - 1];
      // Every row of this segment (and of the rest) is older than the page's last row.
      if (last && segment.maxTime < last.time) break;
      const text = await readFile(join(this.dir, segment.name), 'utf8').catch(() => '');
      for (const row of parseRows(text)) if (row.time >= floor && matchesQuery(row, query)) found.push(row);
      found = found.sort(newestFirst).slice(0, query.limit);
    }
    return found;
  }

  /** Segments wholly in the period give their summary's totals; only those the period (or retention) cuts through are read. */
  async groups(query: LogGroupQuery): Promise<LogGroupTotals[]> {
    const start = Math.max(query.start, this.floor);
    const totals: GroupTotals = new Map();
    for (const segment of await this.allSegments()) {
      if (segment.rows === 0 || segment.maxTime < start || segment.minTime >= query.end) continue;
      const kept = segment.groups?.[query.by];
      if (kept && segment.minTime >= start && segment.maxTime < query.end) {
        for (const total of kept.values()) mergeInto(totals, total);
        continue;
      }
      const text = await readFile(join(this.dir, segment.name), 'utf8').catch(() => '');
      for (const row of parseRows(text)) if (row.time >= start && row.time < query.end) addRowTo(totals, query.by, row);
    }
    return newestActive(totals, query.limit);
  }

  async get(id: string): Promise<RequestLogEntry | null> {
    return (await this.query({ id, limit: 1 }))[0] ?? null;
  }

  prune(limits: { before: number; maxBytes: number }): Promise<number> {
    return this.serially(async () => {
      this.floor = Math.max(this.floor, limits.before);
      const segments = await this.allSegments();
      // Oldest first: whole segments past retention, then the oldest while the log is too big.
      const byAge = [...segments].sort((a, b) => a.maxTime - b.maxTime);
      let total = segments.reduce((sum, segment) => sum + segment.bytes, 0);
      const doomed: Segment[] = [];
      for (const segment of byAge) {
        if (segment.maxTime < limits.before || total > limits.maxBytes) {
          doomed.push(segment);
          total -= segment.bytes;
        }
      }
      for (const segment of doomed) await this.remove(segment);
      const kept = new Set(segments.filter((segment) => !doomed.includes(segment)));
      this.segments = Promise.resolve([...kept]);
      // Rows of a removed segment that the size cap took: everything up to its newest row is gone.
      const capped = doomed.filter((segment) => segment.maxTime >= limits.before);
      if (capped.length > 0) this.floor = Math.max(this.floor, ...capped.map((segment) => segment.maxTime + 1));
      return doomed.reduce((sum, segment) => sum + segment.rows, 0);
    });
  }

  async sizeBytes(): Promise<number> {
    return (await this.allSegments()).reduce((sum, segment) => sum + segment.bytes, 0);
  }

  async retention(): Promise<StoredLogRetention | null> {
    try {
      const stored = JSON.parse(await readFile(join(this.dir, RETENTION_FILE), 'utf8')) as StoredLogRetention;
      // Saved before capture was a setting: the config file's applies.
      return { ...stored, capture: stored.capture ?? null };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  saveRetention(retention: LogRetention, version: number): Promise<StoredLogRetention> {
    return this.serially(async () => {
      const current = await this.retention();
      if ((current?.version ?? 0) !== version) throw new ConflictError(current);
      const saved: StoredLogRetention = { days: retention.days, maxMegabytes: retention.maxMegabytes, capture: retention.capture ?? null, version: version + 1 };
      await writeFileAtomic(join(this.dir, RETENTION_FILE), Buffer.from(JSON.stringify(saved)));
      return saved;
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.serially(() => this.sealOpen());
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async write(rows: RequestLogEntry[], imported: boolean): Promise<void> {
    let text = '';
    let pending: Array<[RequestLogEntry, number]> = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (!text) return;
      const segment = this.openSegment!;
      await this.handle!.appendFile(text);
      await this.handle!.datasync();
      for (const [row, bytes] of pending) addToSummary(segment, row, bytes);
      text = '';
      pending = [];
      pendingBytes = 0;
    };
    for (const row of rows) {
      const line = `${JSON.stringify(row)}\n`;
      const bytes = Buffer.byteLength(line);
      const day = utcDay(row.time);
      const segment = this.openSegment;
      if (!segment || segment.day !== day || (segment.bytes + pendingBytes > 0 && segment.bytes + pendingBytes + bytes > SEGMENT_MAX_BYTES)) {
        await flush();
        await this.sealOpen();
        await this.startSegment(day, imported);
      }
      text += line;
      pending.push([row, bytes]);
      pendingBytes += bytes;
    }
    await flush();
  }

  private async startSegment(day: string, imported: boolean): Promise<void> {
    const name = `${String(Date.now()).padStart(13, '0')}-${String(this.sequence++ % 1_000_000).padStart(6, '0')}${imported ? '-import' : ''}.ndjson`;
    this.handle = await open(join(this.dir, name), 'a', 0o600);
    await syncDirectory(this.dir);
    const segment = emptySegment(name, day);
    this.openSegment = segment;
    // Known segments get the new one; if they are not loaded yet, loading will find its file. A
    // load that ran while the file was being created may already list it, empty: that entry is
    // replaced, or a prune would take the stale copy for an old segment and delete the live file.
    const known = this.segments ? await this.segments : null;
    if (known) {
      const at = known.findIndex((entry) => entry.name === name);
      if (at === -1) known.push(segment);
      else known[at] = segment;
    }
  }

  /** Closes the open segment and writes its summary beside it. */
  private async sealOpen(): Promise<void> {
    const segment = this.openSegment;
    if (!segment) return;
    this.openSegment = null;
    await this.handle?.close();
    this.handle = null;
    seal(segment);
    await this.writeSummary(segment);
  }

  private async writeSummary(segment: Segment): Promise<void> {
    const summary = summaryOf(segment);
    if (!summary) return;
    await writeFileAtomic(join(this.dir, segment.name + SUMMARY_SUFFIX), Buffer.from(JSON.stringify(summary)));
  }

  private async remove(segment: Segment): Promise<void> {
    if (segment.name === this.openSegment?.name) {
      this.openSegment = null;
      await this.handle?.close();
      this.handle = null;
    }
    await rm(join(this.dir, segment.name), { force: true });
    await rm(join(this.dir, segment.name + SUMMARY_SUFFIX), { force: true });
  }

  private allSegments(): Promise<Segment[]> {
    this.segments ??= this.loadSegments();
    return this.segments;
  }

  /** Every segment's summary; a segment a crash left without one (or with a stale one, or one counted another way) is read once to make it. */
  private async loadSegments(): Promise<Segment[]> {
    const names = (await readdir(this.dir)).filter((name) => SEGMENT_PATTERN.test(name)).sort();
    const segments: Segment[] = [];
    for (const name of names) {
      if (name === this.openSegment?.name) {
        segments.push(this.openSegment);
        continue;
      }
      const size = (await stat(join(this.dir, name)).catch(() => null))?.size;
      if (size === undefined) continue;
      const summary = await readFile(join(this.dir, name + SUMMARY_SUFFIX), 'utf8')
        .then((text) => JSON.parse(text) as SummaryFile)
        .catch(() => null);
      if (summary && summary.bytes === size && countedAsNow(summary)) {
        segments.push(fromSummary(name, summary));
        continue;
      }
      const segment = emptySegment(name, '');
      const text = await readFile(join(this.dir, name), 'utf8');
      for (const row of parseRows(text)) addToSummary(segment, row, Buffer.byteLength(JSON.stringify(row)) + 1);
      // Bytes as on disk, a torn tail included, so the summary matches the file next time.
      segment.bytes = Buffer.byteLength(text);
      seal(segment);
      await this.writeSummary(segment);
      segments.push(segment);
    }
    return segments;
  }
}
