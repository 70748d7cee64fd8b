// Schema version 19 on PostgreSQL: a provider's key pool.
import { migration019 } from '../../migrations/019_provider_key_pool.js';

export const pgMigration019 = {
  version: migration019.version,
  name: migration019.name,
  sql: `
ALTER TABLE providers ADD COLUMN more_keys_sealed TEXT;
`,
};
