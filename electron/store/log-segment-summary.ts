// A request log segment's summary: its time range, ok/error counts and the ids, keys, models,
// response ids, sessions and projects it holds (exact while it is written, a Bloom filter once
// sealed), so a query skips every segment that cannot hold a match; and its totals per session
// and per project (log-groups.ts).
import { Bloom } from './log-bloom.js';
import { addRowToGroups, emptyGroups, groupsFromStored, storedGroups, type SegmentGroups, type StoredGroups } from './log-groups.js';
import type { RequestLogEntry, SpendLogQuery } from './request-log.js';
import { utcDay } from '../core/utc-day.js';

/** A segment's size, time range and outcome counts, kept as it is written and stored once sealed. */
interface SegmentCounts {
  bytes: number;
  rows: number;
  minTime: number;
  maxTime: number;
  okRows: number;
  errorRows: number;
}

/** A sealed segment's summary as stored next to it (`<segment>.summary.json`). */
export interface SummaryFile extends SegmentCounts {
  bloom: string;
  /** Totals per session and project; null when it holds too many to keep (absent: written before rows had them). */
  groups?: StoredGroups | null;
  /** How those totals were counted: GROUPS_VERSION now; absent, they counted MCP tool calls as requests. */
  groupsVersion?: number;
}

/** 2: an MCP tool call is not counted as a request. A summary counted otherwise is made again from its segment's rows, once. */
const GROUPS_VERSION = 2;

/** What a segment holds, enough to skip it; the open segment keeps exact sets until it is sealed. */
export interface Segment extends SegmentCounts {
  name: string;
  day: string;
  bloom: Bloom | null;
  /** Exact values while the segment is written to (replaced by the Bloom filter when sealed). */
  values: Set<string> | null;
  /** Totals per session and per project; null when there are too many (a query then reads the rows). */
  groups: SegmentGroups | null;
}

const idValue = (id: string): string => `i:${id}`;
const keyValue = (keyId: string | null): string => `k:${keyId ?? ''}`;
const modelValue = (model: string | null): string => `m:${model ?? ''}`;
const responseValue = (responseId: string): string => `r:${responseId}`;
const sessionValue = (session: string): string => `s:${session}`;
const projectValue = (project: string): string => `p:${project}`;

export function emptySegment(name: string, day: string): Segment {
  return { name, day, bytes: 0, rows: 0, minTime: Infinity, maxTime: -Infinity, okRows: 0, errorRows: 0, bloom: null, values: new Set(), groups: emptyGroups() };
}

export function addToSummary(segment: Segment, row: RequestLogEntry, bytes: number): void {
  segment.bytes += bytes;
  segment.rows++;
  segment.minTime = Math.min(segment.minTime, row.time);
  segment.maxTime = Math.max(segment.maxTime, row.time);
  if (row.status >= 400) segment.errorRows++;
  else segment.okRows++;
  segment.values?.add(idValue(row.id)).add(keyValue(row.keyId)).add(modelValue(row.model));
  // A segment sealed before rows had response ids has none to find, so its filter rightly lacks them.
  if (row.responseId) segment.values?.add(responseValue(row.responseId));
  if (row.session) segment.values?.add(sessionValue(row.session));
  if (row.project) segment.values?.add(projectValue(row.project));
  if (segment.groups && !addRowToGroups(segment.groups, row)) segment.groups = null;
}

export function seal(segment: Segment): void {
  if (!segment.values) return;
  segment.bloom = Bloom.of(segment.values, segment.values.size);
  segment.values = null;
}

function mightHave(segment: Segment, value: string): boolean {
  return segment.values ? segment.values.has(value) : (segment.bloom?.mightHave(value) ?? true);
}

/** Whether any row of `segment` can pass `query` and the retention floor. */
export function mayMatch(segment: Segment, query: SpendLogQuery, floor: number): boolean {
  if (segment.rows === 0 || segment.maxTime < floor) return false;
  if (query.start !== undefined && segment.maxTime < query.start) return false;
  if (query.end !== undefined && segment.minTime >= query.end) return false;
  if (query.before && segment.minTime > query.before.time) return false;
  if (query.status === 'ok' && segment.okRows === 0) return false;
  if (query.status === 'error' && segment.errorRows === 0) return false;
  if (query.id !== undefined && !mightHave(segment, idValue(query.id))) return false;
  if (query.responseId !== undefined && !mightHave(segment, responseValue(query.responseId))) return false;
  if (query.keyId !== undefined && !mightHave(segment, keyValue(query.keyId === '' ? null : query.keyId))) return false;
  if (query.model !== undefined && !mightHave(segment, modelValue(query.model))) return false;
  if (query.session !== undefined && !mightHave(segment, sessionValue(query.session))) return false;
  if (query.project !== undefined && !mightHave(segment, projectValue(query.project))) return false;
  return true;
}

/** What a sealed segment's summary file holds; null while it has no filter yet (open, or empty). */
export function summaryOf(segment: Segment): SummaryFile | null {
  if (segment.rows === 0 || !segment.bloom) return null;
  const { bytes, rows, minTime, maxTime, okRows, errorRows } = segment;
  return { bytes, rows, minTime, maxTime, okRows, errorRows, bloom: segment.bloom.toBase64(), groups: segment.groups ? storedGroups(segment.groups) : null, groupsVersion: GROUPS_VERSION };
}

/** Whether a summary's totals were counted as they are now (totals from before sessions existed are empty either way). */
export function countedAsNow(summary: SummaryFile): boolean {
  return summary.groups === undefined || summary.groupsVersion === GROUPS_VERSION;
}

export function fromSummary(name: string, summary: SummaryFile): Segment {
  const { groupsVersion: _counted, ...counts } = summary;
  return { name, day: utcDay(summary.minTime), ...counts, bloom: Bloom.fromBase64(summary.bloom), values: null, groups: groupsFromStored(summary.groups) };
}
