// Schema version 5 on PostgreSQL: per-deployment routing settings and the routing settings row.
import { migration005 } from '../../migrations/005_routing_settings.js';

export const pgMigration005 = {
  version: migration005.version,
  name: migration005.name,
  sql: `
ALTER TABLE deployments ADD COLUMN weight DOUBLE PRECISION;
ALTER TABLE deployments ADD COLUMN priority INTEGER;
ALTER TABLE deployments ADD COLUMN rpm INTEGER;
ALTER TABLE deployments ADD COLUMN tpm INTEGER;
ALTER TABLE deployments ADD COLUMN timeout_seconds DOUBLE PRECISION;
ALTER TABLE deployments ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE deployments ADD COLUMN input_cost_per_token DOUBLE PRECISION;
ALTER TABLE deployments ADD COLUMN output_cost_per_token DOUBLE PRECISION;
ALTER TABLE deployments ADD COLUMN drop_params INTEGER;
CREATE INDEX deployments_model_name ON deployments (model_name);

CREATE TABLE routing_settings (
  id TEXT PRIMARY KEY,
  strategy TEXT NOT NULL,
  num_retries INTEGER NOT NULL,
  retry_after_seconds DOUBLE PRECISION NOT NULL,
  timeout_seconds DOUBLE PRECISION NOT NULL,
  stream_timeout_seconds DOUBLE PRECISION,
  allowed_fails INTEGER NOT NULL,
  cooldown_seconds DOUBLE PRECISION NOT NULL,
  fallbacks TEXT NOT NULL,
  context_window_fallbacks TEXT NOT NULL,
  content_policy_fallbacks TEXT NOT NULL,
  default_fallbacks TEXT NOT NULL,
  max_fallbacks INTEGER NOT NULL,
  model_group_alias TEXT NOT NULL,
  cache TEXT NOT NULL,
  drop_params INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
`,
};
