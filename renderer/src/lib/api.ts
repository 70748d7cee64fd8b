// The renderer's one way to the core: `window.loopgate.invoke` under Electron (IPC), else the
// same API over HTTP in browser mode. Both answer `{ ok, value } | { ok: false, error }`.
import type { ApiMethod, ApiRequest, ApiResponse, Invoke, Result } from '../../../shared/api.js';
import type { ErrorData } from '../../../shared/errors.js';

declare global {
  interface Window {
    loopgate?: { invoke: Invoke };
  }
}

export class ApiError extends Error {
  constructor(readonly data: ErrorData) {
    super(data.message);
  }
  get code(): string {
    return this.data.code;
  }
}

async function overHttp<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<Result<ApiResponse<M>>> {
  const response = await fetch(`/ui/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request ?? {}),
  });
  return (await response.json()) as Result<ApiResponse<M>>;
}

export async function call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
  const result = window.loopgate ? await window.loopgate.invoke(method, request) : await overHttp(method, request);
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}

export async function sessionState(): Promise<boolean> {
  if (window.loopgate) return true;
  const response = await fetch('/ui/session');
  const body = (await response.json()) as { value?: { signedIn?: boolean } };
  return body.value?.signedIn === true;
}

export async function signIn(masterKey: string): Promise<void> {
  const response = await fetch('/ui/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ masterKey }) });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(body.error?.message ?? 'Sign-in failed.');
  }
}
