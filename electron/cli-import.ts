// `loopgate import ccr [path]`: a claude-code-router config.json into a running gateway's app
// (POST /loopgate/config/import with the master key, the same import as the app's): its
// providers and models, its Router as routes, its APIKEY as a virtual key; what stays behind is listed.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { call, CommandError, common, gatewayUrl, masterKey } from './cli-keys.js';

export const IMPORT_USAGE = `Usage:
  loopgate import ccr [PATH] [--url URL] [--master-key KEY] [--data-dir DIR] [--json]

ccr   Import a claude-code-router config (default ~/.claude-code-router/config.json) into the
      running gateway: providers and models, Router as routes, APIKEY as a virtual key.
`;

export async function importCommand(args: string[]): Promise<void> {
  const [kind, ...rest] = args;
  if (kind !== 'ccr') throw new CommandError(`unknown import "${kind ?? ''}"\n\n${IMPORT_USAGE}`);
  const { values, positionals } = parseArgs({ args: rest, options: common, strict: true, allowPositionals: true });
  const file = positionals[0] ?? join(homedir(), '.claude-code-router', 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CommandError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const base = await gatewayUrl(values.url, values['data-dir']);
  const result = await call(base, await masterKey(values['master-key'], values['data-dir']), 'POST', '/loopgate/config/import', { yaml: text });
  if (values.json) return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const routing = result.routing as { routes: Array<{ name: string; to: string }> };
  const lines = [
    `Imported ${String(result.models)} models (${String(result.providers)} new providers) from ${file}.`,
    ...routing.routes.map((route) => `  route ${route.name} -> ${route.to}`),
    ...((result.keys as string[] | undefined) ?? []).map((alias) => `  virtual key "${alias}": its secret is the config's APIKEY`),
    ...(result.skipped as string[]).map((line) => `  not imported: ${line}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
