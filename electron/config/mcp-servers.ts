// MCP servers in the config file: the `mcpServers` block agents already use (Claude Code, Cursor,
// Gemini CLI), pasted as it is under `mcp_servers:` (or `mcpServers:`), read into the hub's settings.
import { ConfigError } from './config-error.js';
import { resolveValue, type Lookup } from './environment.js';
import type { McpServerEntry as Entry } from './mcp-server-schema.js';

/** A server name: it prefixes its tools (`<server>__<tool>`), so it holds no `__` of its own. */
export const SERVER_NAME = /^[A-Za-z0-9_-]+$/;
interface McpServerBase {
  readonly name: string;
  /** Milliseconds an unused server stays up; null: until Loopgate stops. */
  readonly idleMs: number | null;
}
interface McpStdioServer extends McpServerBase {
  readonly kind: 'stdio';
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string | null;
}
interface McpRemoteServer extends McpServerBase {
  readonly kind: 'http' | 'sse';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}
export type McpServerConfig = McpStdioServer | McpRemoteServer;

export const DEFAULT_IDLE_SECONDS = 600;

/** The file's servers, each checked and its `os.environ/NAME` values resolved; disabled ones left out. */
export function mcpServers(entries: Record<string, Entry> | undefined, key: string, lookup: Lookup): McpServerConfig[] {
  const servers: McpServerConfig[] = [];
  for (const [name, entry] of Object.entries(entries ?? {})) {
    const path = `${key}.${name}`;
    if (!SERVER_NAME.test(name) || name.includes('__')) {
      throw new ConfigError(path, 'expected a server name of letters, digits, "-" and "_" without "__" (it prefixes the tools as <server>__<tool>)');
    }
    if (entry.disabled) continue;
    servers.push(toServer(name, entry, path, lookup));
  }
  return servers;
}

function toServer(name: string, entry: Entry, path: string, lookup: Lookup): McpServerConfig {
  const seconds = entry.idle_timeout ?? DEFAULT_IDLE_SECONDS;
  const base = { name, idleMs: seconds === 0 ? null : seconds * 1000 };
  const resolveAll = (map: Record<string, string> | undefined, field: string): Record<string, string> =>
    Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, resolveValue(v, `${path}.${field}.${k}`, lookup)]));
  const kind = entry.type ?? entry.transport;
  if (entry.command !== undefined && entry.url !== undefined) throw new ConfigError(path, 'expected either "command" (a stdio server) or "url" (a remote server), not both');
  if (entry.command !== undefined) {
    if (kind !== undefined && kind !== 'stdio') throw new ConfigError(`${path}.type`, `a server with "command" is a stdio server, got "${kind}"`);
    return { ...base, kind: 'stdio', command: entry.command, args: entry.args ?? [], env: resolveAll(entry.env, 'env'), cwd: entry.cwd ?? null };
  }
  if (entry.url === undefined) throw new ConfigError(path, 'expected "command" (a stdio server) or "url" (a remote server)');
  if (kind === 'stdio') throw new ConfigError(`${path}.type`, 'a stdio server needs "command", not "url"');
  return { ...base, kind: kind === 'sse' ? 'sse' : 'http', url: entry.url, headers: resolveAll(entry.headers, 'headers') };
}
