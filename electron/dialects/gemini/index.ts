// Google's Gemini API, inbound (Gemini CLI, @google/genai): generateContent and
// streamGenerateContent to and from the chat pivot, both stream framings, Google's error
// shape, and usage from natively relayed answers. The model and the streaming mode come from
// the URL; the gateway adds them to the body as `model`, `stream` and `alt` (PATH_FIELDS),
// which a native relay takes out again.
import { errorBodyFor, geminiErrorJson } from '../error-bodies.js';
import { upstreamErrorMessage, type InboundDialect, type Json, type SearchRun } from '../types.js';
import { geminiToChat, isGeminiSearch, PATH_FIELDS } from './request.js';
import { fromChatCompletion, usageFromGemini } from './response.js';
import { Framing, GeminiEncoder, GeminiNativeScanner } from './stream.js';

export { geminiToChat } from './request.js';

const errorBody = errorBodyFor('google');

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

/** A search Loopgate ran, said as Google Search grounding: the queries and the pages, on the first candidate. */
function withGrounding(response: Json, run: SearchRun): Json {
  const searches = run.steps.filter((step) => step.type === 'search');
  const chunks = searches.flatMap((step) => (Array.isArray(step.results) ? step.results.map((result) => ({ web: { uri: result.url, title: result.title } })) : []));
  const [first, ...rest] = (response.candidates as Json[] | undefined) ?? [];
  if (!first) return response;
  return { ...response, candidates: [{ ...first, groundingMetadata: { webSearchQueries: searches.map((step) => step.query), groundingChunks: chunks } }, ...rest] };
}

const offersSearch = (body: Json): boolean => Array.isArray(body.tools) && (body.tools as unknown[]).some((tool) => typeof tool === 'object' && tool !== null && Object.keys(tool).some(isGeminiSearch));

function geminiDialect(sse: boolean): InboundDialect {
  return {
    name: 'gemini',
    requiredField: 'contents',
    toChat: geminiToChat,
    fromChat: (completion, request) => fromChatCompletion(completion, String(request.model)),
    // Gemini CLI's web search asks with Google Search as the only tool: a request made to search.
    webSearchTool: (body) => (offersSearch(body) ? { name: 'google_search', maxUses: null, forced: !JSON.stringify(body.tools).includes('functionDeclarations') } : null),
    fromSearch: (run, request) => withGrounding(fromChatCompletion(run.final, String(request.model)), run),
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
    answerModel: { key: 'modelVersion', once: false },
  };
}

/** generateContent, and streamGenerateContent?alt=sse (what Gemini CLI and the SDKs ask for). */
export const geminiSseDialect = geminiDialect(true);
/** streamGenerateContent without alt=sse: one JSON array, element by element. */
export const geminiArrayDialect = geminiDialect(false);
