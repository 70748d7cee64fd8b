// Schema version 22 on PostgreSQL: the routing settings' offline fallback.
import { migration022 } from '../../migrations/022_routing_offline_fallback.js';

export const pgMigration022 = {
  version: migration022.version,
  name: migration022.name,
  sql: `
ALTER TABLE routing_settings ADD COLUMN offline_fallback TEXT;
`,
};
