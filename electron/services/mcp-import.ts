// Finds the MCP servers the agents already declare in their own config files (Claude Code, Codex,
// Gemini CLI, opencode), read only: nothing of theirs is written. Each becomes an McpServerInput
// the app can add; a file that is missing or unreadable is passed over.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { McpSecretField, McpServerInput } from '../../shared/mcp.js';
import { parseToml } from './codex-toml.js';

export interface FoundServer {
  tool: string;
  file: string;
  server: McpServerInput;
}

type Entry = Record<string, unknown>;

interface AgentFile {
  tool: string;
  file: (home: string) => string;
  parse: (text: string) => unknown;
  /** The file's servers by name. */
  servers: (document: Entry) => Array<[string, Entry]>;
  read: (entry: Entry) => McpServerInput | null;
}

const AGENT_FILES: readonly AgentFile[] = [
  {
    tool: 'Claude Code',
    file: (home) => join(home, '.claude.json'),
    parse: JSON.parse,
    // User-scope servers, then each project's (local scope).
    servers: (doc) => [...entries(doc.mcpServers), ...Object.values(objectOr(doc.projects)).flatMap((project) => entries(objectOr(project).mcpServers))],
    read: (entry) => common(entry, entry.type === 'sse' ? 'sse' : 'http', stringOr(entry.url)),
  },
  {
    tool: 'Codex',
    file: (home) => join(home, '.codex', 'config.toml'),
    parse: parseToml,
    servers: (doc) => entries(doc.mcp_servers),
    read: (entry) => (entry.enabled === false ? null : common({ ...entry, headers: entry.http_headers }, 'http', stringOr(entry.url))),
  },
  {
    tool: 'Gemini CLI',
    file: (home) => join(home, '.gemini', 'settings.json'),
    parse: (text) => JSON.parse(withoutComments(text)) as unknown,
    servers: (doc) => entries(doc.mcpServers),
    // `httpUrl` is streamable HTTP, `url` SSE.
    read: (entry) => common(entry, typeof entry.httpUrl === 'string' ? 'http' : 'sse', stringOr(entry.httpUrl) ?? stringOr(entry.url)),
  },
  {
    tool: 'opencode',
    file: (home) => join(home, '.config', 'opencode', 'opencode.json'),
    parse: (text) => JSON.parse(withoutComments(text)) as unknown,
    servers: (doc) => entries(doc.mcp),
    read: (entry) => {
      if (entry.enabled === false) return null;
      const command = Array.isArray(entry.command) ? entry.command.filter((part): part is string => typeof part === 'string') : [];
      if (entry.type === 'local' && command.length > 0) return { name: '', kind: 'stdio', command: command[0]!, args: command.slice(1), env: fields(entry.environment) };
      return common({ headers: entry.headers }, 'http', stringOr(entry.url));
    },
  },
];

/** Every server the agents' files under `home` declare, in the order above; a name seen twice in one file is kept once. */
export async function findAgentServers(home: string): Promise<FoundServer[]> {
  const found: FoundServer[] = [];
  for (const agent of AGENT_FILES) {
    const file = agent.file(home);
    let document: unknown;
    try {
      document = agent.parse(await readFile(file, 'utf8'));
    } catch {
      continue;
    }
    const seen = new Set<string>();
    for (const [name, entry] of agent.servers(objectOr(document))) {
      const server = agent.read(entry);
      const cleanName = serverName(name);
      if (!server || !cleanName || seen.has(cleanName)) continue;
      seen.add(cleanName);
      found.push({ tool: agent.tool, file, server: { ...server, name: cleanName } });
    }
  }
  return found;
}

/** The `command`/`args`/`env`/`cwd` or URL/`headers` shape most agents share; null for an entry with neither. */
function common(entry: Entry, remote: 'http' | 'sse', url: string | null): McpServerInput | null {
  const command = stringOr(entry.command);
  if (command) {
    const args = Array.isArray(entry.args) ? entry.args.filter((arg): arg is string => typeof arg === 'string') : [];
    return { name: '', kind: 'stdio', command, args, env: fields(entry.env), cwd: stringOr(entry.cwd) };
  }
  return url && /^https?:\/\//.test(url) ? { name: '', kind: remote, url, headers: fields(entry.headers) } : null;
}

/** Loopgate's names hold letters, digits, "-" and "_" and no "__" (it separates server and tool). */
function serverName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/_{2,}/g, '_')
    .slice(0, 64);
}

function fields(value: unknown): McpSecretField[] {
  return Object.entries(objectOr(value)).flatMap(([name, text]) => (typeof text === 'string' ? [{ name, value: text }] : []));
}

function entries(value: unknown): Array<[string, Entry]> {
  return Object.entries(objectOr(value)).map(([name, entry]) => [name, objectOr(entry)]);
}

function objectOr(value: unknown): Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Entry) : {};
}

function stringOr(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** JSON with // and /* *\/ comments and trailing commas (opencode.jsonc, Gemini's settings), as plain JSON. */
function withoutComments(text: string): string {
  let out = '';
  for (let at = 0; at < text.length; at++) {
    const char = text[at]!;
    if (char === '"') {
      const end = stringEnd(text, at);
      out += text.slice(at, end);
      at = end - 1;
    } else if (text.startsWith('//', at)) {
      const end = text.indexOf('\n', at);
      at = (end === -1 ? text.length : end) - 1;
    } else if (text.startsWith('/*', at)) {
      const end = text.indexOf('*/', at + 2);
      at = (end === -1 ? text.length : end + 2) - 1;
    } else if (char !== ',' || !closesNext(text, at + 1)) out += char;
  }
  return out;
}

function stringEnd(text: string, start: number): number {
  for (let at = start + 1; at < text.length; at++) {
    if (text[at] === '\\') at += 1;
    else if (text[at] === '"') return at + 1;
  }
  return text.length;
}

/** Whether the next character past blanks closes an object or array (a trailing comma before it is dropped). */
function closesNext(text: string, from: number): boolean {
  let at = from;
  while (at < text.length && /\s/.test(text[at]!)) at += 1;
  return text[at] === '}' || text[at] === ']';
}
