// PostgreSQL schema versions in order, numbered as the sql.js store's (migrations/index.ts): a
// version means the same tables in both. `meta.schema_version` records how far a database has
// come; an advisory lock lets one of several instances starting at once migrate, the others wait.
import { SCHEMA_VERSION } from '../../migrations/index.js';
import type { PgDatabase } from '../database.js';
import { pgMigration001 } from './001_initial.js';
import { pgMigration002 } from './002_key_aliases.js';
import { pgMigration003 } from './003_deployments.js';
import { pgMigration004 } from './004_orphan_deployments.js';
import { pgMigration005 } from './005_routing_settings.js';
import { pgMigration006 } from './006_log_attempts.js';
import { pgMigration007 } from './007_key_litellm_fields.js';
import { pgMigration008 } from './008_log_call_type.js';
import { pgMigration009 } from './009_request_log_client.js';
import { pgMigration010 } from './010_log_response_id.js';
import { pgMigration011 } from './011_log_session_project.js';
import { pgMigration012 } from './012_routes.js';
import { pgMigration013 } from './013_usage_parts.js';
import { pgMigration014 } from './014_search_settings.js';
import { pgMigration015 } from './015_capture.js';
import { pgMigration016 } from './016_alert_settings.js';
import { pgMigration017 } from './017_provider_proxy.js';
import { pgMigration018 } from './018_usage_failures.js';
import { pgMigration019 } from './019_provider_key_pool.js';
import { pgMigration020 } from './020_log_mcp_calls.js';
import { pgMigration021 } from './021_mcp_servers.js';
import { pgMigration022 } from './022_routing_offline_fallback.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

const PG_MIGRATIONS: readonly Migration[] = [
  pgMigration001,
  pgMigration002,
  pgMigration003,
  pgMigration004,
  pgMigration005,
  pgMigration006,
  pgMigration007,
  pgMigration008,
  pgMigration009,
  pgMigration010,
  pgMigration011,
  pgMigration012,
  pgMigration013,
  pgMigration014,
  pgMigration015,
  pgMigration016,
  pgMigration017,
  pgMigration018,
  pgMigration019,
  pgMigration020,
  pgMigration021,
  pgMigration022,
];

/** The versions this build has for PostgreSQL; the same list as for sql.js, or the build is incomplete. */
export const PG_SCHEMA_VERSIONS = PG_MIGRATIONS.map((migration) => migration.version);

/** Any constant: the key of the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 4_271_016;

/** The version a database has reached (0: none applied). */
export async function pgSchemaVersion(db: PgDatabase): Promise<number> {
  const meta = await db.get<{ present: string | null }>("SELECT to_regclass('meta')::text AS present");
  if (!meta?.present) return 0;
  const row = await db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'");
  return Number(row?.value ?? 0);
}

/** Brings the database up to `target`, one transaction per version; returns how many ran. */
export async function applyPgMigrations(db: PgDatabase, target = SCHEMA_VERSION): Promise<number> {
  if (PG_MIGRATIONS.at(-1)?.version !== SCHEMA_VERSION) {
    throw new Error(`this build has PostgreSQL migrations up to ${PG_MIGRATIONS.at(-1)?.version} but the schema is version ${SCHEMA_VERSION}`);
  }
  const client = await db.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const current = await pgSchemaVersion(db);
      if (current > SCHEMA_VERSION) {
        throw new Error(`the database is schema version ${current}, newer than this Loopgate understands (${SCHEMA_VERSION})`);
      }
      const pending = PG_MIGRATIONS.filter((migration) => migration.version > current && migration.version <= target);
      for (const migration of pending) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query("INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(migration.version)]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${migration.version} (${migration.name}) failed: ${String(error)}`, { cause: error });
        }
      }
      return pending.length;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
