// Schema versions in order; `PRAGMA user_version` records how far a database has come.
import type { Database } from 'sql.js';
import { migration001 } from './001_initial.js';
import { migration002 } from './002_key_aliases.js';
import { migration003 } from './003_deployments.js';
import { migration004 } from './004_orphan_deployments.js';
import { migration005 } from './005_routing_settings.js';
import { migration006 } from './006_log_attempts.js';
import { migration007 } from './007_key_litellm_fields.js';
import { migration008 } from './008_log_call_type.js';
import { migration009 } from './009_request_log_out.js';
import { migration010 } from './010_log_response_id.js';
import { migration011 } from './011_log_session_project.js';
import { migration012 } from './012_routes.js';
import { migration013 } from './013_usage_parts.js';
import { migration014 } from './014_search_settings.js';
import { migration015 } from './015_capture.js';
import { migration016 } from './016_alert_settings.js';
import { migration017 } from './017_provider_proxy.js';
import { migration018 } from './018_usage_failures.js';
import { migration019 } from './019_provider_key_pool.js';
import { migration020 } from './020_log_mcp_calls.js';
import { migration021 } from './021_mcp_servers.js';
import { migration022 } from './022_routing_offline_fallback.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
  migration013,
  migration014,
  migration015,
  migration016,
  migration017,
  migration018,
  migration019,
  migration020,
  migration021,
  migration022,
];
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

function pragma(db: Database, name: string): number {
  return Number(db.exec(`PRAGMA ${name}`)[0]?.values[0]?.[0] ?? 0);
}

/**
 * Brings `db` from its `user_version` up to `target`, one transaction per version; returns how
 * many ran. Foreign keys are not enforced while a migration runs (SQLite's rule for schema
 * changes: rebuilding a parent table must not cascade into its children); instead each
 * migration must leave none dangling (`PRAGMA foreign_key_check`) before it commits.
 */
export function applyMigrations(db: Database, target = SCHEMA_VERSION): number {
  const current = pragma(db, 'user_version');
  if (current > SCHEMA_VERSION) {
    throw new Error(`the store is schema version ${current}, newer than this Loopgate understands (${SCHEMA_VERSION})`);
  }
  const pending = MIGRATIONS.filter((migration) => migration.version > current && migration.version <= target);
  if (pending.length === 0) return 0;
  const enforced = pragma(db, 'foreign_keys') === 1;
  // A no-op inside a transaction, so it is switched here, between them.
  db.exec('PRAGMA foreign_keys = OFF');
  try {
    for (const migration of pending) {
      db.exec('BEGIN');
      try {
        db.exec(migration.sql);
        const dangling = db.exec('PRAGMA foreign_key_check')[0]?.values[0];
        if (dangling) throw new Error(`it leaves rows in ${String(dangling[0])} that name missing rows in ${String(dangling[2])}`);
        db.exec(`PRAGMA user_version = ${migration.version}`);
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw new Error(`migration ${migration.version} (${migration.name}) failed: ${String(error)}`, { cause: error });
      }
    }
  } finally {
    if (enforced) db.exec('PRAGMA foreign_keys = ON');
  }
  return pending.length;
}
