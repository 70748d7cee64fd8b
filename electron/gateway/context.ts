// What one request carries through the gateway, and the small response helpers every route uses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenUsage } from '../providers/types.js';
import { GatewayError, openAIErrorBody } from './errors.js';

export interface RequestContext {
  readonly id: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  /** Aborted when the client goes away, so the upstream request stops too. */
  readonly signal: AbortSignal;
  model: string | null;
  deployment: string | null;
  usage: TokenUsage | null;
  stream: boolean;
}

export function sendJson(ctx: RequestContext, status: number, body: string, headers: Record<string, string> = {}): void {
  ctx.res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  ctx.res.end(body);
}

export function sendError(ctx: RequestContext, error: GatewayError): void {
  sendJson(ctx, error.status, openAIErrorBody(error), error.headers);
}

/** Resolves when the socket can take more, or when the client is gone. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
