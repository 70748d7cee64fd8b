// Schema version 18 on PostgreSQL: a provider's key pool.
import { migration018 } from '../../migrations/018_provider_key_pool.js';

export const pgMigration018 = {
  version: migration018.version,
  name: migration018.name,
  sql: `
ALTER TABLE providers ADD COLUMN more_keys_sealed TEXT;
`,
};
