// Schema version 15 on PostgreSQL: the alert settings row (migrations/015_alert_settings.ts).
import { migration015 } from '../../migrations/015_alert_settings.js';

export const pgMigration015 = {
  version: migration015.version,
  name: migration015.name,
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
