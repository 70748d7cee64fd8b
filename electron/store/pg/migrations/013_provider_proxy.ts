// Schema version 13 on PostgreSQL: a provider's proxy.
import { migration013 } from '../../migrations/013_provider_proxy.js';

export const pgMigration013 = {
  version: migration013.version,
  name: migration013.name,
  sql: `
ALTER TABLE providers ADD COLUMN proxy TEXT;
`,
};
