// The run's throw-away Redis (started by the vitest globalSetup).
import { REDIS_URL_VAR } from './global-setup.js';

/** redis://127.0.0.1:<port>; shared by every file of the run: use a key prefix (or a db number) per file. */
export function testRedisUrl(): string {
  const url = process.env[REDIS_URL_VAR];
  if (!url) throw new Error(`${REDIS_URL_VAR} is not set: the vitest globalSetup (tests/helpers/services/global-setup.ts) starts Redis and sets it`);
  return url;
}
