// MCP servers added in the app: one versioned row each. Env values and headers are sealed as one
// JSON object each (like provider keys); the rows as callers see them carry only their names, and
// only `reveal` (for the hub) opens them.
import type { McpSecretField, McpServerInput, McpServerKind } from '../../shared/mcp.js';
import { bool, defineTable, json, nullable, number, text, textOf, updateVersioned, ROW_VERSION, type RowRepository } from './columns.js';
import type { SecretBox } from './secrets.js';
import type { SqlConnection } from './sql.js';

export interface StoredMcpServer {
  id: string;
  name: string;
  kind: McpServerKind;
  command: string | null;
  args: string[];
  cwd: string | null;
  envSealed: string | null;
  url: string | null;
  headersSealed: string | null;
  idleSeconds: number | null;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** A row as callers see it: the env and header names, never their values. */
export type McpServerRow = Omit<StoredMcpServer, 'envSealed' | 'headersSealed'> & { envNames: string[]; headerNames: string[] };

/** A row with its env and headers opened, for the hub to start or reach the server. */
export type RevealedMcpServer = Omit<StoredMcpServer, 'envSealed' | 'headersSealed'> & { env: Record<string, string>; headers: Record<string, string> };

export const MCP_SERVERS = defineTable<StoredMcpServer>('mcp_servers', {
  id: text('id'),
  name: text('name'),
  kind: textOf<McpServerKind>('kind'),
  command: nullable(text('command')),
  args: json<string[]>('args', []),
  cwd: nullable(text('cwd')),
  envSealed: nullable(text('env_sealed')),
  url: nullable(text('url')),
  headersSealed: nullable(text('headers_sealed')),
  idleSeconds: nullable(number('idle_seconds')),
  enabled: bool('enabled'),
  ...ROW_VERSION,
});

export interface McpServerRepository extends RowRepository<McpServerRow, McpServerInput> {
  /** Every row with its secrets opened. */
  reveal(): Promise<RevealedMcpServer[]>;
  /** Called after each write this process made, for the hub to reload. */
  onChange(listener: () => void): void;
}

export class SqlMcpServerRepository implements McpServerRepository {
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly db: SqlConnection,
    private readonly box: SecretBox,
  ) {}

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  async create(id: string, input: McpServerInput, now: number): Promise<McpServerRow> {
    const fields = { id, ...this.fields(input, null), createdAt: now, updatedAt: now };
    const row = await this.db.transaction(async (tx) => (await MCP_SERVERS.insert(tx, fields))!);
    this.changed();
    return this.view(row);
  }

  async list(): Promise<McpServerRow[]> {
    return (await MCP_SERVERS.all(this.db, 'ORDER BY name')).map((row) => this.view(row));
  }

  async update(id: string, input: McpServerInput, expectedVersion: number, now: number): Promise<McpServerRow> {
    const row = await this.db.transaction(async (tx) => {
      // The stored secrets are read in the same transaction: a field without a value keeps its stored one.
      const stored = (await MCP_SERVERS.get(tx, `WHERE id = ? ${this.db.dialect.forUpdate}`, [id])) ?? null;
      const set = { ...this.fields(input, stored), updatedAt: now };
      return updateVersioned(tx, MCP_SERVERS, { id, set, expectedVersion, noun: 'MCP server', view: (current) => this.view(current) });
    });
    this.changed();
    return this.view(row);
  }

  async delete(id: string): Promise<boolean> {
    const deleted = (await this.db.transaction((tx) => tx.run('DELETE FROM mcp_servers WHERE id = ?', [id]))) > 0;
    if (deleted) this.changed();
    return deleted;
  }

  async reveal(): Promise<RevealedMcpServer[]> {
    return (await MCP_SERVERS.all(this.db, 'ORDER BY name')).map(({ envSealed, headersSealed, ...row }) => ({ ...row, env: this.open(envSealed), headers: this.open(headersSealed) }));
  }

  /** Tells the listeners (also for another instance's write, store/changes.ts). */
  changed(): void {
    for (const listener of this.listeners) listener();
  }

  private fields(input: McpServerInput, stored: StoredMcpServer | null): Omit<StoredMcpServer, 'id' | 'createdAt' | 'updatedAt' | 'version'> {
    const stdio = input.kind === 'stdio';
    return {
      name: input.name,
      kind: input.kind,
      command: stdio ? (input.command ?? null) : null,
      args: stdio ? (input.args ?? []) : [],
      cwd: stdio ? (input.cwd ?? null) : null,
      envSealed: stdio ? this.seal(input.env ?? [], this.open(stored?.envSealed ?? null)) : null,
      url: stdio ? null : (input.url ?? null),
      headersSealed: stdio ? null : this.seal(input.headers ?? [], this.open(stored?.headersSealed ?? null)),
      idleSeconds: input.idleSeconds ?? null,
      enabled: input.enabled ?? true,
    };
  }

  /** The fields as one sealed object; a field without a value keeps the stored one (none stored: it is left out). */
  private seal(fields: readonly McpSecretField[], stored: Record<string, string>): string | null {
    const entries = fields.flatMap(({ name, value }): Array<[string, string]> => {
      const kept = value ?? stored[name];
      return kept === undefined ? [] : [[name, kept]];
    });
    return entries.length ? this.box.seal(JSON.stringify(Object.fromEntries(entries))) : null;
  }

  private open(sealed: string | null): Record<string, string> {
    return sealed ? (JSON.parse(this.box.open(sealed)) as Record<string, string>) : {};
  }

  private view({ envSealed, headersSealed, ...row }: StoredMcpServer): McpServerRow {
    return { ...row, envNames: Object.keys(this.open(envSealed)), headerNames: Object.keys(this.open(headersSealed)) };
  }
}
