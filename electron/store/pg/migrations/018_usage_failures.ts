// Schema version 18 on PostgreSQL: daily totals count failed requests.
import { migration018 } from '../../migrations/018_usage_failures.js';

export const pgMigration018 = {
  version: migration018.version,
  name: migration018.name,
  sql: `
ALTER TABLE spend_daily ADD COLUMN failures BIGINT NOT NULL DEFAULT 0;
`,
};
