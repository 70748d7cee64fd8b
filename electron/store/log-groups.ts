// Request-log rows added up per session and per project, for the Sessions list. Each segment keeps
// these totals in its summary (log-segment-summary.ts), so a period's totals read summaries, and
// rows only of the segments the period cuts through.
import type { LogGroupQuery, LogGroupTotals, RequestLogEntry } from './request-log.js';

/** The tools named per session or project at most (one tool per session is the rule). */
export const MAX_GROUP_CLIENTS = 4;
/** Sessions (and projects) a segment's summary adds up at most; past it, a query reads that segment's rows. */
const MAX_SEGMENT_GROUPS = 500;

export type GroupBy = LogGroupQuery['by'];
export type GroupTotals = Map<string, LogGroupTotals>;

/** Per session and per project: a segment's, or a query's running totals. */
export interface SegmentGroups {
  session: GroupTotals;
  project: GroupTotals;
}

/** As a summary file holds them. */
export interface StoredGroups {
  session: LogGroupTotals[];
  project: LogGroupTotals[];
}

export function emptyGroups(): SegmentGroups {
  return { session: new Map(), project: new Map() };
}

/** What `row` adds to its session's or project's totals (nothing when it has none). */
export function addRowTo(totals: GroupTotals, by: GroupBy, row: RequestLogEntry): void {
  const name = row[by];
  if (name === null || name === undefined) return;
  mergeInto(totals, {
    name,
    // An MCP tool call belongs to the session but is not a model request.
    requests: row.mcp ? 0 : 1,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    totalTokens: row.totalTokens,
    cost: row.cost,
    first: row.time,
    last: row.time,
    clients: row.client ? [row.client] : [],
    keyId: row.keyId ?? '',
    project: row.project ?? null,
  });
}

/** Adds `row` to a segment's totals; false when a new session or project would pass MAX_SEGMENT_GROUPS. */
export function addRowToGroups(groups: SegmentGroups, row: RequestLogEntry): boolean {
  for (const by of ['session', 'project'] as const) {
    const name = row[by];
    if (name && !groups[by].has(name) && groups[by].size >= MAX_SEGMENT_GROUPS) return false;
  }
  addRowTo(groups.session, 'session', row);
  addRowTo(groups.project, 'project', row);
  return true;
}

/** Adds `more` into the totals of its name; `more` itself is never changed nor kept. */
export function mergeInto(totals: GroupTotals, more: LogGroupTotals): void {
  const current = totals.get(more.name);
  if (!current) {
    totals.set(more.name, { ...more, clients: more.clients.slice(0, MAX_GROUP_CLIENTS) });
    return;
  }
  current.requests += more.requests;
  current.promptTokens += more.promptTokens;
  current.completionTokens += more.completionTokens;
  current.totalTokens += more.totalTokens;
  current.cost += more.cost;
  current.first = Math.min(current.first, more.first);
  // The key and project shown are the latest request's.
  if (more.last >= current.last) {
    current.last = more.last;
    current.keyId = more.keyId;
    current.project = more.project ?? current.project;
  }
  for (const client of more.clients) if (current.clients.length < MAX_GROUP_CLIENTS && !current.clients.includes(client)) current.clients.push(client);
}

/** The most recently active first (ties by name), at most `limit`. */
export function newestActive(totals: GroupTotals, limit: number): LogGroupTotals[] {
  return [...totals.values()].sort((a, b) => b.last - a.last || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, limit);
}

export function storedGroups(groups: SegmentGroups): StoredGroups {
  return { session: [...groups.session.values()], project: [...groups.project.values()] };
}

/** A summary written before rows had sessions (schema version 10) has none to add up: empty, not unknown. */
export function groupsFromStored(stored: StoredGroups | null | undefined): SegmentGroups | null {
  if (stored === null) return null;
  return { session: new Map((stored?.session ?? []).map((total) => [total.name, total])), project: new Map((stored?.project ?? []).map((total) => [total.name, total])) };
}
