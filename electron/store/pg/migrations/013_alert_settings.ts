// Schema version 13 on PostgreSQL: the alert settings row (migrations/013_alert_settings.ts).
import { migration013 } from '../../migrations/013_alert_settings.js';

export const pgMigration013 = {
  version: migration013.version,
  name: migration013.name,
  sql: `
CREATE TABLE alert_settings (
  id TEXT PRIMARY KEY,
  settings TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
`,
};
