// router_settings.redis_* (LiteLLM's names) and REDIS_URL: what is accepted, and the error a
// mistake stops start-up with.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../electron/config/index.js';

function parse(routerSettings: string, env: Record<string, string> = {}) {
  return parseConfigText(`router_settings:\n${routerSettings}`, { env });
}

function errorOf(routerSettings: string, env: Record<string, string> = {}): string {
  try {
    parse(routerSettings, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Redis settings', () => {
  it('is off unless configured', () => {
    expect(parse('  num_retries: 1\n').redis).toBeNull();
  });

  it('reads host, port and password, with os.environ/ references, and does not list them as unsupported', () => {
    const config = parse('  redis_host: cache.internal\n  redis_port: os.environ/RPORT\n  redis_password: os.environ/RPASS\n', { RPORT: '6380', RPASS: 's3cret' });
    expect(config.redis).toMatchObject({ host: 'cache.internal', port: 6380, password: 's3cret', db: 0, tls: false, label: 'redis://cache.internal:6380' });
    expect(config.unsupported).toEqual([]);
  });

  it('reads a redis_url with user, password, database and TLS, and keeps the password out of the label', () => {
    const config = parse('  redis_url: rediss://app:p%40ss@10.0.0.5:6390/2\n');
    expect(config.redis).toMatchObject({ host: '10.0.0.5', port: 6390, username: 'app', password: 'p@ss', db: 2, tls: true });
    expect(config.redis?.label).toBe('rediss://10.0.0.5:6390/2');
  });

  it('falls back to REDIS_URL when the file names no Redis', () => {
    const config = parseConfigText('', { env: { REDIS_URL: 'redis://127.0.0.1:7000' }, serverEnv: true });
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 7000, from: 'REDIS_URL' });
  });

  it('with router_settings Redis, a redis response cache is shared, not warned about', () => {
    const config = parseConfigText('router_settings:\n  redis_host: localhost\nlitellm_settings:\n  cache: true\n  cache_params: { type: redis }\n', { env: {} });
    expect(config.cache).not.toBeNull();
    expect(config.warnings).toEqual([]);
  });

  it.each([
    ['  redis_url: http://x:6379\n', 'router_settings.redis_url: expected a redis:// or rediss:// URL, got "http://"'],
    ['  redis_url: not a url\n', 'router_settings.redis_url: expected a URL such as redis://host:6379'],
    ['  redis_url: redis://h:6379/x\n', 'router_settings.redis_url: expected a database number'],
    ['  redis_url: redis://h\n  redis_host: h\n', 'router_settings.redis_url: set either redis_url or redis_host/redis_port, not both'],
    ['  redis_port: 6379\n', 'router_settings.redis_port: redis_port needs redis_host'],
    ['  redis_password: x\n', 'router_settings.redis_password: redis_password needs redis_host or redis_url'],
    ['  redis_host: h\n  redis_port: 70000\n', 'router_settings.redis_port: Too big'],
    ['  redis_host: redis://h\n', 'router_settings.redis_host: expected a host name or address without scheme or port'],
  ])('refuses %j', (settings, message) => {
    expect(errorOf(settings)).toContain(message);
  });

  it('leaves Redis off with a warning when a setting names an unset variable (as LiteLLM starts without it)', () => {
    const config = parse('  redis_host: os.environ/REDIS_HOST\n  redis_port: os.environ/REDIS_PORT\n');
    expect(config.redis).toBeNull();
    expect(config.warnings).toEqual(['router_settings.redis_host: environment variable REDIS_HOST is not set, so Redis is not used (limits, cooldowns and the cache stay in this instance)']);
  });

  it('refuses a malformed REDIS_URL by name', () => {
    expect(() => parseConfigText('', { env: { REDIS_URL: 'localhost:6379' }, serverEnv: true })).toThrow(/REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/);
  });
});
