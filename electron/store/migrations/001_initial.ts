// Schema version 1: virtual keys, provider credentials, the request log and daily spend.
// Times are epoch milliseconds; JSON columns hold arrays/objects as text.
export const migration001 = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE virtual_keys (
  id TEXT PRIMARY KEY,               -- stable across regeneration
  key_hash TEXT NOT NULL UNIQUE,     -- sha256 hex of the secret; the secret itself is never stored
  key_prefix TEXT NOT NULL,          -- shown in lists: "sk-lg-AbCd"
  key_alias TEXT,
  user_id TEXT,
  team_id TEXT,
  models TEXT NOT NULL DEFAULT '[]', -- allowed model names; empty means all
  rpm_limit INTEGER,
  tpm_limit INTEGER,
  max_parallel_requests INTEGER,
  max_budget REAL,
  budget_duration TEXT,
  budget_reset_at INTEGER,
  expires_at INTEGER,
  blocked INTEGER NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  -- Counters: atomic increments, never part of a versioned update.
  spend REAL NOT NULL DEFAULT 0,     -- in the current budget period
  total_spend REAL NOT NULL DEFAULT 0,
  total_requests INTEGER NOT NULL DEFAULT 0,
  total_tokens INTEGER NOT NULL DEFAULT 0,
  last_used_at INTEGER
);
CREATE INDEX virtual_keys_created ON virtual_keys (created_at DESC, id);
CREATE INDEX virtual_keys_user ON virtual_keys (user_id);
CREATE INDEX virtual_keys_team ON virtual_keys (team_id);
CREATE INDEX virtual_keys_alias ON virtual_keys (key_alias);

CREATE TABLE providers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  family TEXT NOT NULL,
  api_base TEXT,
  api_key_sealed TEXT,               -- AES-256-GCM under the data key, base64
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE request_log (
  id TEXT PRIMARY KEY,
  time INTEGER NOT NULL,
  key_id TEXT,
  model TEXT,
  deployment TEXT,
  status INTEGER NOT NULL,
  latency_ms REAL NOT NULL,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  total_tokens INTEGER NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0,
  request_body TEXT,
  response_body TEXT
);
CREATE INDEX request_log_time ON request_log (time);
CREATE INDEX request_log_key_time ON request_log (key_id, time);

CREATE TABLE spend_daily (
  day TEXT NOT NULL,                 -- UTC date, YYYY-MM-DD
  key_id TEXT NOT NULL,              -- '' for the master key
  model TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  total_tokens INTEGER NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (day, key_id, model)
);
`,
};
