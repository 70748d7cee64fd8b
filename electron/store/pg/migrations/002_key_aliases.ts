// Schema version 2 on PostgreSQL: per-key model aliases, as the sql.js store's 002.
import { migration002 } from '../../migrations/002_key_aliases.js';

export const pgMigration002 = { version: migration002.version, name: migration002.name, sql: migration002.sql };
