// vitest globalSetup: one throw-away PostgreSQL and one throw-away Redis for the whole run,
// their URLs handed to every test file through the environment, both stopped at the end (also
// when a test fails or the run is interrupted).
import { startPostgres, startRedis, type TestService } from './services.js';

/** Admin URL of the test PostgreSQL (superuser, `postgres` database); see createTestDatabase. */
export const DATABASE_URL_VAR = 'LOOPGATE_TEST_DATABASE_URL';
/** URL of the test Redis (redis://127.0.0.1:<port>), empty database, no persistence. */
export const REDIS_URL_VAR = 'LOOPGATE_TEST_REDIS_URL';

export default async function setup(): Promise<() => Promise<void>> {
  const started: TestService[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(started.splice(0).map((service) => service.stop()));
  };
  try {
    const keep = async (start: Promise<TestService>): Promise<TestService> => {
      const service = await start;
      started.push(service);
      return service;
    };
    // Started side by side; whichever did start is stopped if the other fails.
    const [postgres, redis] = await Promise.all([keep(startPostgres()), keep(startRedis())]);
    process.env[DATABASE_URL_VAR] = postgres.url;
    process.env[REDIS_URL_VAR] = redis.url;
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
