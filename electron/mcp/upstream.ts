// One MCP server behind the hub: started (stdio) or connected (remote) on first use, its tools
// listed once per connection, restarted with backoff after a crash, stopped when idle.
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, McpError, ProgressNotificationSchema, type CallToolResult, type ServerCapabilities, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../config/index.js';

export type UpstreamState = 'stopped' | 'starting' | 'running' | 'failed';

/** What a caller is told when the server cannot serve: it names the server, and why. */
export class UpstreamUnavailable extends Error {}

export interface UpstreamOptions {
  clientVersion: string;
  /** A call waits out a backoff this short instead of failing at once. */
  maxWaitMs?: number;
  /** The longest wait between restarts. */
  maxBackoffMs?: number;
  /** How long connecting and listing the tools may take. */
  startTimeoutMs?: number;
  /** How long a forwarded request may go without an answer or progress (default 5 minutes). */
  quietTimeoutMs?: number;
}

/** What a forwarded request carries from the agent: its cancellation, and a sink for the server's progress. */
export interface UpstreamRequest {
  signal?: AbortSignal;
  onprogress?: (progress: { progress: number; total?: number; message?: string }) => void;
}

type Progress = Parameters<NonNullable<UpstreamRequest['onprogress']>>[0];

/** A forwarded request that neither answers nor reports progress for this long has timed out. */
const QUIET_TIMEOUT_MS = 300_000;
/** The SDK's own timeout, left to ours (above): a day. */
const SDK_TIMEOUT_MS = 86_400_000;

const STDERR_KEPT = 2_000;
const FIRST_BACKOFF_MS = 500;

export class McpUpstream {
  private client: Client | null = null;
  private starting: Promise<Client> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private failures = 0;
  private retryAt = 0;
  private stderrTail = '';
  /** Where each forwarded request's progress goes, by the token Loopgate sent with it. */
  private readonly progressSinks = new Map<string, (progress: Progress) => void>();
  private progressTokens = 0;
  /** The tools of the last connection, kept while the server is down so the catalogue stays stable. */
  private knownTools: Tool[] | null = null;
  state: UpstreamState = 'stopped';
  lastError: string | null = null;
  /** Times the server was started (restarts included), for the app's view and tests. */
  starts = 0;

  constructor(
    readonly config: McpServerConfig,
    private readonly options: UpstreamOptions,
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** The server's tools: a running server's, else it is started; throws UpstreamUnavailable when it cannot be. */
  async tools(): Promise<Tool[]> {
    await this.connected();
    return this.knownTools ?? [];
  }

  /** The tools of the last connection (null if it never ran), without starting anything. */
  lastKnownTools(): Tool[] | null {
    return this.knownTools;
  }

  async callTool(name: string, args: Record<string, unknown> | undefined, request: UpstreamRequest): Promise<CallToolResult> {
    return this.forward(request, (client, meta, options) => client.callTool({ name, ...(args ? { arguments: args } : {}), _meta: meta }, undefined, options) as Promise<CallToolResult>);
  }

  /**
   * Runs one request for an agent: its cancellation passed on, the server's progress reported
   * to it (which also holds off the timeout). Progress goes by a token of Loopgate's own, not
   * the SDK's onprogress: the SDK drops progress that arrives in one read with the answer.
   */
  forward<T>(request: UpstreamRequest, send: (client: Client, meta: { progressToken?: string }, options: RequestOptions) => Promise<T>): Promise<T> {
    return this.using(async (client) => {
      const quiet = new AbortController();
      const quietMs = this.options.quietTimeoutMs ?? QUIET_TIMEOUT_MS;
      const timeout = (): NodeJS.Timeout => setTimeout(() => quiet.abort(new McpError(ErrorCode.RequestTimeout, `No answer from MCP server "${this.name}" in ${quietMs / 1000} s`)), quietMs);
      let timer = timeout();
      const { onprogress } = request;
      const token = onprogress ? `loopgate-${++this.progressTokens}` : null;
      if (token && onprogress) {
        this.progressSinks.set(token, (progress) => {
          clearTimeout(timer);
          timer = timeout();
          onprogress(progress);
        });
      }
      try {
        return await send(client, token ? { progressToken: token } : {}, { signal: request.signal ? AbortSignal.any([request.signal, quiet.signal]) : quiet.signal, timeout: SDK_TIMEOUT_MS });
      } finally {
        clearTimeout(timer);
        if (token) this.progressSinks.delete(token);
      }
    });
  }

  /** What the running (else started) server offers beyond tools: resources, prompts. */
  async capabilities(): Promise<ServerCapabilities> {
    return (await this.connected()).getServerCapabilities() ?? {};
  }

  /** Runs one request on the server (started as needed), holding off the idle stop while it runs. */
  private async using<T>(request: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.connected();
    this.inFlight += 1;
    this.holdIdle();
    try {
      return await request(client);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0 && this.client === client) this.armIdle();
    }
  }

  /** Stops the server (idle, or Loopgate closing); the next use starts it again. */
  async stop(): Promise<void> {
    this.holdIdle();
    const client = this.client;
    this.client = null;
    if (this.state === 'running') this.state = 'stopped';
    await client?.close().catch(() => undefined);
  }

  private async connected(): Promise<Client> {
    if (this.client) return this.client;
    if (this.starting) return this.starting;
    const wait = this.retryAt - Date.now();
    if (wait > (this.options.maxWaitMs ?? 2_000)) {
      throw new UpstreamUnavailable(`MCP server "${this.name}" is unavailable (${this.lastError ?? 'it failed'}); the next start is tried in ${Math.ceil(wait / 1000)} s.`);
    }
    this.starting = (wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve()).then(() => this.start());
    try {
      return await this.starting;
    } finally {
      this.starting = null;
    }
  }

  private async start(): Promise<Client> {
    this.state = 'starting';
    this.starts += 1;
    this.stderrTail = '';
    const client = new Client({ name: 'loopgate', version: this.options.clientVersion });
    client.setNotificationHandler(ProgressNotificationSchema, (notification) => {
      const { progressToken, ...progress } = notification.params;
      this.progressSinks.get(String(progressToken))?.(progress);
    });
    try {
      const transport = this.transport();
      await client.connect(transport, { timeout: this.options.startTimeoutMs ?? 30_000 });
      this.knownTools = await listAllTools(client, this.options.startTimeoutMs ?? 30_000);
    } catch (error) {
      await client.close().catch(() => undefined);
      throw this.failed(`could not start: ${reason(error)}${this.stderrHint()}`);
    }
    // A close Loopgate did not ask for is a crash: the next use restarts it, after a backoff.
    client.onclose = () => {
      if (this.client !== client) return;
      this.client = null;
      this.failed(`stopped unexpectedly${this.stderrHint()}`);
    };
    this.client = client;
    this.state = 'running';
    this.failures = 0;
    this.retryAt = 0;
    this.lastError = null;
    this.armIdle();
    return client;
  }

  private transport(): Transport {
    const { config } = this;
    if (config.kind !== 'stdio') {
      const requestInit = { headers: { ...config.headers } };
      return config.kind === 'sse' ? new SSEClientTransport(new URL(config.url), { requestInit }) : new StreamableHTTPClientTransport(new URL(config.url), { requestInit });
    }
    const transport = new StdioClientTransport({ command: config.command, args: [...config.args], env: { ...getDefaultEnvironment(), ...config.env }, ...(config.cwd ? { cwd: config.cwd } : {}), stderr: 'pipe' });
    (transport.stderr as Readable | null)?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    return transport;
  }

  /** Records a failure and when the next start may be tried; returns the error to throw. */
  private failed(what: string): UpstreamUnavailable {
    this.holdIdle();
    this.failures += 1;
    this.retryAt = Date.now() + Math.min(this.options.maxBackoffMs ?? 30_000, FIRST_BACKOFF_MS * 2 ** (this.failures - 1));
    this.state = 'failed';
    this.lastError = what;
    return new UpstreamUnavailable(`MCP server "${this.name}" ${what}`);
  }

  private stderrHint(): string {
    const lines = this.stderrTail
      .trim()
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    // A crash's last lines are often its stack's end or the runtime's version; the error line says why.
    const said = lines.find((line) => /\b(error|cannot|not found|denied)\b/i.test(line));
    const tail = [...new Set([...(said ? [said] : []), ...lines.slice(-2)])].join(' | ');
    return tail ? ` (stderr: ${tail.slice(0, 500)})` : '';
  }

  private armIdle(): void {
    this.holdIdle();
    if (this.config.idleMs === null) return;
    this.idleTimer = setTimeout(() => void this.stop(), this.config.idleMs);
    this.idleTimer.unref();
  }

  private holdIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

async function listAllTools(client: Client, timeout: number): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  // A server that pages forever is cut off: a hundred pages is far past any real catalogue.
  for (let page = 0; page < 100; page++) {
    const result = await client.listTools(cursor ? { cursor } : {}, { timeout });
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return tools;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
