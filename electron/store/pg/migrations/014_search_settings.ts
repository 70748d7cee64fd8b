// Schema version 14 on PostgreSQL: the web search provider's one versioned row, as migration 014.
import { migration014 } from '../../migrations/014_search_settings.js';

export const pgMigration014 = {
  version: migration014.version,
  name: migration014.name,
  sql: `
CREATE TABLE search_settings (
  id TEXT PRIMARY KEY,
  kind TEXT,
  url TEXT,
  api_key_sealed TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
`,
};
