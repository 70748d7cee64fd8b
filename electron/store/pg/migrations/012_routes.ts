// Schema version 12 on PostgreSQL: the routing settings' routes, and the route each request took.
import { migration012 } from '../../migrations/012_routes.js';

export const pgMigration012 = {
  version: migration012.version,
  name: migration012.name,
  sql: `
ALTER TABLE routing_settings ADD COLUMN routes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE request_log ADD COLUMN route TEXT;
`,
};
