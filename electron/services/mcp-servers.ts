// MCP servers: the app's (stored, versioned, env values and headers sealed) merged with the config
// file's mcpServers, the app's winning by name. Every edit is checked here once and handed to the
// hub at once (the next /mcp request sees it, no restart); the views carry each server's live state.
import { z } from 'zod';
import type { McpImportCandidate, McpImportResult, McpServerInput, McpServerView } from '../../shared/mcp.js';
import { MCP_DEFAULT_IDLE_SECONDS, MCP_SERVER_NAME, type McpServerConfig } from '../config/index.js';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { McpServerRow, RevealedMcpServer } from '../store/mcp-servers.js';
import { randomBase62 } from '../store/secrets.js';
import { notFound, storeChange } from './errors.js';
import { findAgentServers, type FoundServer } from './mcp-import.js';
import type { McpHubControl } from './ports.js';
import { MAX_LENGTH, parseInput, text } from './validation.js';
import type { StoreDeps } from './deps.js';

const secretField = (name: z.ZodString) => z.object({ name, value: text(MAX_LENGTH.secret).optional() });
const httpUrl = text(MAX_LENGTH.url)
  .trim()
  .refine((value) => /^https?:\/\/[^/\s]+/.test(value), 'expected an http(s) URL, like http://127.0.0.1:3000/mcp');

export const mcpServerSchema = z
  .object({
    name: text(64)
      .regex(MCP_SERVER_NAME, 'expected letters, digits, "-" and "_" (the name prefixes the tools as <server>__<tool>)')
      .refine((name) => !name.includes('__'), 'expected no "__" (it separates the server from the tool in tool names)'),
    kind: z.enum(['stdio', 'http', 'sse'], 'expected stdio, http or sse'),
    command: text(MAX_LENGTH.url).trim().nullable().optional(),
    args: z.array(text(MAX_LENGTH.url)).max(100, 'expected at most 100 arguments').optional(),
    cwd: text(MAX_LENGTH.url).trim().nullable().optional(),
    env: z
      .array(secretField(text(200).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a variable name: letters, digits and "_"')))
      .max(100)
      .optional(),
    url: z
      .union([z.literal('').transform(() => null), httpUrl])
      .nullable()
      .optional(),
    headers: z
      .array(secretField(text(200).regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected a header name, like Authorization')))
      .max(100)
      .optional(),
    idleSeconds: z.number().int('expected a whole number').nonnegative('expected 0 or more').nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .superRefine((server, ctx) => {
    if (server.kind === 'stdio' && !server.command) ctx.addIssue({ code: 'custom', path: ['command'], message: 'a stdio server needs the command that starts it, like npx' });
    if (server.kind !== 'stdio' && !server.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'a remote server needs its URL, like https://example.com/mcp' });
  });
const updateSchema = z.object({ id: text(MAX_LENGTH.id).min(1, 'expected an id'), version: z.number().int().nonnegative() });
const importSchema = z.object({ servers: z.array(z.object({ tool: text(50), name: text(64) })).max(200) });

export interface McpServerServiceDeps extends StoreDeps {
  hub: McpHubControl;
  /** Where the agents' config files are looked for (their HOME). */
  home: string;
  logger: Logger;
}

export class McpServerService {
  constructor(private readonly deps: McpServerServiceDeps) {}

  /** The app's servers and the config file's, each with its live state, by name. */
  async list(): Promise<McpServerView[]> {
    const rows = await this.deps.store.mcpServers.list();
    const status = new Map(this.deps.hub.status().map((entry) => [entry.name, entry]));
    const appNames = new Set(rows.map((row) => row.name));
    const views = [...rows.map((row) => this.view(fromRow(row), status)), ...this.deps.config.mcpServers.map((server) => this.view(fromConfig(server, appNames.has(server.name)), status))];
    return views.sort((a, b) => a.name.localeCompare(b.name) || (a.source === 'app' ? -1 : 1));
  }

  async create(input: McpServerInput): Promise<McpServerView> {
    const valid = parseInput(mcpServerSchema, input);
    const row = await storeChange(
      () => this.deps.store.mcpServers.create(`mcp_${randomBase62(12)}`, valid, this.deps.clock()),
      (current: McpServerRow) => current,
      'MCP server',
    );
    await this.apply();
    return this.viewOf(row);
  }

  async update(input: McpServerInput & { id: string; version: number }): Promise<McpServerView> {
    const { id, version } = parseInput(updateSchema, input);
    const valid = parseInput(mcpServerSchema, input);
    const row = await storeChange(
      () => this.deps.store.mcpServers.update(id, valid, version, this.deps.clock()),
      (current: McpServerRow) => this.viewOf(current),
      'MCP server',
    );
    await this.apply();
    return this.viewOf(row);
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.deps.store.mcpServers.delete(id);
    await this.apply();
    return deleted;
  }

  /** Starts a server now, so the view shows its tools or why it cannot start. */
  async start(name: string): Promise<McpServerView> {
    await this.deps.hub.start(name);
    const view = (await this.list()).find((server) => server.name === name && !server.shadowed);
    if (!view) throw notFound('MCP server', 'name');
    return view;
  }

  /** Hands the hub what it serves now; called at start and after each change (the answer to an edit means /mcp serves it). */
  async apply(): Promise<void> {
    const rows = await this.deps.store.mcpServers.reveal();
    const app = rows.filter((row) => row.enabled).map(toConfig);
    const names = new Set(rows.map((row) => row.name));
    await this.deps.hub.reload([...app, ...this.deps.config.mcpServers.filter((server) => !names.has(server.name))]);
  }

  /** The servers the agents' own config files declare (read only), and whether each is here already. */
  async importPreview(): Promise<McpImportCandidate[]> {
    const known = new Set((await this.list()).map((server) => server.name));
    return (await findAgentServers(this.deps.home)).map(({ tool, file, server }) => ({
      tool,
      file,
      name: server.name,
      kind: server.kind,
      command: server.command ?? null,
      args: server.args ?? [],
      url: server.url ?? null,
      envNames: (server.env ?? []).map((field) => field.name),
      headerNames: (server.headers ?? []).map((field) => field.name),
      exists: known.has(server.name),
    }));
  }

  /** Adds the chosen servers found by importPreview (their env values and headers sealed); one already here is skipped. */
  async import(request: { servers: Array<{ tool: string; name: string }> }): Promise<McpImportResult> {
    const { servers } = parseInput(importSchema, request);
    const found = await findAgentServers(this.deps.home);
    const known = new Set((await this.list()).map((server) => server.name));
    const result: McpImportResult = { added: [], skipped: [] };
    for (const wanted of servers) {
      const match: FoundServer | undefined = found.find((entry) => entry.tool === wanted.tool && entry.server.name === wanted.name);
      if (!match) throw new GatewayError('not_found', `${wanted.tool} no longer declares an MCP server "${wanted.name}"; look again.`, { param: 'servers' });
      if (known.has(wanted.name)) {
        result.skipped.push(wanted.name);
        continue;
      }
      await this.create(match.server);
      known.add(wanted.name);
      result.added.push(wanted.name);
    }
    return result;
  }

  private viewOf(row: McpServerRow): McpServerView {
    return this.view(fromRow(row), new Map(this.deps.hub.status().map((entry) => [entry.name, entry])));
  }

  private view(base: Omit<McpServerView, 'state' | 'tools' | 'lastError' | 'starts'>, status: Map<string, ReturnType<McpHubControl['status']>[number]>): McpServerView {
    // A shadowed or disabled server is not in the hub: it shows as stopped, with no tools.
    const live = base.shadowed || !base.enabled ? undefined : status.get(base.name);
    return {
      ...base,
      state: live?.state ?? 'stopped',
      tools: live?.tools?.map((tool) => ({ name: tool.name, description: tool.description ?? '' })) ?? null,
      lastError: live?.lastError ?? null,
      starts: live?.starts ?? 0,
    };
  }
}

function fromRow(row: McpServerRow): Omit<McpServerView, 'state' | 'tools' | 'lastError' | 'starts'> {
  const { createdAt: _created, updatedAt: _updated, ...rest } = row;
  return { ...rest, source: 'app', shadowed: false };
}

function fromConfig(server: McpServerConfig, shadowed: boolean): Omit<McpServerView, 'state' | 'tools' | 'lastError' | 'starts'> {
  const stdio = server.kind === 'stdio';
  return {
    id: null,
    name: server.name,
    kind: server.kind,
    source: 'config',
    command: stdio ? server.command : null,
    args: stdio ? [...server.args] : [],
    cwd: stdio ? server.cwd : null,
    envNames: stdio ? Object.keys(server.env) : [],
    url: stdio ? null : server.url,
    headerNames: stdio ? [] : Object.keys(server.headers),
    idleSeconds: server.idleMs === null ? 0 : server.idleMs / 1000,
    enabled: true,
    shadowed,
    version: 0,
  };
}

function toConfig(row: RevealedMcpServer): McpServerConfig {
  const seconds = row.idleSeconds ?? MCP_DEFAULT_IDLE_SECONDS;
  const base = { name: row.name, idleMs: seconds === 0 ? null : seconds * 1000 };
  if (row.kind === 'stdio') return { ...base, kind: 'stdio', command: row.command ?? '', args: row.args, env: row.env, cwd: row.cwd };
  return { ...base, kind: row.kind, url: row.url ?? '', headers: row.headers };
}
