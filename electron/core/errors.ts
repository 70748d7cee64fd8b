import { ERROR_CODES, type ErrorCode, type ErrorData } from '../../shared/errors.js';

/** An error Loopgate raises itself; rendered to the client's dialect in one place. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  /** For `conflict`: the record as it is now, so the caller can reload without another call. */
  readonly current: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    options: { param?: string | null; status?: number; headers?: Record<string, string>; current?: unknown } = {},
  ) {
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

/** OpenAI's error envelope: `{ error: { message, type, param, code } }`. */
export function openAIErrorBody(error: GatewayError): string {
  return JSON.stringify({
    error: {
      message: error.message,
      type: ERROR_CODES[error.code].type,
      param: error.param,
      code: error.code,
      ...(error.current === undefined ? {} : { current: error.current }),
    },
  });
}

/** Anything thrown on the request path becomes a GatewayError; unknown throws are internal, named by the request id the log has them under. */
export function toGatewayError(thrown: unknown, requestId?: string): GatewayError {
  if (thrown instanceof GatewayError) return thrown;
  const where = requestId ? `the gateway log has it under request id ${requestId}` : 'see the gateway log';
  return new GatewayError('internal', `Loopgate hit an unexpected error; ${where}.`);
}
