// Schema version 8 on PostgreSQL: the log's call type and cache hit, as the sql.js store's 008.
import { migration008 } from '../../migrations/008_log_call_type.js';

export const pgMigration008 = { version: migration008.version, name: migration008.name, sql: migration008.sql };
