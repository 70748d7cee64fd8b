// The MCP servers and the web search provider in force, in the config file's words (mcp_servers,
// search_tools), for the export: the app's where it has them, else the file's. Their secrets (env
// values, headers, the search key) never leave in clear: each becomes an `os.environ/` reference.
import type { SearchProviderKind } from '../../shared/search.js';
import { MCP_DEFAULT_IDLE_SECONDS, type McpServerConfig } from '../config/index.js';
import type { McpServerEntry } from '../config/mcp-server-schema.js';
import type { McpServerRow } from '../store/mcp-servers.js';
import { envReference, variableName } from './export-variables.js';

/** Each name of a map of secrets, pointing at the environment variable that holds its value. */
function references(names: Iterable<string>, variable: (name: string) => string): Record<string, string> | undefined {
  const entries = [...names].map((name): [string, string] => [name, envReference(variable(name))]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The idle timeout unless it is the default; 0 keeps a server running. */
function idleTimeout(seconds: number | null): { idle_timeout?: number } {
  return seconds === null || seconds === MCP_DEFAULT_IDLE_SECONDS ? {} : { idle_timeout: seconds };
}

function serverEntry(
  server: { name: string; kind: McpServerConfig['kind']; command: string | null; args: readonly string[]; cwd: string | null; url: string | null; idleSeconds: number | null },
  envNames: Iterable<string>,
  headerNames: Iterable<string>,
): McpServerEntry {
  const common = idleTimeout(server.idleSeconds);
  if (server.kind === 'stdio') {
    // The server reads each under its own name; the variable holding its value is named for the server too (GITHUB_TOKEN stays so for "github").
    const prefix = `${variableName(server.name)}_`;
    const env = references(envNames, (name) => (variableName(name).startsWith(prefix) ? variableName(name) : prefix + variableName(name)));
    return { command: server.command ?? '', ...(server.args.length ? { args: [...server.args] } : {}), ...(server.cwd ? { cwd: server.cwd } : {}), ...(env ? { env } : {}), ...common };
  }
  const headers = references(headerNames, (header) => variableName(server.name, header));
  return { type: server.kind, url: server.url ?? '', ...(headers ? { headers } : {}), ...common };
}

/** The app's servers (a disabled one says so) and the file's the app does not shadow; undefined when there are none. */
export function exportedMcpServers(rows: readonly McpServerRow[], file: readonly McpServerConfig[]): Record<string, McpServerEntry> | undefined {
  const app = rows.map((row): [string, McpServerEntry] => [row.name, { ...serverEntry(row, row.envNames, row.headerNames), ...(row.enabled ? {} : { disabled: true }) }]);
  const names = new Set(rows.map((row) => row.name));
  const fromFile = file
    .filter((server) => !names.has(server.name))
    .map((server): [string, McpServerEntry] => {
      const idleSeconds = server.idleMs === null ? 0 : server.idleMs / 1000;
      return server.kind === 'stdio'
        ? [server.name, serverEntry({ ...server, url: null, idleSeconds }, Object.keys(server.env), [])]
        : [server.name, serverEntry({ ...server, command: null, args: [], cwd: null, idleSeconds }, [], Object.keys(server.headers))];
    });
  const all = [...app, ...fromFile];
  return all.length > 0 ? Object.fromEntries(all) : undefined;
}

/** LiteLLM's name for each search provider. */
const LITELLM_NAMES: Record<SearchProviderKind, string> = { searxng: 'searxng', brave: 'brave', tavily: 'tavily', exa: 'exa_ai' };

type GatewayConfigSearchTools = Array<{ search_tool_name: string; litellm_params: { search_provider: string; api_base?: string; api_key?: string } }>;

/** The search provider in force as search_tools; undefined when web search is off. */
export function exportedSearchTools(provider: { kind: SearchProviderKind; url: string | null; apiKey: string | null } | null): GatewayConfigSearchTools | undefined {
  if (!provider) return undefined;
  return [
    {
      search_tool_name: 'web-search',
      litellm_params: {
        search_provider: LITELLM_NAMES[provider.kind],
        ...(provider.url ? { api_base: provider.url } : {}),
        ...(provider.apiKey ? { api_key: envReference(variableName(provider.kind, 'API_KEY')) } : {}),
      },
    },
  ];
}
