// Schema version 11 on PostgreSQL: the routing settings' routes, and the route each request took.
import { migration011 } from '../../migrations/011_routes.js';

export const pgMigration011 = {
  version: migration011.version,
  name: migration011.name,
  sql: `
ALTER TABLE routing_settings ADD COLUMN routes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE request_log ADD COLUMN route TEXT;
`,
};
