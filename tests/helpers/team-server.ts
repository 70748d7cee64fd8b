// A team server for tests: a mock upstream, one Redis and one PostgreSQL database of its own,
// and a config naming them, so each test file starts as many gateway instances on them as it needs.
import { randomBytes } from 'node:crypto';
import { openaiModel, startTestGateway, type TestGateway, type TestGatewayOptions } from './gateway.js';
import { startMockOpenAI, type MockUpstream } from './mock-openai.js';
import { createTestDatabase } from './services/postgres.js';
import { startRedis, type TestRedis } from './services/services.js';

export interface TeamServer {
  upstream: MockUpstream;
  redis: TestRedis;
  databaseUrl: string;
  /** The config every instance reads: `gpt-test` on the mock upstream, the database and Redis. */
  yaml: string;
  /** One data key for every instance, as a server's would be. */
  env: Record<string, string>;
  /** One more instance on the shared database and Redis. */
  instance(options?: Omit<TestGatewayOptions, 'env'>): Promise<TestGateway>;
  /** Stops Redis and the upstream (close the instances first). */
  stop(): Promise<void>;
}

/** `modelExtra` is appended to the `gpt-test` entry (prices, say). */
export async function startTeamServer(modelExtra = ''): Promise<TeamServer> {
  const [upstream, redis, databaseUrl] = await Promise.all([startMockOpenAI(), startRedis(), createTestDatabase()]);
  const yaml = `model_list:${openaiModel('gpt-test', 'mock-gpt', upstream.apiBase, modelExtra)}
general_settings:
  database_url: ${databaseUrl}
router_settings:
  redis_url: ${redis.url}
`;
  const env = { LOOPGATE_DATA_KEY: randomBytes(32).toString('base64') };
  return {
    upstream,
    redis,
    databaseUrl,
    yaml,
    env,
    instance: (options = {}) => startTestGateway(yaml, { ...options, env }),
    async stop() {
      await redis.stop();
      await upstream.close();
    },
  };
}
