// The shape every provider family implements: plain data in, plain data out, no HTTP framework.
import type { ChatChunk, ChatCompletion, ChatRequest } from '../core/chat.js';
import type { DeploymentConfig, Dialect, UpstreamRequest } from '../core/deployment.js';

/** Turns an upstream's streamed bytes into chat pivot chunks. */
export interface ChatStreamDecoder {
  push(bytes: Buffer): ChatChunk[];
  end(): ChatChunk[];
}

export interface ProviderFamily {
  readonly name: string;
  /** Base URL used when a deployment names no `api_base`. */
  readonly defaultApiBase: string;
  /** Headers every request carries unless the client set them (e.g. `anthropic-version`). */
  readonly defaultHeaders?: Readonly<Record<string, string>>;
  /** Dialects this deployment speaks natively: their bodies pass through with only the model changed. */
  speaks(dialect: Dialect, deployment: DeploymentConfig): boolean;
  /** Path (and query) for a natively spoken dialect. */
  nativePath(dialect: Dialect, deployment: DeploymentConfig, stream: boolean): string;
  /** Headers that carry the upstream credential (and any the family always needs). */
  authHeaders(deployment: DeploymentConfig, request: UpstreamRequest): Record<string, string>;
  /** Request fields this family cannot take with the values given: refused with a 400, or dropped under drop_params. */
  unsupportedParams(chat: ChatRequest): string[];
  /** Chat pivot → this family's request. Throws a 400 naming what cannot be said. */
  chatRequest(chat: ChatRequest, deployment: DeploymentConfig): UpstreamRequest;
  /** This family's response body → chat pivot. */
  chatResponse(body: Record<string, unknown>, deployment: DeploymentConfig): ChatCompletion;
  chatStream(deployment: DeploymentConfig): ChatStreamDecoder;
}
