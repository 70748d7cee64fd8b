import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../electron/store/migrations/index.js';
import { PgDatabase } from '../../../electron/store/pg/database.js';
import { applyPgMigrations, PG_SCHEMA_VERSIONS, pgSchemaVersion } from '../../../electron/store/pg/migrations/index.js';
import { createTestDatabase } from '../../helpers/services/postgres.js';

/** A database migrated to `version - 1`, seeded by `seed`, then migrated to `version`. */
async function migrateAcross(version: number, seed: (db: PgDatabase) => Promise<void>): Promise<PgDatabase> {
  const db = PgDatabase.connect(await createTestDatabase());
  await applyPgMigrations(db, version - 1);
  expect(await pgSchemaVersion(db)).toBe(version - 1);
  await seed(db);
  expect(await applyPgMigrations(db, version)).toBe(1);
  expect(await pgSchemaVersion(db)).toBe(version);
  return db;
}

async function columns(db: PgDatabase, table: string): Promise<string[]> {
  const rows = await db.all<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY column_name', [table]);
  return rows.map((row) => row.column_name);
}

const KEY_V1 = `INSERT INTO virtual_keys (id, key_hash, key_prefix, created_at, updated_at) VALUES ('key_1', 'hash', 'sk-lg-Ab', 1, 1)`;

describe('PostgreSQL schema migrations (numbered as the sql.js ones)', () => {
  it('has one migration for every sql.js schema version, in order', () => {
    expect(PG_SCHEMA_VERSIONS).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('1: creates the tables, with times as bigint that read back as numbers', async () => {
    const db = await migrateAcross(1, async () => undefined);
    try {
      await db.run(KEY_V1.replace('1, 1)', '1800000000000, 1800000000000)'));
      expect(await db.get('SELECT created_at FROM virtual_keys')).toEqual({ created_at: 1_800_000_000_000 });
      expect(await columns(db, 'spend_daily')).toContain('cost');
    } finally {
      await db.close();
    }
  });

  it('2: gives existing keys empty aliases', async () => {
    const db = await migrateAcross(2, (db) => db.run(KEY_V1).then(() => undefined));
    try {
      expect(await db.get('SELECT aliases FROM virtual_keys')).toEqual({ aliases: '{}' });
    } finally {
      await db.close();
    }
  });

  it('3: deployments belong to a provider, and go with it', async () => {
    const db = await migrateAcross(3, (db) => db.run("INSERT INTO providers (id, name, family, created_at, updated_at) VALUES ('p', 'P', 'openai', 1, 1)").then(() => undefined));
    try {
      await db.run("INSERT INTO deployments (id, model_name, provider_id, upstream_model, created_at, updated_at) VALUES ('d', 'gpt', 'p', 'gpt-4o', 1, 1)");
      await expect(db.run("INSERT INTO deployments (id, model_name, provider_id, upstream_model, created_at, updated_at) VALUES ('x', 'gpt', 'nope', 'gpt-4o', 1, 1)")).rejects.toThrow(/foreign key/);
      await db.run("DELETE FROM providers WHERE id = 'p'");
      expect(await db.all('SELECT id FROM deployments')).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('4: keeps deployments whose provider exists', async () => {
    const db = await migrateAcross(4, async (db) => {
      await db.run("INSERT INTO providers (id, name, family, created_at, updated_at) VALUES ('p', 'P', 'openai', 1, 1)");
      await db.run("INSERT INTO deployments (id, model_name, provider_id, upstream_model, created_at, updated_at) VALUES ('d', 'gpt', 'p', 'gpt-4o', 1, 1)");
    });
    try {
      expect(await db.all('SELECT id FROM deployments')).toEqual([{ id: 'd' }]);
    } finally {
      await db.close();
    }
  });

  it('5: existing deployments are enabled with routing defaults, and the routing row starts absent', async () => {
    const db = await migrateAcross(5, async (db) => {
      await db.run("INSERT INTO providers (id, name, family, created_at, updated_at) VALUES ('p', 'P', 'openai', 1, 1)");
      await db.run("INSERT INTO deployments (id, model_name, provider_id, upstream_model, created_at, updated_at) VALUES ('d', 'gpt', 'p', 'gpt-4o', 1, 1)");
    });
    try {
      expect(await db.get('SELECT enabled, weight, priority FROM deployments')).toEqual({ enabled: 1, weight: null, priority: null });
      expect(await db.all('SELECT * FROM routing_settings')).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('6: old log rows count one attempt when they named a deployment, none otherwise', async () => {
    const db = await migrateAcross(6, async (db) => {
      await db.run("INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms) VALUES ('served', 1, NULL, 'gpt', 'gpt#0', 200, 5)");
      await db.run("INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms) VALUES ('refused', 2, NULL, 'gpt', NULL, 401, 1)");
    });
    try {
      expect(await db.all('SELECT id, attempt_count, attempts, error_code FROM request_log ORDER BY id')).toEqual([
        { id: 'refused', attempt_count: 0, attempts: null, error_code: null },
        { id: 'served', attempt_count: 1, attempts: null, error_code: null },
      ]);
    } finally {
      await db.close();
    }
  });

  it("7: existing keys get LiteLLM's other fields, empty", async () => {
    const db = await migrateAcross(7, (db) => db.run(KEY_V1).then(() => undefined));
    try {
      expect(await db.get('SELECT tags, soft_budget, model_max_budget, model_rpm_limit, model_tpm_limit, created_by FROM virtual_keys')).toEqual({
        tags: '[]',
        soft_budget: null,
        model_max_budget: '{}',
        model_rpm_limit: '{}',
        model_tpm_limit: '{}',
        created_by: null,
      });
    } finally {
      await db.close();
    }
  });

  it('8: old log rows have no call type and were not cache hits', async () => {
    const db = await migrateAcross(8, (db) =>
      db.run("INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count) VALUES ('old', 1, NULL, 'gpt', 'gpt#0', 200, 5, 1)").then(() => undefined),
    );
    try {
      expect(await db.get('SELECT call_type, cache_hit FROM request_log')).toEqual({ call_type: null, cache_hit: 0 });
    } finally {
      await db.close();
    }
  });

  it('9: log rows get no client and their size; retention starts unsaved and holds one row', async () => {
    const db = await migrateAcross(9, (db) =>
      db.run("INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count) VALUES ('old', 1, NULL, 'gpt', 'gpt#0', 200, 5, 1)").then(() => undefined),
    );
    try {
      const row = await db.get<{ client: string | null; row_bytes: number }>('SELECT client, row_bytes FROM request_log');
      expect(row?.client).toBeNull();
      expect(row?.row_bytes).toBeGreaterThan(100);
      expect(await db.all('SELECT * FROM log_retention')).toEqual([]);
      await db.run('INSERT INTO log_retention (id, days, max_megabytes, version) VALUES (1, 7, 100, 1)');
      await expect(db.run('INSERT INTO log_retention (id, days, max_megabytes, version) VALUES (2, 7, 100, 1)')).rejects.toThrow(/check constraint/);
    } finally {
      await db.close();
    }
  });

  it('10: log rows gain a response id, none for older rows, and are found by it', async () => {
    const db = await migrateAcross(10, (db) =>
      db.run("INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count) VALUES ('old', 1, NULL, 'gpt', 'gpt#0', 200, 5, 1)").then(() => undefined),
    );
    try {
      expect(await db.get('SELECT response_id FROM request_log')).toEqual({ response_id: null });
      await db.run("INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count, response_id) VALUES ('new', 2, NULL, 'gpt', 'gpt#0', 200, 5, 1, 'chatcmpl-1')");
      expect(await db.all("SELECT id FROM request_log WHERE response_id = 'chatcmpl-1'")).toEqual([{ id: 'new' }]);
    } finally {
      await db.close();
    }
  });

  it('11: log rows gain a session and a project, none for older rows, and are found by them', async () => {
    const db = await migrateAcross(11, (db) =>
      db.run("INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count) VALUES ('old', 1, NULL, 'gpt', 'gpt#0', 200, 5, 1)").then(() => undefined),
    );
    try {
      expect(await db.get('SELECT session, project FROM request_log')).toEqual({ session: null, project: null });
      await db.run("INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count, session, project) VALUES ('new', 2, NULL, 'gpt', 'gpt#0', 200, 5, 1, 'sess-1', 'loopgate')");
      expect(await db.all("SELECT id FROM request_log WHERE session = 'sess-1' AND project = 'loopgate'")).toEqual([{ id: 'new' }]);
    } finally {
      await db.close();
    }
  });

  it('12: routing settings gain their routes (none until saved), log rows the route they took', async () => {
    const db = await migrateAcross(12, (db) =>
      db.run("INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count) VALUES ('old', 1, NULL, 'gpt', 'gpt#0', 200, 5, 1)").then(() => undefined),
    );
    try {
      expect(await db.get('SELECT route FROM request_log')).toEqual({ route: null });
      await db.run("INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count, route) VALUES ('new', 2, NULL, 'gpt', 'gpt#0', 200, 5, 1, 'cheap')");
      expect(await db.all("SELECT id FROM request_log WHERE route = 'cheap'")).toEqual([{ id: 'new' }]);
      expect(await db.all("SELECT column_name FROM information_schema.columns WHERE table_name = 'routing_settings' AND column_name = 'routes'")).toEqual([{ column_name: 'routes' }]);
    } finally {
      await db.close();
    }
  });

  it('13: daily totals and log rows gain the usage parts, none for older ones', async () => {
    const db = await migrateAcross(13, (db) =>
      db.run("INSERT INTO spend_daily (day, key_id, model, requests, prompt_tokens, completion_tokens, total_tokens, cost) VALUES ('2026-12-01', '', 'sonnet', 2, 100, 20, 120, 0.5)").then(() => undefined),
    );
    try {
      expect(await db.get('SELECT cache_read_tokens, cache_savings FROM spend_daily')).toEqual({ cache_read_tokens: 0, cache_savings: 0 });
      expect(await db.all("SELECT column_name FROM information_schema.columns WHERE table_name = 'request_log' AND column_name = 'token_parts'")).toEqual([{ column_name: 'token_parts' }]);
    } finally {
      await db.close();
    }
  });

  it('17: providers gain a proxy setting, none for older rows', async () => {
    const db = await migrateAcross(17, (db) => db.run("INSERT INTO providers (id, name, family, api_base, created_at, updated_at) VALUES ('prov_a', 'Cloud', 'openai', NULL, 1, 1)").then(() => undefined));
    try {
      expect(await db.get('SELECT proxy FROM providers')).toEqual({ proxy: null });
      await db.run("UPDATE providers SET proxy = 'http://corp:3128' WHERE id = 'prov_a'");
      expect(await db.get('SELECT proxy FROM providers')).toEqual({ proxy: 'http://corp:3128' });
    } finally {
      await db.close();
    }
  });

  it('18: daily totals gain a failures count, none for older days', async () => {
    const db = await migrateAcross(18, (db) =>
      db.run("INSERT INTO spend_daily (day, key_id, model, requests, prompt_tokens, completion_tokens, total_tokens, cost) VALUES ('2026-12-01', '', 'sonnet', 2, 100, 20, 120, 0.5)").then(() => undefined),
    );
    try {
      expect(await db.get('SELECT requests, failures FROM spend_daily')).toEqual({ requests: 2, failures: 0 });
    } finally {
      await db.close();
    }
  });

  it('19: providers gain a key pool, none for older rows', async () => {
    const db = await migrateAcross(19, (db) => db.run("INSERT INTO providers (id, name, family, api_base, created_at, updated_at) VALUES ('prov_a', 'Cloud', 'openai', NULL, 1, 1)").then(() => undefined));
    try {
      expect(await db.get('SELECT more_keys_sealed FROM providers')).toEqual({ more_keys_sealed: null });
    } finally {
      await db.close();
    }
  });

  it('20: log rows gain the MCP server and tool of a tool call, none for older rows', async () => {
    const db = await migrateAcross(20, (db) =>
      db.run("INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count) VALUES ('old', 1, NULL, 'gpt', 'gpt#0', 200, 5, 1)").then(() => undefined),
    );
    try {
      expect(await db.get('SELECT mcp FROM request_log')).toEqual({ mcp: null });
      await db.run(`INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, attempt_count, mcp) VALUES ('call', 2, NULL, NULL, NULL, 200, 5, 0, '{"server":"notes","tool":"echo"}')`);
      expect(await db.get("SELECT mcp FROM request_log WHERE id = 'call'")).toEqual({ mcp: '{"server":"notes","tool":"echo"}' });
    } finally {
      await db.close();
    }
  });

  it('21: adds the MCP servers table; a second server of the same name is refused', async () => {
    const db = await migrateAcross(21, async () => undefined);
    try {
      await db.run("INSERT INTO mcp_servers (id, name, kind, command, created_at, updated_at) VALUES ('mcp_a', 'files', 'stdio', 'npx', 1800000000000, 1)");
      expect(await db.get('SELECT args, enabled, version, created_at FROM mcp_servers')).toEqual({ args: '[]', enabled: 1, version: 1, created_at: 1_800_000_000_000 });
      await expect(db.run("INSERT INTO mcp_servers (id, name, kind, created_at, updated_at) VALUES ('mcp_b', 'files', 'http', 1, 1)")).rejects.toThrow();
    } finally {
      await db.close();
    }
  });

  it('22: routing settings gain the offline fallback, off for a row saved before', async () => {
    const db = await migrateAcross(22, (db) =>
      db
        .run(
          `INSERT INTO routing_settings (id, strategy, num_retries, retry_after_seconds, timeout_seconds, allowed_fails, cooldown_seconds, fallbacks,
            context_window_fallbacks, content_policy_fallbacks, default_fallbacks, max_fallbacks, model_group_alias, cache, drop_params, created_at, updated_at)
            VALUES ('global', 'least-busy', 4, 0, 600, 3, 5, '{}', '{}', '{}', '[]', 5, '{}', '{}', 0, 1, 1)`,
        )
        .then(() => undefined),
    );
    try {
      expect(await db.get('SELECT strategy, offline_fallback FROM routing_settings')).toEqual({ strategy: 'least-busy', offline_fallback: null });
      await db.run("UPDATE routing_settings SET offline_fallback = 'local-llama'");
      expect(await db.get('SELECT offline_fallback FROM routing_settings')).toEqual({ offline_fallback: 'local-llama' });
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
