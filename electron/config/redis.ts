// Where the Redis that several instances share lives: router_settings.redis_url, or
// redis_host / redis_port / redis_password (LiteLLM's names), else the REDIS_URL environment
// variable. Read once at start-up; each malformed value stops start-up with its path. A setting
// that names an unset `os.environ/` variable (LiteLLM's own example configs do) is warned about
// and Redis left off, as LiteLLM would start without it.

/** What the Redis client needs; `label` names the server in logs without its password. */
export interface RedisSettings {
  host: string;
  port: number;
  username: string | null;
  password: string | null;
  db: number;
  tls: boolean;
  label: string;
  /** Where it was set: the config file or REDIS_URL, for the start-up log. */
  from: 'router_settings' | 'REDIS_URL';
}

interface RedisFields {
  redis_url?: string | undefined;
  redis_host?: string | undefined;
  redis_port?: number | string | undefined;
  redis_password?: string | undefined;
}

type Fail = (path: string, message: string) => never;

const ENV_REFERENCE = 'os.environ/';

/** Thrown inside to leave Redis off when a referenced variable is unset. */
class UnsetVariable extends Error {}

const DEFAULT_PORT = 6379;
const AT = 'router_settings';

/** `envUrl`: REDIS_URL, read by `loopgate serve` only (undefined in the desktop app). */
export function redisSettings(fields: RedisFields, env: (name: string) => string | undefined, envUrl: string | undefined, warnings: string[], fail: Fail): RedisSettings | null {
  const resolve = (value: string, path: string): string => {
    if (!value.startsWith(ENV_REFERENCE)) return value;
    const name = value.slice(ENV_REFERENCE.length);
    const found = env(name);
    if (!found) throw new UnsetVariable(`${path}: environment variable ${name} is not set, so Redis is not used (limits, cooldowns and the cache stay in this instance)`);
    return found;
  };
  try {
    return configured(fields, envUrl, resolve, fail);
  } catch (error) {
    if (!(error instanceof UnsetVariable)) throw error;
    warnings.push(error.message);
    return null;
  }
}

function configured(fields: RedisFields, envUrl: string | undefined, resolve: (value: string, path: string) => string, fail: Fail): RedisSettings | null {
  const { redis_url: url, redis_host: host, redis_port: port, redis_password: password } = fields;
  if (url !== undefined) {
    if (host !== undefined || port !== undefined) fail(`${AT}.redis_url`, 'set either redis_url or redis_host/redis_port, not both');
    const parsed = fromUrl(resolve(url, `${AT}.redis_url`), `${AT}.redis_url`, fail);
    if (password !== undefined) parsed.password = resolve(password, `${AT}.redis_password`) || null;
    return parsed;
  }
  if (host !== undefined) {
    const name = resolve(host, `${AT}.redis_host`);
    if (!/^[A-Za-z0-9.:[\]-]+$/.test(name)) fail(`${AT}.redis_host`, `expected a host name or address without scheme or port, got "${name}"`);
    const number = port === undefined ? DEFAULT_PORT : typeof port === 'number' ? port : Number(resolve(port, `${AT}.redis_port`));
    if (!Number.isInteger(number) || number < 1 || number > 65535) fail(`${AT}.redis_port`, `expected a port from 1 to 65535, got "${String(port)}"`);
    const secret = password === undefined ? null : resolve(password, `${AT}.redis_password`) || null;
    return { host: name, port: number, username: null, password: secret, db: 0, tls: false, label: `redis://${name}:${number}`, from: 'router_settings' };
  }
  if (port !== undefined) fail(`${AT}.redis_port`, 'redis_port needs redis_host (or use redis_url)');
  if (password !== undefined) fail(`${AT}.redis_password`, 'redis_password needs redis_host or redis_url');
  if (!envUrl) return null;
  return { ...fromUrl(envUrl, 'REDIS_URL', fail), from: 'REDIS_URL' };
}

function fromUrl(text: string, path: string, fail: Fail): RedisSettings {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(path, 'expected a URL such as redis://host:6379 or rediss://user:password@host:6380/0');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') fail(path, `expected a redis:// or rediss:// URL, got "${url.protocol}//"`);
  if (!url.hostname) fail(path, 'expected a host in the URL, e.g. redis://127.0.0.1:6379');
  const port = url.port ? Number(url.port) : DEFAULT_PORT;
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) fail(path, `expected a database number after the host (redis://host:6379/0), got "/${dbText}"`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port,
    username: url.username ? decodeURIComponent(url.username) : null,
    password: url.password ? decodeURIComponent(url.password) : null,
    db,
    tls: url.protocol === 'rediss:',
    label: `${url.protocol}//${url.host}/${db}`,
    from: 'router_settings',
  };
}
