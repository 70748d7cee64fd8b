// Schema version 4 on PostgreSQL: the foreign key was enforced from the start here, so there are
// no orphans to drop; the statement is kept so the two stores' version 4 mean the same.
import { migration004 } from '../../migrations/004_orphan_deployments.js';

export const pgMigration004 = { version: migration004.version, name: migration004.name, sql: migration004.sql };
