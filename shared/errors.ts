// The closed set of error codes Loopgate itself produces. Codes are stable: clients, tests
// and the GUI match on them, so a code is never renamed, only added.

export const ERROR_CODES = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  invalid_json: { status: 400, type: 'invalid_request_error' },
  missing_field: { status: 400, type: 'invalid_request_error' },
  /** A web-search server tool sent to an upstream that cannot search, with no search provider set in Loopgate. */
  web_search_unavailable: { status: 400, type: 'invalid_request_error' },
  model_not_found: { status: 404, type: 'invalid_request_error' },
  not_found: { status: 404, type: 'invalid_request_error' },
  payload_too_large: { status: 413, type: 'invalid_request_error' },
  authentication: { status: 401, type: 'authentication_error' },
  /** A passthrough provider's route without the client's own sign-in (Authorization) beside its x-loopgate-key. */
  sign_in_required: { status: 401, type: 'authentication_error' },
  permission: { status: 403, type: 'permission_error' },
  conflict: { status: 409, type: 'conflict_error' },
  rate_limit: { status: 429, type: 'rate_limit_error' },
  budget_exceeded: { status: 400, type: 'budget_exceeded' },
  upstream: { status: 502, type: 'api_error' },
  upstream_unreachable: { status: 502, type: 'api_error' },
  /** The upstream's TLS certificate chains to a CA Loopgate does not trust (a company proxy's): add it in general_settings.ca_certs. */
  upstream_certificate: { status: 502, type: 'api_error' },
  timeout: { status: 504, type: 'timeout_error' },
  unavailable: { status: 503, type: 'api_error' },
  /** The desktop app's gateway is not running (it stopped, or a restart failed): only `shell.restartGateway` answers. */
  gateway_stopped: { status: 503, type: 'api_error' },
  internal: { status: 500, type: 'api_error' },
  /** The secret guard found a credential in a prompt bound for a cloud provider (mode "block"). */
  secret_detected: { status: 400, type: 'invalid_request_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** How an error crosses a boundary (HTTP body, IPC reply): plain data, never a class. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  param?: string | null;
  current?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };
