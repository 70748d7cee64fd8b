import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MemoryLogger } from '../../../electron/core/logger.js';
import type { Store } from '../../../electron/store/index.js';
import { emptyDay } from '../../../electron/store/usage.js';
import { emptySettings, type StoredKey } from '../../../electron/store/keys.js';
import { openPgStore } from '../../../electron/store/pg/index.js';
import { tempDir } from '../../helpers/cli.js';
import { createTestDatabase } from '../../helpers/services/postgres.js';
import { oneWriteWins } from '../../helpers/races.js';
import { newKey, routingSettings } from '../../helpers/store.js';
import { openTestPgStore } from '../../helpers/stores.js';

async function rawQuery<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function closing(store: Store): Store {
  onTestFinished(() => store.close());
  return store;
}

/** Resolves once `check` holds, polling; notices between instances arrive asynchronously. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

describe('PostgreSQL store: provider secrets and the data key', () => {
  it('keeps provider keys sealed in the database and opens them with the same key from LOOPGATE_DATA_KEY', async () => {
    const databaseUrl = await createTestDatabase();
    const env = { LOOPGATE_DATA_KEY: randomBytes(32).toString('base64') };
    const a = closing(await openPgStore({ databaseUrl, dataDir: tempDir(), logger: new MemoryLogger(), env }));
    expect(await a.providers.create('prov_1', { name: 'OpenAI', family: 'openai', apiBase: null, apiKey: 'sk-proj-abcdef1234' }, 1)).toMatchObject({ keyHint: '1234' });
    const [row] = await rawQuery<{ api_key_sealed: string }>(databaseUrl, 'SELECT api_key_sealed FROM providers');
    expect(row!.api_key_sealed).toMatch(/^v1:/);
    expect(row!.api_key_sealed).not.toContain('sk-proj');
    // Another instance, another data dir, the same key in its environment: it opens the secret.
    const b = closing(await openPgStore({ databaseUrl, dataDir: tempDir(), logger: new MemoryLogger(), env }));
    expect(await b.providers.revealKey('prov_1')).toBe('sk-proj-abcdef1234');
  });

  it('refuses to start an instance whose data key is not the one the database was sealed with', async () => {
    const { databaseUrl } = await openTestPgStore().then(({ store, databaseUrl }) => store.close().then(() => ({ databaseUrl })));
    const other = openPgStore({ databaseUrl, dataDir: tempDir(), logger: new MemoryLogger(), env: {} });
    await expect(other).rejects.toMatchObject({ code: 'EDATAKEYMISMATCH', message: expect.stringContaining('give every instance the same key') });
    await expect(openPgStore({ databaseUrl, dataDir: tempDir(), logger: new MemoryLogger(), env: { LOOPGATE_DATA_KEY: 'c2hvcnQ=' } })).rejects.toThrow('LOOPGATE_DATA_KEY must be 32 bytes');
  });
});

describe('PostgreSQL store: two instances on one database', () => {
  async function pair(): Promise<[Store, Store]> {
    const first = await openTestPgStore();
    const second = await openTestPgStore(first.databaseUrl, first.dataDir);
    return [closing(first.store), closing(second.store)];
  }

  it("hears the other instance's key, deployment and routing changes, and not its own twice", async () => {
    const [a, b] = await pair();
    const heardKeys: Array<[string, StoredKey | null]> = [];
    let heardDeployments = 0;
    let heardRouting = 0;
    b.keys.onChange((id, key) => heardKeys.push([id, key]));
    b.deployments.onChange(() => heardDeployments++);
    b.routing.onChange(() => heardRouting++);
    const published: string[] = [];
    b.changes.onLocalChange((change) => published.push(change.table));

    const input = newKey({ keyAlias: 'from-a' });
    const created = await a.keys.create(input);
    await eventually(() => heardKeys.length === 1, 'B hears the new key');
    expect(heardKeys[0]).toEqual([created.id, expect.objectContaining({ keyHash: input.keyHash, keyAlias: 'from-a' })]);

    await a.keys.setActive(created.id, false, created.version);
    await eventually(() => heardKeys.length === 2, 'B hears the revocation');
    expect(heardKeys[1]![1]).toMatchObject({ blocked: true });
    await a.keys.delete(created.id);
    await eventually(() => heardKeys.length === 3, 'B hears the delete');
    expect(heardKeys[2]).toEqual([created.id, null]);

    await a.providers.create('prov_a', { name: 'A', family: 'openai', apiBase: null, apiKey: null }, 1);
    await a.deployments.create({ id: 'dep_1', modelName: 'gpt', providerId: 'prov_a', upstreamModel: 'gpt-4o', createdAt: 1 });
    await eventually(() => heardDeployments === 1, 'B hears the deployment');
    await a.routing.save(routingSettings(), 0, 1);
    await eventually(() => heardRouting === 1, 'B hears the routing save');
    let heardMcp = 0;
    b.mcpServers.onChange(() => heardMcp++);
    await a.mcpServers.create('mcp_a', { name: 'files', kind: 'stdio', command: 'npx' }, 1);
    await eventually(() => heardMcp === 1, 'B hears the MCP server');
    // What B only heard of, it does not send back out.
    expect(published).toEqual([]);
  });

  it('drops a key deleted while it was not listening, once its listening connection is back', async () => {
    const first = await openTestPgStore();
    const b = closing((await openTestPgStore(first.databaseUrl, first.dataDir)).store);
    const a = closing(first.store);
    const created = await a.keys.create(newKey({ keyAlias: 'gone-while-deaf' }));
    const heard: Array<[string, StoredKey | null]> = [];
    b.keys.onChange((id, key) => heard.push([id, key]));
    await eventually(() => heard.length === 1, 'B hears the new key');
    // Deleted with no notice (as if sent while B's listener was down), then B's listener is cut.
    await rawQuery(first.databaseUrl, `DELETE FROM virtual_keys WHERE id = '${created.id}'`);
    await rawQuery(first.databaseUrl, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()");
    await eventually(() => heard.some(([id, key]) => id === created.id && key === null), 'B drops the deleted key after reconnecting');
  });

  it('lets one of two instances win a versioned update of the same row; the other gets a conflict with the winner', async () => {
    const [a, b] = await pair();
    const key = await a.keys.create(newKey());
    const { won, current } = await oneWriteWins([a.keys.update(key.id, { ...emptySettings(), models: ['from-a'] }, key.version), b.keys.update(key.id, { ...emptySettings(), models: ['from-b'] }, key.version)]);
    expect(current).toEqual(won);
    expect(await b.keys.findById(key.id)).toEqual(won);
  });

  it('adds usage from both instances up exactly (atomic increments, no lost update)', async () => {
    const [a, b] = await pair();
    const key = await a.keys.create(newKey());
    const batch = (cost: number) => ({
      log: [],
      daily: [{ ...emptyDay('2026-11-28', key.id, 'gpt-4o'), requests: 1, promptTokens: 1, completionTokens: 1, totalTokens: 2, cost }],
      keys: [{ keyId: key.id, requests: 1, tokens: 2, cost, lastUsedAt: 5 }],
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).usage.recordBatch(batch(0.25))));
    expect(await b.keys.findById(key.id)).toMatchObject({ totalRequests: 20, totalTokens: 40, spend: 5, totalSpend: 5 });
    expect(await a.usage.dailySpend({ keyId: key.id })).toEqual([expect.objectContaining({ requests: 20, totalTokens: 40, cost: 5, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, cacheSavings: 0 })]);
  });
});
