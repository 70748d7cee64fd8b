// Why a call to a provider failed, said with what to do next (is the server running, check the
// base URL, check the key). The connection test and the Providers view's health both use it, so
// a person never gets a bare `connect ECONNREFUSED 127.0.0.1:9`.

/** The provider's own words from "401 {json}" or "answered 401: {json}", else the text after the status. */
function providerMessage(text: string): string {
  const json = /(\{.*\})\s*$/s.exec(text)?.[1];
  const plain = text.replace(/^(?:.*?answered )?\d{3}:?\s*/, '') || text;
  if (!json) return plain;
  try {
    const body = JSON.parse(json) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
    return typeof message === 'string' ? message : plain;
  } catch {
    return plain;
  }
}

function byStatus(status: number, said: string): string | null {
  if (status === 401 || status === 403) return `The provider refused the key (${status}: ${said}). Check the API key.`;
  if (status === 404) return `Nothing found there (404: ${said}). Check the base URL.`;
  if (status === 429) return `The provider is limiting requests (429: ${said}). Wait a moment, or check the plan's quota.`;
  if (status >= 500) return `The provider had an error (${status}: ${said}). Try again later.`;
  return null;
}

/** Where the call went: "connect ECONNREFUSED 127.0.0.1:9", or the gateway's "(http://127.0.0.1:9): ECONNREFUSED". */
function address(message: string, code: string): string | null {
  const named = new RegExp(`${code}\\s+([\\w.-]+(?::\\d+)?)(?![\\w(])`).exec(message)?.[1];
  if (named && /[.:]/.test(named)) return named;
  const url = /\b(https?:\/\/[^\s)"']+)/.exec(message)?.[1];
  try {
    return url ? new URL(url).host : null;
  } catch {
    return null;
  }
}

/** A failure message with its next step; a message it does not recognise comes back unchanged. */
export function providerFailure(message: string): string {
  if (/ECONNREFUSED/.test(message)) {
    const at = address(message, 'ECONNREFUSED');
    return `Nothing answered${at ? ` at ${at}` : ''}. Is the server running? Check the base URL.`;
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) {
    const host = address(message, '(?:ENOTFOUND|EAI_AGAIN)');
    return `The host${host ? ` ${host}` : ''} was not found. Check the base URL.`;
  }
  if (/timeout|timed out|ETIMEDOUT/i.test(message)) return 'No answer in time. Is the server running? Check the base URL.';
  if (/ECONNRESET|socket hang up|other side closed/i.test(message)) return 'The connection was cut. Check the base URL (http or https) and that the server is running.';
  if (/certificate|CERT_|self[- ]signed/i.test(message)) return `The server's certificate was refused (${message}). Check the base URL or the proxy.`;
  const status = /^(\d{3})\b|answered (\d{3})\b/.exec(message);
  const code = Number(status?.[1] ?? status?.[2]);
  return (status && byStatus(code, providerMessage(message))) || message;
}
