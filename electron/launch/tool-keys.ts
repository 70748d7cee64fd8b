// One virtual key per launched tool, named "loopgate run: <tool>" (the app's Keys view shows it).
// The gateway keeps only a key's hash, so the launcher keeps the secrets it was given in a 0600
// file in the data dir, next to the master key that could make new ones anyway; a key deleted in
// the app is made again, a key blocked there stays blocked (the launcher says so and stops).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MASTER_KEY_FILE } from '../config/master-key.js';
import { writeFileAtomic } from '../store/files.js';
import { LaunchError } from './launch-error.js';

const LAUNCH_KEYS_FILE = 'launch-keys.json';

type StoredKeys = Record<string, { token: string; key: string }>;

export function keyAlias(tool: string): string {
  return `loopgate run: ${tool}`;
}

export async function readMasterKey(dataDir: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  if (env.LOOPGATE_MASTER_KEY) return env.LOOPGATE_MASTER_KEY;
  const file = join(dataDir, MASTER_KEY_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new LaunchError(`no master key to make the tool's key with: set LOOPGATE_MASTER_KEY (the gateway's general_settings.master_key), or run where ${file} exists`);
  }
}

interface Api {
  call(method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** The management API with the master key. */
export function managementApi(baseUrl: string, masterKey: string): Api {
  return {
    async call(method, path, body) {
      const response = await fetch(new URL(path, baseUrl), {
        method,
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.status === 401 || response.status === 403) throw new LaunchError(`the gateway at ${baseUrl} refused the master key (${response.status}); set LOOPGATE_MASTER_KEY to its master key`);
      return { status: response.status, body: parsed };
    },
  };
}

async function readStored(file: string): Promise<StoredKeys> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoredKeys;
  } catch {
    return {};
  }
}

function blocked(alias: string, status: unknown): LaunchError {
  return new LaunchError(`the key "${alias}" is ${String(status)} in Loopgate; turn it on again in the app (Keys), or delete it there to have a new one made`);
}

/** The key's status, or null when the gateway no longer has it. */
async function statusOf(api: Api, token: string): Promise<string | null> {
  const info = await api.call('GET', `/key/info?key=${encodeURIComponent(token)}`);
  if (info.status === 404) return null;
  if (info.status !== 200) throw new LaunchError(`could not read the key's state: ${JSON.stringify(info.body.error ?? info.body)}`);
  return String((info.body.info as { status?: unknown } | undefined)?.status ?? 'active');
}

/** A key with this alias made before the secret was kept (or the file was lost): a new secret for it. */
async function regenerateByAlias(api: Api, alias: string): Promise<{ token: string; key: string } | null> {
  const listed = await api.call('GET', `/key/list?key_alias=${encodeURIComponent(alias)}&return_full_object=true&size=1`);
  const found = (listed.body.keys as Array<{ token: string; status: string }> | undefined)?.[0];
  if (!found) return null;
  if (found.status !== 'active') throw blocked(alias, found.status);
  const regenerated = await api.call('POST', '/key/regenerate', { key: found.token });
  if (regenerated.status !== 200) throw new LaunchError(`could not renew the key "${alias}": ${JSON.stringify(regenerated.body.error ?? regenerated.body)}`);
  return { token: String(regenerated.body.token), key: String(regenerated.body.key) };
}

export async function toolKey(api: Api, dataDir: string, tool: string): Promise<{ key: string; made: boolean }> {
  const alias = keyAlias(tool);
  const file = join(dataDir, LAUNCH_KEYS_FILE);
  const stored = await readStored(file);
  const entry = stored[alias];
  if (entry) {
    const status = await statusOf(api, entry.token);
    if (status === 'active') return { key: entry.key, made: false };
    if (status !== null) throw blocked(alias, status);
  }
  let made = await regenerateByAlias(api, alias);
  if (!made) {
    const created = await api.call('POST', '/key/generate', { key_alias: alias, metadata: { created_by: 'loopgate run' } });
    // Aliases are unique: another run made this key a moment ago; use what it kept.
    const theirs = created.status === 409 ? (await readStored(file))[alias] : undefined;
    if (theirs) return { key: theirs.key, made: false };
    if (created.status !== 200) throw new LaunchError(`could not make the key "${alias}": ${JSON.stringify(created.body.error ?? created.body)}`);
    made = { token: String(created.body.token), key: String(created.body.key) };
  }
  await writeFileAtomic(file, Buffer.from(`${JSON.stringify({ ...(await readStored(file)), [alias]: made }, null, 2)}\n`));
  return { key: made.key, made: true };
}
