// Schema version 16 on PostgreSQL: the alert settings row (migrations/016_alert_settings.ts).
import { migration016 } from '../../migrations/016_alert_settings.js';

export const pgMigration016 = {
  version: migration016.version,
  name: migration016.name,
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
