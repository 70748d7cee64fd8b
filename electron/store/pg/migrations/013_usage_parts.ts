// Schema version 13 on PostgreSQL: daily totals and request-log rows gain the usage's parts.
import { migration013 } from '../../migrations/013_usage_parts.js';

export const pgMigration013 = {
  version: migration013.version,
  name: migration013.name,
  sql: `
ALTER TABLE spend_daily ADD COLUMN cache_read_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE spend_daily ADD COLUMN cache_write_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE spend_daily ADD COLUMN reasoning_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE spend_daily ADD COLUMN cache_savings DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE request_log ADD COLUMN token_parts TEXT;
`,
};
