// Schema version 11 on PostgreSQL: the web search provider's one versioned row, as migration 011.
import { migration011 } from '../../migrations/011_search_settings.js';

export const pgMigration011 = {
  version: migration011.version,
  name: migration011.name,
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
