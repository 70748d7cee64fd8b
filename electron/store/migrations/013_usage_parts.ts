// Schema version 13: usage with its parts (issue 26). Daily totals add up prompt-cache reads and
// writes, reasoning tokens and what caching saved (older days count none); request-log rows carry
// the same per request, which the embedded log's segments hold from now on (older rows read null;
// PostgreSQL's request_log gains a column, pg/migrations/013).
export const migration013 = {
  version: 13,
  name: 'usage_parts',
  sql: `
ALTER TABLE spend_daily ADD COLUMN cache_read_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE spend_daily ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE spend_daily ADD COLUMN reasoning_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE spend_daily ADD COLUMN cache_savings REAL NOT NULL DEFAULT 0;
`,
};
