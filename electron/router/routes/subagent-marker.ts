// The subagent marker: `<loopgate-model>group</loopgate-model>` (or claude-code-router's
// `<CCR-SUBAGENT-MODEL>group</CCR-SUBAGENT-MODEL>`) in any system block or the first user
// message names the group a subagent's requests go to. It is Loopgate's instruction, not the
// model's: every marker found is cut out of the body before it goes upstream.
import type { RouteDialect } from '../../../shared/routes.js';

type Json = Record<string, unknown>;

const MARKER = /<(loopgate-model|CCR-SUBAGENT-MODEL)>\s*([^<]*?)\s*<\/\1>/g;
const QUICK = /<(?:loopgate-model|CCR-SUBAGENT-MODEL)>/;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where text sits that may carry the marker: an object and its text-valued key. */
interface TextSlot {
  owner: Json | unknown[];
  key: string | number;
}

/** A message's content: itself when a string, else each text part's `text`. */
function contentSlots(owner: Json, key: string): TextSlot[] {
  const content = owner[key];
  if (typeof content === 'string') return [{ owner, key }];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part): TextSlot[] => (isRecord(part) && typeof part.text === 'string' ? [{ owner: part, key: 'text' }] : []));
}

function firstUser(messages: unknown, isUser: (message: Json) => boolean): Json | null {
  if (!Array.isArray(messages)) return null;
  for (const message of messages) if (isRecord(message) && isUser(message)) return message;
  return null;
}

/** Every system block and the first user message, per dialect. */
function slotsOf(dialect: RouteDialect, body: Json): TextSlot[] {
  const slots: TextSlot[] = [];
  switch (dialect) {
    case 'anthropic': {
      slots.push(...contentSlots(body, 'system'));
      const user = firstUser(body.messages, (message) => message.role === 'user');
      if (user) slots.push(...contentSlots(user, 'content'));
      break;
    }
    case 'chat':
    case 'responses': {
      if (dialect === 'responses' && typeof body.instructions === 'string') slots.push({ owner: body, key: 'instructions' });
      const messages = dialect === 'chat' ? body.messages : body.input;
      if (typeof messages === 'string') slots.push({ owner: body, key: 'input' });
      for (const message of Array.isArray(messages) ? messages : []) {
        if (isRecord(message) && (message.role === 'system' || message.role === 'developer')) slots.push(...contentSlots(message, 'content'));
      }
      const user = firstUser(messages, (message) => message.role === 'user');
      if (user) slots.push(...contentSlots(user, 'content'));
      break;
    }
    case 'gemini': {
      const system = body.systemInstruction ?? body.system_instruction;
      if (isRecord(system)) slots.push(...contentSlots(system, 'parts'));
      const user = firstUser(body.contents, (content) => content.role === undefined || content.role === 'user');
      if (user) slots.push(...contentSlots(user, 'parts'));
      break;
    }
  }
  return slots;
}

/**
 * Finds the first marker's group and cuts every marker out of `body` (in place). Returns the
 * group (null when there is no marker) and whether the body changed.
 */
export function takeSubagentMarker(dialect: RouteDialect, body: Json): { group: string | null; stripped: boolean } {
  let group: string | null = null;
  let stripped = false;
  for (const { owner, key } of slotsOf(dialect, body)) {
    const text = (owner as Record<string | number, unknown>)[key] as string;
    if (!QUICK.test(text)) continue;
    const cut = text.replace(MARKER, (_whole, _tag: string, name: string) => {
      if (name) group ??= name;
      return '';
    });
    if (cut !== text) {
      (owner as Record<string | number, unknown>)[key] = cut;
      stripped = true;
    }
  }
  return { group, stripped };
}
