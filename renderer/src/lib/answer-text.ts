// What an answer said, in words, from its body as the log keeps it: a JSON answer of any API
// (Chat Completions, Messages, Responses, Gemini), its error, or a stream's events added up.
// Null when there is nothing readable (the raw body is shown instead).
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const texts = (list: unknown, pick: (item: Json) => unknown): string =>
  Array.isArray(list)
    ? list
        .filter(isObject)
        .map(pick)
        .filter((t): t is string => typeof t === 'string')
        .join('')
    : '';

/** The words of one JSON answer or one stream event; '' when it carries none. */
function textOf(body: Json): string {
  if (isObject(body.error)) return typeof body.error.message === 'string' ? body.error.message : '';
  const choices = texts(body.choices, (choice) => (isObject(choice.message) ? choice.message.content : isObject(choice.delta) ? choice.delta.content : choice.text));
  if (choices) return choices;
  if (Array.isArray(body.content)) return texts(body.content, (part) => part.text);
  if (isObject(body.delta) && typeof body.delta.text === 'string') return body.delta.text;
  if (body.type === 'response.output_text.delta' && typeof body.delta === 'string') return body.delta;
  if (typeof body.output_text === 'string') return body.output_text;
  if (Array.isArray(body.output)) return texts(body.output, (item) => texts(item.content, (part) => part.text));
  if (Array.isArray(body.candidates)) return texts(body.candidates, (candidate) => (isObject(candidate.content) ? texts(candidate.content.parts, (part) => part.text) : ''));
  return '';
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function answerText(body: string): string | null {
  const whole = parse(body);
  if (isObject(whole)) return textOf(whole) || null;
  // A stream: the `data:` events (SSE), each read for its delta.
  let out = '';
  for (const line of body.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const event = parse(line.slice(5).trim());
    if (isObject(event)) out += textOf(event);
  }
  return out || null;
}

/** A body for reading: JSON indented, anything else as it is. */
export function pretty(body: string): string {
  const parsed = parse(body);
  return parsed === null ? body : JSON.stringify(parsed, null, 2);
}
