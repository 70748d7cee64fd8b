// The wire shape of an error, chosen in one place: a route (or a dialect) names its shape and
// `errorBodyFor` renders a GatewayError in it. LiteLLM's admin API speaks OpenAI's envelope.
import { ERROR_CODES, type ErrorCode } from '../../shared/errors.js';
import type { GatewayError } from '../core/errors.js';

/** The error envelopes Loopgate speaks, by the clients that read them. */
export type ErrorShape = 'openai' | 'anthropic' | 'google' | 'litellm';

/** OpenAI's error envelope: `{ error: { message, type, param, code } }`. */
function openAIErrorBody(error: GatewayError): string {
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

/** Anthropic's error `type` for each Loopgate code. */
const ANTHROPIC_TYPE: Partial<Record<ErrorCode, string>> = {
  authentication: 'authentication_error',
  sign_in_required: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  model_not_found: 'not_found_error',
  payload_too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  unavailable: 'overloaded_error',
  upstream: 'api_error',
  upstream_unreachable: 'api_error',
  upstream_certificate: 'api_error',
  timeout: 'api_error',
  internal: 'api_error',
};

export function anthropicErrorJson(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message } });
}

function anthropicErrorBody(error: GatewayError): string {
  return anthropicErrorJson(ANTHROPIC_TYPE[error.code] ?? 'invalid_request_error', error.message);
}

/** The status names Google's APIs give each HTTP status (google.rpc.Code). */
const GOOGLE_STATUS_NAME: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Loopgate codes whose Google name is not their status's (a budget is a quota). */
const GOOGLE_STATUS_FOR_CODE: Partial<Record<ErrorCode, string>> = {
  budget_exceeded: 'RESOURCE_EXHAUSTED',
  conflict: 'ABORTED',
  timeout: 'DEADLINE_EXCEEDED',
};

function googleStatusName(status: number): string {
  return GOOGLE_STATUS_NAME[status] ?? (status >= 500 ? 'INTERNAL' : status >= 400 ? 'FAILED_PRECONDITION' : 'UNKNOWN');
}

export function geminiErrorJson(code: number, message: string, status = googleStatusName(code)): string {
  return JSON.stringify({ error: { code, message, status } });
}

function googleErrorBody(error: GatewayError): string {
  return geminiErrorJson(error.status, error.message, GOOGLE_STATUS_FOR_CODE[error.code] ?? googleStatusName(error.status));
}

const BODIES: Record<ErrorShape, (error: GatewayError) => string> = {
  openai: openAIErrorBody,
  litellm: openAIErrorBody,
  anthropic: anthropicErrorBody,
  google: googleErrorBody,
};

/** Renders an error in the envelope its route speaks. */
export function errorBodyFor(shape: ErrorShape): (error: GatewayError) => string {
  return BODIES[shape];
}
