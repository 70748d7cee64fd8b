// Schema version 1 on PostgreSQL: the same tables as the sql.js store's migration 001, in
// PostgreSQL's types (times in epoch ms as bigint, money as double precision; JSON stays text and
// booleans stay 0/1 so one column map serves both). Text that is sorted or compared as a cursor
// uses the "C" collation, so order is byte order as in SQLite, whatever the server's locale.
import { migration001 } from '../../migrations/001_initial.js';

export const pgMigration001 = {
  version: migration001.version,
  name: migration001.name,
  sql: `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE virtual_keys (
  id TEXT COLLATE "C" PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  key_prefix TEXT NOT NULL,
  key_alias TEXT,
  user_id TEXT,
  team_id TEXT,
  models TEXT NOT NULL DEFAULT '[]',
  rpm_limit INTEGER,
  tpm_limit INTEGER,
  max_parallel_requests INTEGER,
  max_budget DOUBLE PRECISION,
  budget_duration TEXT,
  budget_reset_at BIGINT,
  expires_at BIGINT,
  blocked INTEGER NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  spend DOUBLE PRECISION NOT NULL DEFAULT 0,
  total_spend DOUBLE PRECISION NOT NULL DEFAULT 0,
  total_requests BIGINT NOT NULL DEFAULT 0,
  total_tokens BIGINT NOT NULL DEFAULT 0,
  last_used_at BIGINT
);
CREATE INDEX virtual_keys_created ON virtual_keys (created_at DESC, id);
CREATE INDEX virtual_keys_user ON virtual_keys (user_id);
CREATE INDEX virtual_keys_team ON virtual_keys (team_id);
CREATE INDEX virtual_keys_alias ON virtual_keys (key_alias);

CREATE TABLE providers (
  id TEXT PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL UNIQUE,
  family TEXT NOT NULL,
  api_base TEXT,
  api_key_sealed TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE request_log (
  id TEXT COLLATE "C" PRIMARY KEY,
  time BIGINT NOT NULL,
  key_id TEXT COLLATE "C",
  model TEXT COLLATE "C",
  deployment TEXT,
  status INTEGER NOT NULL,
  latency_ms DOUBLE PRECISION NOT NULL,
  prompt_tokens BIGINT NOT NULL DEFAULT 0,
  completion_tokens BIGINT NOT NULL DEFAULT 0,
  total_tokens BIGINT NOT NULL DEFAULT 0,
  cost DOUBLE PRECISION NOT NULL DEFAULT 0,
  request_body TEXT,
  response_body TEXT
);
-- The log is read newest first with (time, id) as the cursor, whole or for one key.
CREATE INDEX request_log_time ON request_log (time DESC, id DESC);
CREATE INDEX request_log_key_time ON request_log (key_id, time DESC, id DESC);

CREATE TABLE spend_daily (
  day TEXT COLLATE "C" NOT NULL,
  key_id TEXT COLLATE "C" NOT NULL,
  model TEXT COLLATE "C" NOT NULL,
  requests BIGINT NOT NULL DEFAULT 0,
  prompt_tokens BIGINT NOT NULL DEFAULT 0,
  completion_tokens BIGINT NOT NULL DEFAULT 0,
  total_tokens BIGINT NOT NULL DEFAULT 0,
  cost DOUBLE PRECISION NOT NULL DEFAULT 0,
  PRIMARY KEY (day, key_id, model)
);
`,
};
