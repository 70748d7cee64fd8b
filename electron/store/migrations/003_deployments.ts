// Schema version 3: model deployments made in the GUI, each on a stored provider.
export const migration003 = {
  version: 3,
  name: 'deployments',
  sql: `
CREATE TABLE deployments (
  id TEXT PRIMARY KEY,
  model_name TEXT NOT NULL,
  provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  upstream_model TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX deployments_provider ON deployments (provider_id);
`,
};
