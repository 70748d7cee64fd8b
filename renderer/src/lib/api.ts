// The renderer's one way to the core: `window.loopgate.invoke` under Electron (IPC), else the
// same API over HTTP in browser mode. Both answer `{ ok, value } | { ok: false, error }`.
// A gateway that does not answer, or a session that has ended, is told to the connection
// state (one banner, the sign-in page), not to every caller as a toast.
import type { ApiMethod, ApiRequest, ApiResponse, Result } from '../../../shared/api.js';
import type { ErrorData } from '../../../shared/errors.js';
import { connection } from './connection.svelte.js';

export class ApiError extends Error {
  constructor(readonly data: ErrorData) {
    super(data.message);
  }
  get code(): string {
    return this.data.code;
  }
}

/** The gateway did not answer: said once by the connection banner, not per call. */
class UnreachableError extends Error {
  constructor() {
    super("Loopgate isn't responding.");
  }
}

async function overHttp<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<Result<ApiResponse<M>>> {
  let response: Response;
  try {
    response = await fetch(`/ui/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request ?? {}),
    });
  } catch {
    connection.lost();
    throw new UnreachableError();
  }
  const body = (await response.json().catch(() => null)) as Result<ApiResponse<M>> | null;
  if (!body) {
    connection.lost();
    throw new UnreachableError();
  }
  return body;
}

export async function call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
  const result = window.loopgate ? await window.loopgate.invoke(method, request) : await overHttp(method, request);
  if (!result.ok) {
    if (result.error.code === 'authentication' && connection.browserMode) connection.sessionEnded();
    // The desktop app's gateway is stopped (the shell answers for it): the down state says so, with its restart.
    if (result.error.code === 'gateway_stopped') {
      connection.lost();
      throw new UnreachableError();
    }
    throw new ApiError(result.error);
  }
  return result.value;
}

/** True for failures the connection state already shows (no toast for them). */
export function isConnectionFailure(error: unknown): boolean {
  return error instanceof UnreachableError || (error instanceof ApiError && error.code === 'authentication' && connection.browserMode);
}

/** Why a first load failed, as the view says it under "Couldn't load …"; a lost link in the banner's words. */
export function loadFailure(error: unknown): string {
  if (isConnectionFailure(error)) return connection.browserMode ? "Loopgate isn't responding; this view loads by itself once it is back." : "Loopgate's gateway has stopped; restart it above.";
  return error instanceof Error ? error.message : String(error);
}

export async function signIn(masterKey: string): Promise<void> {
  const response = await fetch('/ui/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ masterKey }) });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(body.error?.message ?? 'Sign-in failed.');
  }
}
