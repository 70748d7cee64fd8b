// The /mcp endpoint's row: any key may call it, each seeing the MCP servers and tools its
// metadata allows (mcp/access.ts); the hub and the MCP session logic live in electron/mcp/.
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../core/errors.js';
import type { Accounting } from '../accounting/accounting.js';
import { projectOf, sessionOf } from '../accounting/attribution.js';
import { captureModeFor, clientTokens, type LiveCapture } from '../accounting/capture.js';
import { clientName } from '../accounting/client-name.js';
import type { RateLimiter } from '../access/limits.js';
import { accessFromMetadata, ALL_ACCESS } from '../../mcp/access.js';
import { serveMcp } from '../../mcp/endpoint.js';
import type { McpHub } from '../../mcp/hub.js';
import type { McpToolCallRecord } from '../../mcp/tool-call-log.js';
import { readJsonObject } from './body.js';
import { adoptAnswerHeaders, type RequestContext } from './context.js';
import type { Route } from './routes.js';

export interface McpDeps {
  hub: McpHub;
  version: string;
  limiter: RateLimiter;
  accounting: Accounting;
  /** The app's capture setting: which calls keep their arguments and result in the request log. */
  capture: LiveCapture;
  clock: () => number;
}

/** Each tool call of one POST, as a request-log row of its own (attributed like the POST: key, client, session, project). */
function toolCallLogger(ctx: RequestContext, deps: McpDeps): (call: McpToolCallRecord) => void {
  const capture = captureModeFor(ctx.caller, ctx.req.headers, deps.capture);
  const virtual = ctx.caller?.kind === 'virtual' ? ctx.caller.key : null;
  return (call) =>
    deps.accounting.recordMcpCall({
      id: randomUUID(),
      time: deps.clock(),
      keyId: virtual?.id ?? null,
      mcp: { server: call.server, tool: call.tool },
      status: call.status,
      latencyMs: Math.round(call.latencyMs * 100) / 100,
      failure: call.failure,
      capture,
      arguments: JSON.stringify(call.arguments ?? {}),
      result: call.result === null ? null : JSON.stringify(call.result),
      clientTokens: capture === 'off' ? [] : [...clientTokens(ctx.req.headers, ctx.search), ...call.serverSecrets],
      client: clientName(ctx.req.headers['user-agent']),
      session: sessionOf(ctx.req.headers),
      project: projectOf(ctx.req.headers),
    });
}

/** A key's `metadata.mcp_rpm`: its MCP tool calls per minute, counted apart from its model requests (in this process). */
function callAdmission(limiter: RateLimiter, keyId: string, rpm: unknown): () => string | null {
  if (typeof rpm !== 'number' || !(rpm >= 0)) return () => null;
  return () => {
    try {
      limiter.admit(`mcp:${keyId}`, { rpmLimit: rpm, tpmLimit: null, maxParallelRequests: null }, 'This key').release(0);
      return null;
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      return `Too many MCP tool calls: ${error.message.replace('requests', 'tool calls').replace(/\.$/, '')} (metadata.mcp_rpm); retry in ${error.headers['retry-after'] ?? '60'} s.`;
    }
  };
}

/**
 * The POST's JSON-RPC message; null when it could not be read, after answering as JSON-RPC does
 * (-32700 for a body that is not a JSON object, -32600 for one refused before that), which an MCP
 * client shows instead of an OpenAI-shaped error it cannot read.
 */
async function readMcpMessage(ctx: RequestContext): Promise<Record<string, unknown> | null> {
  try {
    return await readJsonObject(ctx.req);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    const code = error.status === 400 ? -32700 : -32600;
    ctx.res.writeHead(error.status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message: error.message } }));
    return null;
  }
}

export const MCP_ROUTES: readonly Route<McpDeps>[] = [
  {
    method: ['POST', 'GET', 'DELETE'],
    path: '/mcp',
    access: 'any-key',
    errors: 'openai',
    pausable: false,
    ownsPath: true,
    handle: async (ctx, deps) => {
      // Stateless: no session to resume or end, and no stream of server-sent requests to open.
      if (ctx.req.method !== 'POST') throw new GatewayError('invalid_request', "Loopgate's /mcp is stateless streamable HTTP: send each JSON-RPC message as a POST.", { status: 405, headers: { allow: 'POST' } });
      const body = await readMcpMessage(ctx);
      if (!body) return;
      const caller = ctx.caller;
      const virtual = caller?.kind === 'virtual' ? caller.key : null;
      adoptAnswerHeaders(ctx);
      await serveMcp(deps.hub, {
        req: ctx.req,
        res: ctx.res,
        body,
        access: virtual ? accessFromMetadata(virtual.metadata.mcp_servers) : ALL_ACCESS,
        lazy: virtual?.metadata.mcp_lazy === true,
        admitCall: virtual ? callAdmission(deps.limiter, virtual.id, virtual.metadata.mcp_rpm) : () => null,
        caller: virtual ? virtual.id : 'master',
        version: deps.version,
        onToolCall: toolCallLogger(ctx, deps),
      });
    },
  },
];
