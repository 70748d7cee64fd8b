import { ERROR_CODES, type ErrorCode, type ErrorData } from '../../shared/errors.js';

/** An error Loopgate raises itself; rendered to the client's dialect in one place. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  /** For `conflict`: the record as it is now, so the caller can reload without another call. */
  readonly current: unknown;

  constructor(code: ErrorCode, message: string, options: { param?: string | null; status?: number; headers?: Record<string, string>; current?: unknown } = {}) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
    this.current = options.current;
  }

  toData(): ErrorData {
    return { code: this.code, message: this.message, param: this.param, ...(this.current === undefined ? {} : { current: this.current }) };
  }
}

/**
 * A failure raised below the services (the store's) that knows which API error it is. Core
 * recognises it by this base class, so it never imports the layer that throws it.
 */
export abstract class TranslatableError extends Error {
  abstract toGatewayError(): GatewayError;
}

/**
 * The one error mapper: anything thrown, on any path (HTTP, IPC, the /ui API), becomes a
 * GatewayError. Unknown throws are `internal`, named by the request id the log has them under.
 */
export function toGatewayError(thrown: unknown, requestId?: string): GatewayError {
  if (thrown instanceof GatewayError) return thrown;
  if (thrown instanceof TranslatableError) return thrown.toGatewayError();
  const where = requestId ? `the gateway log has it under request id ${requestId}` : 'see the gateway log';
  return new GatewayError('internal', `Loopgate hit an unexpected error; ${where}.`);
}
