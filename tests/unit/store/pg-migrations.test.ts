import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../electron/store/migrations/index.js';
import { PgDatabase } from '../../../electron/store/pg/database.js';
import { applyPgMigrations, PG_SCHEMA_VERSIONS, pgSchemaVersion } from '../../../electron/store/pg/migrations/index.js';
import { createTestDatabase } from '../../helpers/services/postgres.js';

/** A database migrated to `version - 1`, given the `seed` rows, then migrated to `version`. */
async function migrateAcross(version: number, seed: readonly string[]): Promise<PgDatabase> {
  const db = PgDatabase.connect(await createTestDatabase());
  await applyPgMigrations(db, version - 1);
  expect(await pgSchemaVersion(db)).toBe(version - 1);
  for (const sql of seed) await db.run(sql);
  expect(await applyPgMigrations(db, version)).toBe(1);
  expect(await pgSchemaVersion(db)).toBe(version);
  return db;
}

async function columns(db: PgDatabase, table: string): Promise<string[]> {
  const rows = await db.all<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY column_name', [table]);
  return rows.map((row) => row.column_name);
}

/** The log row OLD_LOG_ROW wrote reads `values`' columns as null; a new row holding them is found by them. */
async function logColumnsAdded(db: PgDatabase, values: Record<string, string>): Promise<void> {
  const names = Object.keys(values);
  expect(await db.get(`SELECT ${names.join(', ')} FROM request_log`)).toEqual(Object.fromEntries(names.map((name) => [name, null])));
  await db.run(
    `INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count, ${names.join(', ')}) VALUES ('new', 2, NULL, 'gpt', 'gpt#0', 200, 5, 1, ${names.map(() => '?').join(', ')})`,
    Object.values(values),
  );
  expect(await db.all(`SELECT id FROM request_log WHERE ${names.map((name) => `${name} = ?`).join(' AND ')}`, Object.values(values))).toEqual([{ id: 'new' }]);
}

const KEY_V1 = `INSERT INTO virtual_keys (id, key_hash, key_prefix, created_at, updated_at) VALUES ('key_1', 'hash', 'sk-lg-Ab', 1, 1)`;
const PROVIDER_V1 = "INSERT INTO providers (id, name, family, created_at, updated_at) VALUES ('p', 'P', 'openai', 1, 1)";
const DEPLOYMENT_V3 = "INSERT INTO deployments (id, model_name, provider_id, upstream_model, created_at, updated_at) VALUES ('d', 'gpt', 'p', 'gpt-4o', 1, 1)";
const CLOUD_PROVIDER = "INSERT INTO providers (id, name, family, api_base, created_at, updated_at) VALUES ('prov_a', 'Cloud', 'openai', NULL, 1, 1)";
const OLD_LOG_ROW = "INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count) VALUES ('old', 1, NULL, 'gpt', 'gpt#0', 200, 5, 1)";
const OLD_DAY = "INSERT INTO spend_daily (day, key_id, model, requests, prompt_tokens, completion_tokens, total_tokens, cost) VALUES ('2026-12-01', '', 'sonnet', 2, 100, 20, 120, 0.5)";

/** One schema version: the rows written in the shape before it, and what a user of the migrated database finds. */
interface MigrationCase {
  version: number;
  says: string;
  seed?: readonly string[];
  check: (db: PgDatabase) => Promise<void>;
}

const MIGRATIONS: MigrationCase[] = [
  {
    version: 1,
    says: 'creates the tables, with times as bigint that read back as numbers',
    async check(db) {
      await db.run(KEY_V1.replace('1, 1)', '1800000000000, 1800000000000)'));
      expect(await db.get('SELECT created_at FROM virtual_keys')).toEqual({ created_at: 1_800_000_000_000 });
      expect(await columns(db, 'spend_daily')).toContain('cost');
    },
  },
  { version: 2, says: 'gives existing keys empty aliases', seed: [KEY_V1], check: async (db) => expect(await db.get('SELECT aliases FROM virtual_keys')).toEqual({ aliases: '{}' }) },
  {
    version: 3,
    says: 'deployments belong to a provider, and go with it',
    seed: [PROVIDER_V1],
    async check(db) {
      await db.run(DEPLOYMENT_V3);
      await expect(db.run("INSERT INTO deployments (id, model_name, provider_id, upstream_model, created_at, updated_at) VALUES ('x', 'gpt', 'nope', 'gpt-4o', 1, 1)")).rejects.toThrow(/foreign key/);
      await db.run("DELETE FROM providers WHERE id = 'p'");
      expect(await db.all('SELECT id FROM deployments')).toEqual([]);
    },
  },
  { version: 4, says: 'keeps deployments whose provider exists', seed: [PROVIDER_V1, DEPLOYMENT_V3], check: async (db) => expect(await db.all('SELECT id FROM deployments')).toEqual([{ id: 'd' }]) },
  {
    version: 5,
    says: 'existing deployments are enabled with routing defaults, and the routing row starts absent',
    seed: [PROVIDER_V1, DEPLOYMENT_V3],
    async check(db) {
      expect(await db.get('SELECT enabled, weight, priority FROM deployments')).toEqual({ enabled: 1, weight: null, priority: null });
      expect(await db.all('SELECT * FROM routing_settings')).toEqual([]);
    },
  },
  {
    version: 6,
    says: 'old log rows count one attempt when they named a deployment, none otherwise',
    seed: [
      "INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms) VALUES ('served', 1, NULL, 'gpt', 'gpt#0', 200, 5)",
      "INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms) VALUES ('refused', 2, NULL, 'gpt', NULL, 401, 1)",
    ],
    async check(db) {
      expect(await db.all('SELECT id, attempt_count, attempts, error_code FROM request_log ORDER BY id')).toEqual([
        { id: 'refused', attempt_count: 0, attempts: null, error_code: null },
        { id: 'served', attempt_count: 1, attempts: null, error_code: null },
      ]);
    },
  },
  {
    version: 7,
    says: "existing keys get LiteLLM's other fields, empty",
    seed: [KEY_V1],
    async check(db) {
      const fields = await db.get('SELECT tags, soft_budget, model_max_budget, model_rpm_limit, model_tpm_limit, created_by FROM virtual_keys');
      expect(fields).toEqual({ tags: '[]', soft_budget: null, model_max_budget: '{}', model_rpm_limit: '{}', model_tpm_limit: '{}', created_by: null });
    },
  },
  {
    version: 8,
    says: 'old log rows have no call type and were not cache hits',
    seed: [OLD_LOG_ROW],
    check: async (db) => expect(await db.get('SELECT call_type, cache_hit FROM request_log')).toEqual({ call_type: null, cache_hit: 0 }),
  },
  {
    version: 9,
    says: 'log rows get no client and their size; retention starts unsaved and holds one row',
    seed: [OLD_LOG_ROW],
    async check(db) {
      const row = await db.get<{ client: string | null; row_bytes: number }>('SELECT client, row_bytes FROM request_log');
      expect(row?.client).toBeNull();
      expect(row?.row_bytes).toBeGreaterThan(100);
      expect(await db.all('SELECT * FROM log_retention')).toEqual([]);
      await db.run('INSERT INTO log_retention (id, days, max_megabytes, version) VALUES (1, 7, 100, 1)');
      await expect(db.run('INSERT INTO log_retention (id, days, max_megabytes, version) VALUES (2, 7, 100, 1)')).rejects.toThrow(/check constraint/);
    },
  },
  { version: 10, says: 'log rows gain a response id, none for older rows, and are found by it', seed: [OLD_LOG_ROW], check: (db) => logColumnsAdded(db, { response_id: 'chatcmpl-1' }) },
  {
    version: 11,
    says: 'log rows gain a session and a project, none for older rows, and are found by them',
    seed: [OLD_LOG_ROW],
    check: (db) => logColumnsAdded(db, { session: 'sess-1', project: 'loopgate' }),
  },
  {
    version: 12,
    says: 'routing settings gain their routes (none until saved), log rows the route they took',
    seed: [OLD_LOG_ROW],
    async check(db) {
      await logColumnsAdded(db, { route: 'cheap' });
      expect(await columns(db, 'routing_settings')).toContain('routes');
    },
  },
  {
    version: 13,
    says: 'daily totals and log rows gain the usage parts, none for older ones',
    seed: [OLD_DAY],
    async check(db) {
      expect(await db.get('SELECT cache_read_tokens, cache_savings FROM spend_daily')).toEqual({ cache_read_tokens: 0, cache_savings: 0 });
      expect(await columns(db, 'request_log')).toContain('token_parts');
    },
  },
  {
    version: 17,
    says: 'providers gain a proxy setting, none for older rows',
    seed: [CLOUD_PROVIDER],
    async check(db) {
      expect(await db.get('SELECT proxy FROM providers')).toEqual({ proxy: null });
      await db.run("UPDATE providers SET proxy = 'http://corp:3128' WHERE id = 'prov_a'");
      expect(await db.get('SELECT proxy FROM providers')).toEqual({ proxy: 'http://corp:3128' });
    },
  },
  {
    version: 18,
    says: 'daily totals gain a failures count, none for older days',
    seed: [OLD_DAY],
    check: async (db) => expect(await db.get('SELECT requests, failures FROM spend_daily')).toEqual({ requests: 2, failures: 0 }),
  },
  { version: 19, says: 'providers gain a key pool, none for older rows', seed: [CLOUD_PROVIDER], check: async (db) => expect(await db.get('SELECT more_keys_sealed FROM providers')).toEqual({ more_keys_sealed: null }) },
  {
    version: 20,
    says: 'log rows gain the MCP server and tool of a tool call, none for older rows',
    seed: [OLD_LOG_ROW],
    async check(db) {
      expect(await db.get('SELECT mcp FROM request_log')).toEqual({ mcp: null });
      await db.run(`INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count, mcp) VALUES ('call', 2, NULL, NULL, NULL, 200, 5, 0, '{"server":"notes","tool":"echo"}')`);
      expect(await db.get("SELECT mcp FROM request_log WHERE id = 'call'")).toEqual({ mcp: '{"server":"notes","tool":"echo"}' });
    },
  },
  {
    version: 21,
    says: 'adds the MCP servers table; a second server of the same name is refused',
    async check(db) {
      await db.run("INSERT INTO mcp_servers (id, name, kind, command, created_at, updated_at) VALUES ('mcp_a', 'files', 'stdio', 'npx', 1800000000000, 1)");
      expect(await db.get('SELECT args, enabled, version, created_at FROM mcp_servers')).toEqual({ args: '[]', enabled: 1, version: 1, created_at: 1_800_000_000_000 });
      await expect(db.run("INSERT INTO mcp_servers (id, name, kind, created_at, updated_at) VALUES ('mcp_b', 'files', 'http', 1, 1)")).rejects.toThrow();
    },
  },
  {
    version: 22,
    says: 'routing settings gain the offline fallback, off for a row saved before',
    seed: [
      `INSERT INTO routing_settings (id, strategy, num_retries, retry_after_seconds, timeout_seconds, allowed_fails, cooldown_seconds, fallbacks,
        context_window_fallbacks, content_policy_fallbacks, default_fallbacks, max_fallbacks, model_group_alias, cache, drop_params, created_at, updated_at)
        VALUES ('global', 'least-busy', 4, 0, 600, 3, 5, '{}', '{}', '{}', '[]', 5, '{}', '{}', 0, 1, 1)`,
    ],
    async check(db) {
      expect(await db.get('SELECT strategy, offline_fallback FROM routing_settings')).toEqual({ strategy: 'least-busy', offline_fallback: null });
      await db.run("UPDATE routing_settings SET offline_fallback = 'local-llama'");
      expect(await db.get('SELECT offline_fallback FROM routing_settings')).toEqual({ offline_fallback: 'local-llama' });
    },
  },
];

describe('PostgreSQL schema migrations (numbered as the sql.js ones)', () => {
  it('has one migration for every sql.js schema version, in order', () => {
    expect(PG_SCHEMA_VERSIONS).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  for (const { version, says, seed = [], check } of MIGRATIONS)
    it(`${version}: ${says}`, async () => {
      const db = await migrateAcross(version, seed);
      try {
        await check(db);
      } finally {
        await db.close();
      }
    });

  it('migrates once when several instances start together, and refuses a newer database', async () => {
    const url = await createTestDatabase();
    const dbs = [PgDatabase.connect(url), PgDatabase.connect(url), PgDatabase.connect(url)];
    try {
      const applied = await Promise.all(dbs.map((db) => applyPgMigrations(db)));
      expect(applied.sort()).toEqual([0, 0, SCHEMA_VERSION]);
      await dbs[0]!.run("UPDATE meta SET value = ? WHERE key = 'schema_version'", [String(SCHEMA_VERSION + 1)]);
      await expect(applyPgMigrations(dbs[1]!)).rejects.toThrow(`schema version ${SCHEMA_VERSION + 1}, newer than this Loopgate understands`);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });
});
