// A database outage on a team server: PostgreSQL stopped under a running gateway. Traffic goes
// on (keys are in memory), usage and request-log writes queue, readiness says degraded with the
// database unavailable, one alert says so, and once PostgreSQL is back the queue drains: nothing
// counted is lost.
// The test has a PostgreSQL of its own, so stopping it touches no other test file.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../electron/services/key-secrets.js';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { startPostgres, type TestPostgres } from '../helpers/services/services.js';

let upstream: MockUpstream;
let postgres: TestPostgres;
let gateway: TestGateway;

beforeAll(async () => {
  [upstream, postgres] = await Promise.all([startMockOpenAI(), startPostgres()]);
  gateway = await startTestGateway(
    `model_list:${openaiModel('gpt-test', 'mock-gpt', upstream.apiBase)}
general_settings:
  database_url: ${postgres.url}
`,
    { env: { LOOPGATE_DATA_KEY: randomBytes(32).toString('base64') }, alertTiming: { sweepMs: 50 } },
  );
});

afterAll(async () => {
  await gateway?.close();
  await postgres?.stop();
  await upstream?.close();
});

async function readiness(): Promise<{ state: string; database?: string; queued_log_rows?: number }> {
  return (await fetch(`${gateway.url}/health/readiness`)).json() as never;
}

describe('PostgreSQL stopped under a running gateway', () => {
  it('keeps serving, queues the writes, says degraded, and writes everything once it is back', async () => {
    const created = await gateway.manage('POST', '/key/generate', { models: ['gpt-test'] });
    const key = created.body.key as string;
    const client = gateway.client(key);
    expect(await readiness()).toMatchObject({ status: 'healthy', state: 'ready', db: 'connected', database: 'connected' });

    await postgres.pause();
    try {
      for (let i = 0; i < 5; i++) {
        const answer = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: `during the outage ${i}` }] });
        expect(answer.choices[0]?.message.content).toContain('during the outage');
      }
      await gateway.app.accounting.flush();
      expect(await readiness()).toMatchObject({ status: 'healthy', state: 'degraded', db: 'unavailable', database: 'unavailable', queued_log_rows: 5 });
      expect(gateway.logger.records.some((record) => record.level === 'warn' && String(record.msg).includes('The database is unavailable'))).toBe(true);
      // The app's bell says so once, however many writes queue.
      await expect.poll(async () => (await gateway.app.api['alerts.list']({})).map((alert) => alert.kind)).toEqual(['database_unavailable']);
    } finally {
      await postgres.resume();
    }
    await expect
      .poll(
        async () => {
          await gateway.app.accounting.flush();
          return (await readiness()).state;
        },
        { timeout: 10_000 },
      )
      .toBe('ready');
    const stored = await gateway.store.keys.findByHash(hashKey(key));
    expect(stored).toMatchObject({ totalRequests: 5 });
    expect(await gateway.store.requestLog.query({ keyId: stored!.id, limit: 10 })).toHaveLength(5);
    expect(gateway.logger.records.some((record) => String(record.msg).includes('The database is back'))).toBe(true);
  });
});
