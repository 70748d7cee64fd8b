// The team server (issue 16): two gateway instances on one PostgreSQL and one Redis, as behind a
// load balancer. Keys, revocations, versioned edits, usage, rate limits and budgets hold across
// both together; killing Redis keeps traffic flowing with per-instance limits and a warning.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../electron/core/logger.js';
import { startGateway } from '../../electron/app/start.js';
import { hashKey } from '../../electron/services/key-secrets.js';
import { utcDay } from '../../electron/core/utc-day.js';
import { tempDir } from '../helpers/cli.js';
import { type TestGateway } from '../helpers/gateway.js';
import { createTestDatabase } from '../helpers/services/postgres.js';
import { type TestRedis } from '../helpers/services/services.js';
import { startTeamServer, type TeamServer } from '../helpers/team-server.js';

let team: TeamServer;
let redis: TestRedis;
let a: TestGateway;
let b: TestGateway;

// Binary fractions, so sums of costs are exact: "say hi" costs 2 × 0.25 + 5 × 0.5 = $3.
const PRICED = '\n      input_cost_per_token: 0.25\n      output_cost_per_token: 0.5';

beforeAll(async () => {
  team = await startTeamServer(PRICED);
  redis = team.redis;
  a = await team.instance();
  b = await team.instance();
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await team?.stop();
});

async function chat(
  gateway: TestGateway,
  key: string,
  content = 'say hi',
): Promise<{ status: number; body: { usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number }; error?: { code: string } } }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content }] }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

async function newKey(settings: Record<string, unknown> = {}): Promise<{ key: string; version: number }> {
  const created = await a.manage('POST', '/key/generate', { models: ['gpt-test'], ...settings });
  expect(created.status).toBe(200);
  return { key: created.body.key as string, version: created.body.version as number };
}

/** B learns of A's change asynchronously (a PostgreSQL notice): wait for it, at most 5 s. */
function onB(key: string, status: number): Promise<void> {
  return expect.poll(async () => (await chat(b, key)).status, { timeout: 5_000, interval: 20 }).toBe(status);
}

describe('two instances on one PostgreSQL and one Redis', () => {
  it('serves on B a key created on A, and refuses it on B once A revokes it', async () => {
    expect([a.store.kind, b.store.kind]).toEqual(['postgres', 'postgres']);
    const { key } = await newKey({ key_alias: 'team' });
    await onB(key, 200);
    expect((await a.manage('POST', '/key/block', { key })).status).toBe(200);
    await onB(key, 401);
    expect((await chat(a, key)).status).toBe(401);
  });

  it('holds an rpm limit of 5 across both together: exactly 5 of a burst of 12 split across A and B', async () => {
    const { key } = await newKey({ rpm_limit: 5 });
    await onB(key, 200);
    // The probe above was one request; the burst has the other 4 of the limit.
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => chat(i % 2 === 0 ? a : b, key, `burst ${i}`)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
    expect(statuses.filter((status) => status === 429)).toHaveLength(8);
  });

  it('gives one success and one conflict to concurrent versioned edits of one key from A and B', async () => {
    const { key, version } = await newKey({ key_alias: 'contested' });
    await onB(key, 200);
    const [fromA, fromB] = await Promise.all([a.manage('POST', '/key/update', { key, version, key_alias: 'edited-on-a' }), b.manage('POST', '/key/update', { key, version, key_alias: 'edited-on-b' })]);
    expect([fromA.status, fromB.status].sort()).toEqual([200, 409]);
    const won = fromA.status === 200 ? fromA : fromB;
    expect((await b.manage('GET', `/key/info?key=${key}`)).body.info).toMatchObject({ key_alias: won.body.key_alias, version: version + 1 });
  });

  it('adds usage from both up exactly: spend, tokens and requests on the key and in the daily totals', async () => {
    const { key } = await newKey();
    await onB(key, 200);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => chat(i % 2 === 0 ? a : b, key, `count me ${'word '.repeat(i)}`)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    // The probe's request too.
    const usages = [{ prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 }, ...answers.map((answer) => answer.body.usage!)];
    const tokens = usages.reduce((sum, usage) => sum + usage.total_tokens, 0);
    const spend = usages.reduce((sum, usage) => sum + usage.prompt_tokens * 0.25 + usage.completion_tokens * 0.5, 0);
    await Promise.all([a.app.accounting.flush(), b.app.accounting.flush()]);
    const stored = await a.store.keys.findByHash(hashKey(key));
    expect(stored).toMatchObject({ totalRequests: 11, totalTokens: tokens, spend, totalSpend: spend });
    const daily = await a.store.usage.dailySpend({ keyId: stored!.id, fromDay: utcDay(Date.now()) });
    expect(daily).toEqual([expect.objectContaining({ requests: 11, totalTokens: tokens, cost: spend })]);
    expect(await b.store.requestLog.query({ keyId: stored!.id, limit: 100 })).toHaveLength(11);
  });

  it('stops a max_budget of $10 at $10 across both: 4 requests of $3 in all, not 4 on each', async () => {
    const { key } = await newKey({ max_budget: 10 });
    const counter = new Redis(redis.url);
    const spentInRedis = async (): Promise<number> => {
      const names = await counter.keys('loopgate:spend:*');
      const values = await Promise.all(names.map((name) => counter.get(name)));
      return values.reduce((sum, value) => sum + Number(value), 0);
    };
    try {
      await onB(key, 200);
      // Only budgeted keys are counted in Redis: this one, whose probe on B cost $3.
      const statuses: number[] = [200];
      for (let i = 0; i < 8; i++) {
        // The cost is added as a request ends; the next one (on the other instance) must see it.
        await expect.poll(spentInRedis, { timeout: 5_000, interval: 10 }).toBe(3 * statuses.filter((status) => status === 200).length);
        const answer = await chat(i % 2 === 0 ? a : b, key);
        statuses.push(answer.status);
        if (answer.status !== 200) expect(answer.body.error?.code).toBe('budget_exceeded');
      }
      // The probe on B, then A, B, A: $12 spent, and every later request refused on both.
      expect(statuses).toEqual([200, 200, 200, 200, 400, 400, 400, 400, 400]);
    } finally {
      counter.disconnect();
    }
  });
});

describe('DATABASE_URL and REDIS_URL', () => {
  it('switch the store and Redis for `loopgate serve` only, never for the desktop app', async () => {
    const env = { DATABASE_URL: await createTestDatabase(), REDIS_URL: redis.url, LOOPGATE_DATA_KEY: randomBytes(32).toString('base64') };
    const start = (serverEnv: boolean) => startGateway({ configFile: null, host: '127.0.0.1', port: 0, dataDir: tempDir('loopgate-env-'), env, logger: new MemoryLogger(), serverEnv });
    const desktop = await start(false);
    try {
      expect(desktop.store.kind).toBe('sqljs');
      expect(await (await fetch(`${desktop.url.origin}/health/readiness`)).json()).not.toHaveProperty('redis');
    } finally {
      await desktop.close(100);
    }
    const served = await start(true);
    try {
      expect(served.store.kind).toBe('postgres');
      expect(await (await fetch(`${served.url.origin}/health/readiness`)).json()).toMatchObject({ redis: 'connected' });
    } finally {
      await served.close(100);
    }
  });
});

describe('Redis killed mid-run', () => {
  it('keeps traffic flowing on both with per-instance limits and a warning', async () => {
    const { key } = await newKey({ rpm_limit: 3 });
    await onB(key, 200);
    await redis.kill();
    try {
      await expect.poll(async () => ((await (await fetch(`${a.url}/health/readiness`)).json()) as { state: string }).state, { timeout: 5_000 }).toBe('degraded');
      expect(await (await fetch(`${b.url}/health/readiness`)).json()).toMatchObject({ state: 'degraded', redis: 'unavailable' });
      expect(a.logger.records.some((record) => record.level === 'warn' && String(record.msg).includes('rate limits are per instance'))).toBe(true);
      // Each instance limits on its own now: 3 a minute each (the probe was counted in Redis), never unlimited.
      const run = async (gateway: TestGateway, n: number) => {
        const statuses: number[] = [];
        for (let i = 0; i < n; i++) statuses.push((await chat(gateway, key, `outage ${i}`)).status);
        return statuses;
      };
      expect(await run(a, 5)).toEqual([200, 200, 200, 429, 429]);
      expect(await run(b, 5)).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await redis.restart();
    }
  });
});
