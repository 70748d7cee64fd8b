// Schema version 15 on PostgreSQL: a key's capture setting, the app's capture setting beside the
// log's retention, and the row a replayed request replayed.
import { migration015 } from '../../migrations/015_capture.js';

export const pgMigration015 = {
  version: migration015.version,
  name: 'capture',
  sql: `
ALTER TABLE virtual_keys ADD COLUMN capture TEXT;
ALTER TABLE log_retention ADD COLUMN capture TEXT;
ALTER TABLE request_log ADD COLUMN replay_of TEXT;
`,
};
