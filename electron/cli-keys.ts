// `loopgate keys create|list|revoke`: the management API from the shell, against a running
// gateway: --url, LOOPGATE_URL, else the one the data dir names (on whatever port it chose).
// The master key comes from --master-key, LOOPGATE_MASTER_KEY, or the data dir.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from './config/data-dir.js';
import { MASTER_KEY_FILE } from './config/master-key.js';
import { runningGateway } from './launch/gateway-finder.js';

export const KEYS_USAGE = `Usage:
  loopgate keys create [--alias NAME] [--models a,b] [--rpm N] [--tpm N] [--parallel N]
                       [--budget USD] [--budget-duration 30d] [--duration 90d]
  loopgate keys list   [--status active|revoked|expired] [--page N] [--size N]
  loopgate keys revoke KEY_OR_TOKEN

Common: [--url URL] [--master-key KEY] [--data-dir DIR] [--json]
  (the gateway: --url, LOOPGATE_URL, else the one running on the data dir, else http://127.0.0.1:7420)
`;

export class CommandError extends Error {}

export const common = {
  url: { type: 'string' },
  'master-key': { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

type Json = Record<string, unknown>;

export async function masterKey(explicit: string | undefined, dataDir: string | undefined): Promise<string> {
  if (explicit) return explicit;
  if (process.env.LOOPGATE_MASTER_KEY) return process.env.LOOPGATE_MASTER_KEY;
  const file = join(dataDir ?? defaultDataDir(process.env), MASTER_KEY_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new CommandError(`no master key: pass --master-key, set LOOPGATE_MASTER_KEY, or run where ${file} exists`);
  }
}

export async function call(base: string, key: string, method: 'GET' | 'POST', path: string, body?: Json): Promise<Json> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    throw new CommandError(`cannot reach the gateway at ${base}: ${(error as Error).message} (is \`loopgate serve\` running?)`);
  }
  const parsed = (await response.json().catch(() => ({}))) as Json;
  if (!response.ok) {
    const error = (parsed.error ?? {}) as { message?: string; code?: string };
    throw new CommandError(`${response.status} ${error.code ?? ''}: ${error.message ?? 'request failed'}`);
  }
  return parsed;
}

function optionalNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new CommandError(`${flag} expects a non-negative number, got "${value}"`);
  return number;
}

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text);
}

export async function keysCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'create') return create(rest);
  if (action === 'list') return list(rest);
  if (action === 'revoke') return revoke(rest);
  throw new CommandError(`unknown keys command "${action ?? ''}"\n\n${KEYS_USAGE}`);
}

/** The gateway to call: named, else the one the data dir says is running and that answers as Loopgate (`--port 0` picks any port), else the default port. */
export async function gatewayUrl(url: string | undefined, dataDir: string | undefined): Promise<string> {
  const named = url ?? process.env.LOOPGATE_URL;
  if (named) return named;
  return (await runningGateway(dataDir ?? defaultDataDir(process.env))) ?? 'http://127.0.0.1:7420';
}

async function connection(values: { url?: string | undefined; 'master-key'?: string | undefined; 'data-dir'?: string | undefined }): Promise<{ base: string; key: string }> {
  return { base: await gatewayUrl(values.url, values['data-dir']), key: await masterKey(values['master-key'], values['data-dir']) };
}

async function create(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      ...common,
      alias: { type: 'string' },
      models: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      parallel: { type: 'string' },
      budget: { type: 'string' },
      'budget-duration': { type: 'string' },
      duration: { type: 'string' },
    },
  });
  const body: Json = {
    key_alias: values.alias,
    models: values.models
      ?.split(',')
      .map((m) => m.trim())
      .filter(Boolean),
    rpm_limit: optionalNumber(values.rpm, '--rpm'),
    tpm_limit: optionalNumber(values.tpm, '--tpm'),
    max_parallel_requests: optionalNumber(values.parallel, '--parallel'),
    max_budget: optionalNumber(values.budget, '--budget'),
    budget_duration: values['budget-duration'],
    duration: values.duration,
  };
  const { base, key } = await connection(values);
  const created = await call(base, key, 'POST', '/key/generate', body);
  print(values.json, created, `${String(created.key)}\n\nThis is the only time the key is shown. Token (for revoke/info): ${String(created.token)}\n`);
}

async function list(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { ...common, status: { type: 'string' }, page: { type: 'string', default: '1' }, size: { type: 'string', default: '20' } },
  });
  const query = new URLSearchParams({ page: values.page, size: values.size, return_full_object: 'true' });
  if (values.status) query.set('status', values.status);
  const { base, key } = await connection(values);
  const result = await call(base, key, 'GET', `/key/list?${query.toString()}`);
  const keys = result.keys as Json[];
  const rows = keys.map((k) => [k.token, k.key_name, k.key_alias ?? '-', k.status, `$${Number(k.spend).toFixed(4)}`, k.created_at].map(String).join('  '));
  const footer = `page ${String(result.current_page)} of ${String(result.total_pages)}, ${String(result.total_count)} keys\n`;
  print(values.json, result, `${rows.join('\n')}${rows.length ? '\n' : ''}${footer}`);
}

async function revoke(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: common, allowPositionals: true });
  const [ref] = positionals;
  if (!ref) throw new CommandError(`name the key to revoke (its secret or token)\n\n${KEYS_USAGE}`);
  const { base, key } = await connection(values);
  const revoked = await call(base, key, 'POST', '/key/block', { key: ref });
  print(values.json, revoked, `revoked ${String(revoked.token)} (${String(revoked.key_name)})\n`);
}
