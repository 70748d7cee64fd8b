// An MCP server as its form edits it, to and from the API's shapes: args one per line, env and
// headers as rows whose values start empty (a stored value is never sent back to the page).
import type { McpServerInput, McpServerKind, McpServerView } from '../../../shared/mcp.js';

export interface SecretRow {
  name: string;
  value: string;
  /** The row was stored: an empty value keeps the stored one. */
  stored: boolean;
}

export interface McpDraft {
  name: string;
  kind: McpServerKind;
  command: string;
  args: string;
  cwd: string;
  env: SecretRow[];
  url: string;
  headers: SecretRow[];
  idleSeconds: string;
  enabled: boolean;
}

export function emptyDraft(): McpDraft {
  return { name: '', kind: 'stdio', command: '', args: '', cwd: '', env: [], url: '', headers: [], idleSeconds: '', enabled: true };
}

export function draftOf(view: McpServerView): McpDraft {
  const stored = (names: string[]): SecretRow[] => names.map((name) => ({ name, value: '', stored: true }));
  return {
    name: view.name,
    kind: view.kind,
    command: view.command ?? '',
    args: view.args.join('\n'),
    cwd: view.cwd ?? '',
    env: stored(view.envNames),
    url: view.url ?? '',
    headers: stored(view.headerNames),
    idleSeconds: view.idleSeconds === null ? '' : String(view.idleSeconds),
    enabled: view.enabled,
  };
}

export function inputOf(draft: McpDraft): McpServerInput {
  const fields = (rows: SecretRow[]) => rows.filter((row) => row.name.trim()).map((row) => ({ name: row.name.trim(), ...(row.value || !row.stored ? { value: row.value } : {}) }));
  const idle = draft.idleSeconds.trim();
  const common = { name: draft.name.trim(), kind: draft.kind, idleSeconds: idle === '' ? null : Number(idle), enabled: draft.enabled };
  if (draft.kind === 'stdio') {
    const args = draft.args.split('\n').filter((arg) => arg.trim() !== '');
    return { ...common, command: draft.command.trim(), args, cwd: draft.cwd.trim() || null, env: fields(draft.env) };
  }
  return { ...common, url: draft.url.trim(), headers: fields(draft.headers) };
}

/** What is wrong with the draft, field by field, before it is sent (the service checks again). */
export function draftErrors(draft: McpDraft): Partial<Record<'name' | 'command' | 'url' | 'idleSeconds', string>> {
  const errors: Partial<Record<'name' | 'command' | 'url' | 'idleSeconds', string>> = {};
  const name = draft.name.trim();
  if (!name) errors.name = 'Name the server; its tools are called <name>__<tool>.';
  else if (!/^[A-Za-z0-9_-]+$/.test(name) || name.includes('__')) errors.name = 'Use letters, digits, "-" and "_" (no "__").';
  if (draft.kind === 'stdio' && !draft.command.trim()) errors.command = 'Enter the command that starts the server, like npx.';
  if (draft.kind !== 'stdio' && !/^https?:\/\/[^/\s]+/.test(draft.url.trim())) errors.url = 'Enter an http(s) URL, like https://example.com/mcp.';
  const idle = draft.idleSeconds.trim();
  if (idle && !/^\d+$/.test(idle)) errors.idleSeconds = 'Enter whole seconds, or leave empty for 600.';
  return errors;
}
