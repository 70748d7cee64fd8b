// Reads the request_log table that schema versions 1-8 kept inside the key store, oldest first in
// pages, so that migration 9 can move its rows into the request-log segments before dropping it.
import type { LogAttemptView } from '../../shared/api.js';
import type { ErrorCode } from '../../shared/errors.js';
import { bool, defineTable, json, nullable, number, text, textOf, type Columns } from './columns.js';
import type { Reader } from './database.js';
import type { Row } from './sql.js';
import type { RequestLogEntry } from './request-log.js';

/** A row as schema version 8 kept it: before the log named the client tool. */
type LegacyRow = Omit<RequestLogEntry, 'client' | 'responseId' | 'session' | 'project' | 'route' | 'tokenParts' | 'replayOf' | 'mcp'>;

/** The request-log table's columns as schema version 8 left them (PostgreSQL's table adds to them). */
export const LEGACY_LOG_COLUMNS = {
  id: text('id'),
  time: number('time'),
  keyId: nullable(text('key_id')),
  model: nullable(text('model')),
  deployment: nullable(text('deployment')),
  status: number('status'),
  latencyMs: number('latency_ms'),
  promptTokens: number('prompt_tokens'),
  completionTokens: number('completion_tokens'),
  totalTokens: number('total_tokens'),
  cost: number('cost'),
  requestBody: nullable(text('request_body')),
  responseBody: nullable(text('response_body')),
  attemptCount: number('attempt_count'),
  attempts: nullable(json<LogAttemptView[]>('attempts', [])),
  errorCode: nullable(textOf<ErrorCode>('error_code')),
  errorMessage: nullable(text('error_message')),
  callType: nullable(text('call_type')),
  cacheHit: bool('cache_hit'),
} satisfies Columns<LegacyRow>;

const REQUEST_LOG = defineTable<LegacyRow>('request_log', LEGACY_LOG_COLUMNS);

const PAGE = 10_000;

/** Every row, oldest first, a page at a time (keyset paging: no OFFSET to rescan). */
export function* legacyLogPages(reader: Reader): Generator<RequestLogEntry[]> {
  const present = reader.get("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'request_log'");
  if (!present) return;
  let after: { time: number; id: string } | null = null;
  for (;;) {
    const rows: Row[] = after
      ? reader.all('SELECT * FROM request_log WHERE time > ? OR (time = ? AND id > ?) ORDER BY time, id LIMIT ?', [after.time, after.time, after.id, PAGE])
      : reader.all('SELECT * FROM request_log ORDER BY time, id LIMIT ?', [PAGE]);
    const page: LegacyRow[] = rows.map((row) => REQUEST_LOG.fromRow(row));
    if (page.length === 0) return;
    yield page.map((row) => ({ ...row, client: null, responseId: null, session: null, project: null, route: 'default', tokenParts: null, replayOf: null, mcp: null }));
    const last = page.at(-1)!;
    after = { time: last.time, id: last.id };
  }
}
