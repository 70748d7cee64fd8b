// Schema version 5: routing made in the app. Each deployment gets its settings (null: the
// routing default), and the routing settings get one versioned row (id 'global'), absent until
// the app first saves them; fallback maps, aliases and the cache are JSON.
export const migration005 = {
  version: 5,
  name: 'routing_settings',
  sql: `
ALTER TABLE deployments ADD COLUMN weight REAL;
ALTER TABLE deployments ADD COLUMN priority INTEGER;          -- LiteLLM's "order"
ALTER TABLE deployments ADD COLUMN rpm INTEGER;
ALTER TABLE deployments ADD COLUMN tpm INTEGER;
ALTER TABLE deployments ADD COLUMN timeout_seconds REAL;
ALTER TABLE deployments ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE deployments ADD COLUMN input_cost_per_token REAL;
ALTER TABLE deployments ADD COLUMN output_cost_per_token REAL;
ALTER TABLE deployments ADD COLUMN drop_params INTEGER;       -- null: the routing setting decides
CREATE INDEX deployments_model_name ON deployments (model_name);

CREATE TABLE routing_settings (
  id TEXT PRIMARY KEY,
  strategy TEXT NOT NULL,
  num_retries INTEGER NOT NULL,
  retry_after_seconds REAL NOT NULL,
  timeout_seconds REAL NOT NULL,
  stream_timeout_seconds REAL,
  allowed_fails INTEGER NOT NULL,
  cooldown_seconds REAL NOT NULL,
  fallbacks TEXT NOT NULL,                 -- {"group": ["fallback group or deployment id", ...]}
  context_window_fallbacks TEXT NOT NULL,
  content_policy_fallbacks TEXT NOT NULL,
  default_fallbacks TEXT NOT NULL,         -- ["group", ...]
  max_fallbacks INTEGER NOT NULL,
  model_group_alias TEXT NOT NULL,         -- {"alias": {"model": "group", "hidden": false}}
  cache TEXT NOT NULL,                     -- {"enabled": true, "ttlSeconds": 600, "maxEntries": 1000}
  drop_params INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
`,
};
