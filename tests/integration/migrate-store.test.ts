// `loopgate migrate-store`, run as a user would (the built CLI), from a real laptop data dir
// into the run's PostgreSQL: everything arrives, the keys' secrets keep working, and provider
// keys are sealed again under the server's data key.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RoutingSettings } from '../../shared/api.js';
import { MemoryLogger } from '../../electron/core/logger.js';
import { openPgStore } from '../../electron/store/pg/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/services/postgres.js';
import { freshStore, logRow, newKey, sqlJsDatabase } from '../helpers/store.js';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts.js';

const ROUTING: RoutingSettings = {
  strategy: 'least-busy',
  numRetries: 4,
  retryAfterSeconds: 1,
  timeoutSeconds: 33,
  streamTimeoutSeconds: null,
  allowedFails: 2,
  cooldownSeconds: 9,
  fallbacks: { gpt: ['claude'] },
  contextWindowFallbacks: {},
  contentPolicyFallbacks: {},
  defaultFallbacks: [],
  maxFallbacks: 3,
  modelGroupAlias: {},
  cache: { enabled: true, ttlSeconds: 60, maxEntries: 10 },
  dropParams: false,
  routes: [{ name: 'thinking', when: [{ kind: 'thinking' }], to: 'claude', enabled: true }],
  offlineFallback: 'local-llama',
};

async function sealedKeys(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ api_key_sealed: string }>('SELECT api_key_sealed FROM providers')).rows.map((row) => row.api_key_sealed);
  } finally {
    await client.end();
  }
}

describe('loopgate migrate-store', () => {
  it('copies a laptop store into PostgreSQL, re-sealing provider keys, and checks the counts', async () => {
    // The laptop: a key in use (counters, a version past 1), a provider with its secret, a deployment, routing, spend and log rows.
    const laptopDir = tempDir('loopgate-laptop-');
    const { store: laptop } = await freshStore(laptopDir);
    const secret = 'sk-lg-laptopsecret0000000000000000000000000';
    const hash = createHash('sha256').update(secret).digest('hex');
    const key = await laptop.keys.create(newKey({ keyHash: hash, keyPrefix: secret.slice(0, 10), keyAlias: 'ada', models: ['gpt'] }));
    await laptop.keys.update(key.id, { ...(await laptop.keys.findById(key.id))!, keyAlias: 'ada-laptop' }, 1);
    await laptop.keys.create(newKey({ blocked: true }));
    await laptop.providers.create('prov_1', { name: 'OpenAI', family: 'openai', apiBase: null, apiKey: 'sk-proj-upstream-9876', moreKeys: ['sk-proj-second-5432'] }, 1);
    await laptop.providers.create('prov_2', { name: 'Local', family: 'ollama', apiBase: 'http://127.0.0.1:11434', apiKey: null }, 2);
    await laptop.deployments.create({ id: 'dep_1', modelName: 'gpt', providerId: 'prov_1', upstreamModel: 'gpt-4o', createdAt: 3, weight: 2 });
    await laptop.routing.save(ROUTING, 0, 4);
    await laptop.mcpServers.create('mcp_1', { name: 'github', kind: 'stdio', command: 'npx', env: [{ name: 'GITHUB_TOKEN', value: 'ghp-laptop-secret' }] }, 5);
    const webhook = { url: 'https://hooks.slack.example/services/T0/B0/laptop-secret', format: 'slack' as const, timeoutSeconds: 5 };
    await laptop.alerts.save({ ...DEFAULT_ALERT_SETTINGS, webhook }, 0, 6);
    await laptop.requestLog.append(Array.from({ length: 3 }, (_, i) => logRow({ id: `req_${i}`, time: 1_000 + i, keyId: key.id, client: i === 0 ? 'Aider' : null })));
    await laptop.requestLog.saveRetention({ days: 3650, maxMegabytes: 50, capture: 'failed' }, 0);
    await laptop.usage.recordBatch({
      daily: [
        {
          day: '2026-11-28',
          keyId: key.id,
          model: 'gpt',
          requests: 3,
          promptTokens: 9,
          completionTokens: 12,
          totalTokens: 21,
          cost: 1.5,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
          cacheSavings: 0,
          failures: 0,
        },
      ],
      keys: [{ keyId: key.id, requests: 3, tokens: 21, cost: 1.5, lastUsedAt: 1_002 }],
    });
    const laptopSealed = sqlJsDatabase(laptop).get<{ api_key_sealed: string }>("SELECT api_key_sealed FROM providers WHERE id = 'prov_1'")!.api_key_sealed;
    const before = { keys: await laptop.keys.loadAllForAuth(), deployments: await laptop.deployments.list(), routing: await laptop.routing.get() };
    await laptop.close();

    const databaseUrl = await createTestDatabase();
    const serverDir = tempDir('loopgate-server-');
    const run = await runCli(['migrate-store', '--from', laptopDir, '--to', databaseUrl, '--data-dir', serverDir]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^virtual_keys\s+2 ->\s+2$/m);
    expect(run.stdout).toMatch(/^providers\s+2 ->\s+2$/m);
    expect(run.stdout).toMatch(/^request_log\s+3 ->\s+3$/m);
    expect(run.stdout).toMatch(/^mcp_servers\s+1 ->\s+1$/m);
    expect(run.stdout).toContain(`Copied; provider keys are sealed under the data key from the key file in ${serverDir}.`);

    // The server opens it with its own data key.
    const server = await openPgStore({ databaseUrl, dataDir: serverDir, logger: new MemoryLogger(), env: {} });
    onTestFinished(() => server.close());
    expect(await server.keys.loadAllForAuth()).toEqual(expect.arrayContaining(before.keys));
    expect(await server.keys.findByHash(hash)).toMatchObject({ keyAlias: 'ada-laptop', version: 2, totalRequests: 3, spend: 1.5, lastUsedAt: 1_002 });
    expect(await server.providers.revealKey('prov_1')).toBe('sk-proj-upstream-9876');
    expect(await server.providers.revealKeys('prov_1')).toEqual(['sk-proj-upstream-9876', 'sk-proj-second-5432']);
    expect(await server.providers.revealKey('prov_2')).toBeNull();
    expect(await server.mcpServers.reveal()).toEqual([expect.objectContaining({ id: 'mcp_1', name: 'github', command: 'npx', env: { GITHUB_TOKEN: 'ghp-laptop-secret' } })]);
    expect((await server.alerts.get())?.settings.webhook).toEqual(webhook);
    const [sealed] = await sealedKeys(databaseUrl);
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toBe(laptopSealed);
    expect(await server.deployments.list()).toEqual(before.deployments);
    expect(await server.routing.get()).toEqual(before.routing);
    expect(await server.usage.dailySpend({ keyId: key.id })).toEqual([expect.objectContaining({ requests: 3, cost: 1.5 })]);
    expect((await server.requestLog.query({ limit: 10 })).map((row) => row.id)).toEqual(['req_2', 'req_1', 'req_0']);
    expect(await server.requestLog.get('req_0')).toMatchObject({ client: 'Aider', keyId: key.id });
    expect(await server.requestLog.retention()).toEqual({ days: 3650, maxMegabytes: 50, capture: 'failed', version: 1 });

    // A second run would duplicate: it is refused, and the database stays as it is.
    const again = await runCli(['migrate-store', '--from', laptopDir, '--to', databaseUrl, '--data-dir', serverDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds 2 row(s) in virtual_keys; migrate-store copies into an empty database only');
  });
});
