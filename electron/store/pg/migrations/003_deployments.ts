// Schema version 3 on PostgreSQL: deployments on stored providers (foreign key, cascading delete).
import { migration003 } from '../../migrations/003_deployments.js';

export const pgMigration003 = {
  version: migration003.version,
  name: migration003.name,
  sql: `
CREATE TABLE deployments (
  id TEXT PRIMARY KEY,
  model_name TEXT COLLATE "C" NOT NULL,
  provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
  upstream_model TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX deployments_provider ON deployments (provider_id);
`,
};
