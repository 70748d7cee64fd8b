// The MCP view's state: the servers /mcp serves (the app's and the config file's) with their live
// state, the one being added or edited, the servers found in the agents' config files, and which
// keys may use which servers (each key's metadata.mcp_servers).
import type { KeyView, McpImportCandidate, McpServerView } from '../../../shared/api.js';
import { call, loadFailure } from './api.js';
import { app } from './app.svelte.js';
import { confirmation } from './confirm.svelte.js';
import { draftErrors, draftOf, emptyDraft, inputOf, type McpDraft } from './mcp-draft.js';

class McpState {
  servers = $state<McpServerView[] | null>(null);
  /** The server the form edits: null for a new one; the form is closed when `draft` is null. */
  editing = $state<McpServerView | null>(null);
  draft = $state<McpDraft | null>(null);
  saving = $state(false);
  /** Save was pressed: the form's field errors show from then on (not while the person is still typing). */
  tried = $state(false);
  starting = $state<string | null>(null);
  candidates = $state<McpImportCandidate[] | null>(null);
  chosen = $state<string[]>([]);
  keys = $state<KeyView[] | null>(null);
  /** Why the servers could not be loaded (none shown yet); null once they are. */
  loadError = $state<string | null>(null);
  readonly errors = $derived(this.draft ? draftErrors(this.draft) : {});

  async load(): Promise<void> {
    try {
      // Revoked and expired keys have nothing to be granted: the active ones only.
      const [servers, keys] = await Promise.all([call('mcp.list', {}), call('keys.list', { status: 'active', page: 1, size: 100 })]);
      this.servers = servers;
      this.keys = keys.keys;
      this.loadError = null;
    } catch (error) {
      if (!this.servers) this.loadError = loadFailure(error);
      app.fail(error);
    }
  }

  add(): void {
    this.editing = null;
    this.tried = false;
    this.draft = emptyDraft();
  }

  edit(server: McpServerView): void {
    this.editing = server;
    this.tried = false;
    this.draft = draftOf(server);
  }

  close(): void {
    this.draft = null;
    this.editing = null;
  }

  async save(): Promise<boolean> {
    this.tried = true;
    if (!this.draft || Object.keys(this.errors).length) return false;
    this.saving = true;
    try {
      const input = inputOf(this.draft);
      const editing = this.editing;
      const saved = editing?.id ? await call('mcp.update', { ...input, id: editing.id, version: editing.version }) : await call('mcp.create', input);
      app.say(`MCP server "${saved.name}" saved; agents see it from their next request.`);
      this.close();
      await this.load();
      return true;
    } catch (error) {
      app.fail(error);
      return false;
    } finally {
      this.saving = false;
    }
  }

  async remove(server: McpServerView): Promise<void> {
    if (!server.id) return;
    const ok = await confirmation.ask({ title: `Remove MCP server "${server.name}"?`, body: 'Agents lose its tools from their next request; keys that name it keep the name.', confirmLabel: 'Remove' });
    if (!ok) return;
    try {
      await call('mcp.delete', { id: server.id });
      app.say(`MCP server "${server.name}" removed.`);
      await this.load();
    } catch (error) {
      app.fail(error);
    }
  }

  /** Starts a server now: its tools, or why it cannot start, show in its row. */
  async start(server: McpServerView): Promise<void> {
    this.starting = server.name;
    try {
      const view = await call('mcp.start', { name: server.name });
      this.servers = (this.servers ?? []).map((each) => (each.name === view.name && each.source === view.source ? view : each));
    } catch (error) {
      app.fail(error);
    } finally {
      this.starting = null;
    }
  }

  async findImports(): Promise<void> {
    try {
      this.candidates = await call('mcp.importPreview', {});
      this.chosen = this.candidates.filter((candidate) => !candidate.exists).map(candidateId);
    } catch (error) {
      app.fail(error);
    }
  }

  async importChosen(): Promise<void> {
    const servers = (this.candidates ?? []).filter((candidate) => this.chosen.includes(candidateId(candidate))).map(({ tool, name }) => ({ tool, name }));
    try {
      const result = await call('mcp.import', { servers });
      app.say(result.added.length ? `Imported ${result.added.join(', ')}.` : 'Nothing new to import.');
      this.candidates = null;
      await this.load();
    } catch (error) {
      app.fail(error);
    }
  }

  /** Saves a key's MCP access: null lets it use every server; a list, only those (server or server__tool patterns). */
  async setAccess(key: KeyView, patterns: string[] | null, lazy: boolean): Promise<boolean> {
    const { mcp_servers: _servers, mcp_lazy: _lazy, ...rest } = key.metadata;
    const metadata = { ...rest, ...(patterns === null ? {} : { mcp_servers: patterns }), ...(lazy ? { mcp_lazy: true } : {}) };
    try {
      await call('keys.update', { id: key.id, version: key.version, metadata });
      app.say(`MCP access of "${key.keyAlias ?? key.keyPrefix}" saved.`);
      await this.load();
      return true;
    } catch (error) {
      app.fail(error);
      return false;
    }
  }
}

export const candidateId = (candidate: Pick<McpImportCandidate, 'tool' | 'name'>): string => `${candidate.tool}/${candidate.name}`;

/** A key's MCP servers as a sentence: every server, none, or the list. */
export function accessSummary(key: KeyView): string {
  const value = key.metadata.mcp_servers;
  if (value === undefined || value === null) return 'All servers';
  const list = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  return list.length ? list.join(', ') : 'None';
}

export const mcp = new McpState();
