// Schema version 17 on PostgreSQL: a provider's proxy.
import { migration017 } from '../../migrations/017_provider_proxy.js';

export const pgMigration017 = {
  version: migration017.version,
  name: migration017.name,
  sql: `
ALTER TABLE providers ADD COLUMN proxy TEXT;
`,
};
