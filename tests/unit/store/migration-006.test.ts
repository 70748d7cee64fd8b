import { describe, expect, it } from 'vitest';
import { afterMigration, storeAtVersion } from '../../helpers/store.js';

describe('schema version 6', () => {
  it('keeps version-5 log rows (one attempt where a deployment served, none where it was refused) and stores attempts from then on', async () => {
    const dir = await storeAtVersion(5, (db) => {
      db.run(`INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms, prompt_tokens, completion_tokens, total_tokens, cost)
              VALUES ('served', 2000, NULL, 'gpt', 'gpt#0', 200, 12.5, 3, 4, 7, 0.000123456789)`);
      db.run(`INSERT INTO request_log (id, time, key_id, model, deployment, status, latency_ms) VALUES ('refused', 1000, 'key_a', 'nope', NULL, 404, 1)`);
    });

    await afterMigration(dir, async (store) => {
      expect(await store.requestLog.get('served')).toMatchObject({
        model: 'gpt',
        deployment: 'gpt#0',
        cost: 0.000123456789,
        attemptCount: 1,
        attempts: null,
        errorCode: null,
        errorMessage: null,
      });
      expect(await store.requestLog.get('refused')).toMatchObject({ attemptCount: 0, attempts: null });

      const attempt = {
        number: 1,
        deployment: 'gpt#0',
        deploymentLabel: 'openai/gpt-4o',
        group: 'gpt',
        via: 'first' as const,
        fallbackKind: null,
        outcome: 'failed' as const,
        status: 500,
        errorCode: 'upstream' as const,
        failureKind: 'retryable' as const,
        reason: '500: boom',
        latencyMs: 3,
      };
      await store.requestLog.append([
        {
          id: 'failed',
          time: 3000,
          keyId: null,
          model: 'gpt',
          deployment: 'gpt#0',
          status: 500,
          latencyMs: 4,
          promptTokens: 0,
          completionTokens: 0,
          totalTokens: 0,
          cost: 0,
          requestBody: null,
          responseBody: null,
          attemptCount: 1,
          attempts: [attempt],
          errorCode: 'upstream',
          errorMessage: '500: boom',
          callType: 'chat',
          cacheHit: false,
          client: null,
          responseId: null,
          session: null,
          project: null,
          route: 'default',
          tokenParts: null,
          replayOf: null,
          mcp: null,
        },
      ]);
      expect(await store.requestLog.get('failed')).toMatchObject({ attempts: [attempt], errorCode: 'upstream', errorMessage: '500: boom' });
      expect((await store.requestLog.query({ limit: 10 })).map((row) => row.id)).toEqual(['failed', 'served', 'refused']);
    });
  });
});
