// Google's Gemini API, inbound (Gemini CLI, @google/genai): generateContent and
// streamGenerateContent to and from the chat pivot, both stream framings, Google's error
// shape, and usage from natively relayed answers. The model and the streaming mode come from
// the URL; the gateway adds them to the body as `model`, `stream` and `alt` (PATH_FIELDS),
// which a native relay takes out again.
import type { ERROR_CODES } from '../../../shared/errors.js';
import type { GatewayError } from '../../core/errors.js';
import { upstreamErrorMessage, type InboundDialect, type Json } from '../types.js';
import { geminiToChat, PATH_FIELDS } from './request.js';
import { fromChatCompletion, usageFromGemini } from './response.js';
import { Framing, GeminiEncoder, GeminiNativeScanner } from './stream.js';

export { geminiToChat } from './request.js';

/** The status names Google's APIs give each HTTP status (google.rpc.Code). */
const STATUS_NAME: Record<number, string> = {
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
const STATUS_FOR_CODE: Partial<Record<keyof typeof ERROR_CODES, string>> = {
  budget_exceeded: 'RESOURCE_EXHAUSTED',
  conflict: 'ABORTED',
  timeout: 'DEADLINE_EXCEEDED',
};

function statusName(status: number): string {
  return STATUS_NAME[status] ?? (status >= 500 ? 'INTERNAL' : status >= 400 ? 'FAILED_PRECONDITION' : 'UNKNOWN');
}

function geminiErrorJson(code: number, message: string, status = statusName(code)): string {
  return JSON.stringify({ error: { code, message, status } });
}

const errorBody = (error: GatewayError): string => geminiErrorJson(error.status, error.message, STATUS_FOR_CODE[error.code] ?? statusName(error.status));

function upstreamErrorBody(status: number, text: string): string {
  const { message } = upstreamErrorMessage(text);
  return geminiErrorJson(status, message);
}

/** The client's body without the fields the gateway took from the URL. */
function clientBody(request: Json): Json {
  const body = { ...request };
  for (const field of PATH_FIELDS) delete body[field];
  return body;
}

function geminiDialect(sse: boolean): InboundDialect {
  return {
    name: 'gemini',
    requiredField: 'contents',
    toChat: geminiToChat,
    fromChat: (completion, request) => fromChatCompletion(completion, String(request.model)),
    streamEncoder: (request) => new GeminiEncoder(String(request.model), new Framing(sse)),
    ...(sse ? {} : { streamContentType: 'application/json; charset=utf-8' }),
    errorBody,
    upstreamErrorBody,
    // After the first response, an error is one more element (or event) in the same framing.
    streamErrorEvent: (error) => (sse ? `data: ${errorBody(error)}\r\n\r\n` : `,\r\n${errorBody(error)}]`),
    nativeBody: (request) => JSON.stringify(clientBody(request)),
    nativeUsage: (body) => usageFromGemini(body.usageMetadata),
    usageMember: 'usageMetadata',
    nativeStreamScanner: () => new GeminiNativeScanner(new Framing(sse)),
  };
}

/** generateContent, and streamGenerateContent?alt=sse (what Gemini CLI and the SDKs ask for). */
export const geminiSseDialect = geminiDialect(true);
/** streamGenerateContent without alt=sse: one JSON array, element by element. */
export const geminiArrayDialect = geminiDialect(false);
