// The MCP servers the hub serves, as the app shows and edits them: the app's (stored, versioned,
// secrets sealed) and the config file's (read-only), each with its live state and tools.

export type McpServerKind = 'stdio' | 'http' | 'sse';
type McpServerState = 'stopped' | 'starting' | 'running' | 'failed';

/** One env variable or header: a value left out keeps the stored one (values are never shown back). */
export interface McpSecretField {
  name: string;
  value?: string;
}

export interface McpServerInput {
  name: string;
  kind: McpServerKind;
  command?: string | null;
  args?: string[];
  cwd?: string | null;
  /** stdio: the variables the server starts with; names not listed are removed. */
  env?: McpSecretField[];
  url?: string | null;
  /** Remote: the headers sent with each request; names not listed are removed. */
  headers?: McpSecretField[];
  /** Stop an unused server after this many seconds; 0 keeps it running; null: the default (600). */
  idleSeconds?: number | null;
  enabled?: boolean;
}

interface McpToolView {
  name: string;
  description: string;
}

export interface McpServerView {
  /** The app's row id; the config file's servers have none. */
  id: string | null;
  name: string;
  kind: McpServerKind;
  source: 'app' | 'config';
  command: string | null;
  args: string[];
  cwd: string | null;
  /** The names only: values are sealed and never shown back. */
  envNames: string[];
  url: string | null;
  headerNames: string[];
  idleSeconds: number | null;
  enabled: boolean;
  /** An app server of this name hides the config file's (the app's wins). */
  shadowed: boolean;
  state: McpServerState;
  /** The tools of the last connection (null: never started). */
  tools: McpToolView[] | null;
  lastError: string | null;
  starts: number;
  version: number;
}

/** A server declared in an agent's config file; values of its env and headers stay there until it is imported. */
export interface McpImportCandidate {
  /** The tool whose file declares it: "Claude Code", "Codex", "Gemini CLI", "opencode". */
  tool: string;
  file: string;
  name: string;
  kind: McpServerKind;
  command: string | null;
  args: string[];
  url: string | null;
  envNames: string[];
  headerNames: string[];
  /** A server of this name is already in Loopgate: importing skips it. */
  exists: boolean;
}

export interface McpImportResult {
  added: string[];
  skipped: string[];
}
