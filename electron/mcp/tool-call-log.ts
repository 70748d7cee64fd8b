// Each tool call through /mcp, told to the request log once it is over: which server and tool,
// how long, whether it worked (and if not, why, in Loopgate's error codes), its arguments and
// result for the log to keep or drop by the key's capture setting.
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../config/index.js';
import { ERROR_CODES, type ErrorCode } from '../../shared/errors.js';
import { TOOL_SEPARATOR, type McpAccess } from './access.js';
import type { McpCall, McpHub } from './hub.js';
import { callLazyTool, lazyCallTarget } from './lazy.js';
import { McpRefusal } from './refusal.js';

/** Status the log gives a call the agent stopped (its client went away), as for model requests. */
const STOPPED = 499;

export interface McpToolCallRecord {
  /** The server and its tool; server null for Loopgate's own lazy `search_tools` (or a name that names no server). */
  server: string | null;
  tool: string;
  arguments: Record<string, unknown> | undefined;
  /** What the agent got back; null when the call was refused or failed. */
  result: CallToolResult | null;
  /** HTTP-like: 200 when it worked, the error code's status when not, 499 when the agent stopped it. */
  status: number;
  failure: { code: ErrorCode; message: string } | null;
  latencyMs: number;
  /** The server's own secrets (its env and header values), masked wherever the kept arguments or result repeat them. */
  serverSecrets: string[];
}

interface ToolCallRequest {
  access: McpAccess;
  lazy: boolean;
  admitCall: () => string | null;
  onToolCall: (call: McpToolCallRecord) => void;
}

/** Runs one tools/call (refused past the key's limit, lazily or directly) and tells the log how it went. */
export async function loggedToolCall(hub: McpHub, request: ToolCallRequest, name: string, args: Record<string, unknown> | undefined, call: McpCall): Promise<CallToolResult> {
  const started = process.hrtime.bigint();
  const called = calledTool(request.lazy, name, args);
  const serverSecrets = secretsOf(hub.servers().find((upstream) => upstream.name === called.server)?.config);
  const tell = (result: CallToolResult | null, failure: McpToolCallRecord['failure'], status: number): void =>
    request.onToolCall({ ...called, result, failure, status, latencyMs: Number(process.hrtime.bigint() - started) / 1e6, serverSecrets });
  const refusal = request.admitCall();
  if (refusal !== null) {
    tell(null, { code: 'rate_limit', message: refusal }, ERROR_CODES.rate_limit.status);
    return { isError: true, content: [{ type: 'text', text: refusal }] };
  }
  try {
    const result = request.lazy ? await callLazyTool(hub, request.access, name, args, call) : await hub.callTool(request.access, name, args, call);
    if (call.signal?.aborted) tell(result, null, STOPPED);
    else if (result.isError) tell(result, { code: 'upstream', message: textOf(result) }, ERROR_CODES.upstream.status);
    else tell(result, null, 200);
    return result;
  } catch (error) {
    if (call.signal?.aborted) tell(null, null, STOPPED);
    else {
      const failure = failureOf(error);
      tell(null, failure, ERROR_CODES[failure.code].status);
    }
    throw error;
  }
}

/** The server and tool a call names (`<server>__<tool>`; for a lazy key, the tool call_tool reaches); server null for search_tools or a name without a server. */
function calledTool(lazy: boolean, name: string, args: Record<string, unknown> | undefined): Pick<McpToolCallRecord, 'server' | 'tool' | 'arguments'> {
  const target = lazy ? lazyCallTarget(name, args) : { name, arguments: args };
  if (!target) return { server: null, tool: name, arguments: args };
  const at = target.name.indexOf(TOOL_SEPARATOR);
  if (at === -1) return { server: null, tool: target.name, arguments: target.arguments };
  return { server: target.name.slice(0, at), tool: target.name.slice(at + TOOL_SEPARATOR.length), arguments: target.arguments };
}

function failureOf(error: unknown): { code: ErrorCode; message: string } {
  if (error instanceof McpRefusal) return { code: error.logged, message: error.message };
  // The server's own JSON-RPC error, passed through to the agent.
  if (error instanceof McpError) return { code: 'upstream', message: error.message };
  return { code: 'upstream', message: error instanceof Error ? error.message : String(error) };
}

/** Shorter values would match ordinary words (as for the client's own tokens). */
const MIN_SECRET = 8;

function secretsOf(config: McpServerConfig | undefined): string[] {
  if (!config) return [];
  return Object.values(config.kind === 'stdio' ? config.env : config.headers).filter((value) => value.length >= MIN_SECRET);
}

function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join(' ');
}
