// The answer's own id as the client sees it (`chatcmpl-…`, `resp_…`, `msg_…`, `modr-…`), read
// from the first bytes sent: LiteLLM's spend logs are found by it (request_id). Every dialect
// that has one puts it before any list, at the top of the answer or of its first stream event
// (`message_start.message`, `response.created.response`); an id inside a list (a tool call's)
// is never the answer's.
const ID_MEMBER = /"id"\s*:\s*"([^"\\]{1,256})"/;
/** How much of the start of an answer is looked at. */
export const RESPONSE_ID_SCAN_CHARS = 4096;

export function responseIdOf(head: string): string | null {
  const match = ID_MEMBER.exec(head.length > RESPONSE_ID_SCAN_CHARS ? head.slice(0, RESPONSE_ID_SCAN_CHARS) : head);
  if (!match || head.slice(0, match.index).includes('[')) return null;
  return match[1]!;
}
