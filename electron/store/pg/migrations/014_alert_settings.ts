// Schema version 14 on PostgreSQL: the alert settings row (migrations/014_alert_settings.ts).
import { migration014 } from '../../migrations/014_alert_settings.js';

export const pgMigration014 = {
  version: migration014.version,
  name: migration014.name,
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
