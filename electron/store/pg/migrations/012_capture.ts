// Schema version 12 on PostgreSQL: a key's capture setting, the app's capture setting beside the
// log's retention, and the row a replayed request replayed.
import { migration012 } from '../../migrations/012_capture.js';

export const pgMigration012 = {
  version: migration012.version,
  name: 'capture',
  sql: `
ALTER TABLE virtual_keys ADD COLUMN capture TEXT;
ALTER TABLE log_retention ADD COLUMN capture TEXT;
ALTER TABLE request_log ADD COLUMN replay_of TEXT;
`,
};
