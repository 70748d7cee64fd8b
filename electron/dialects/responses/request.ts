// Responses API request → chat pivot. Input items become chat messages; `previous_response_id`
// is resolved from the local conversation store; hosted tools no chat upstream can run are
// flattened where a function can stand in, otherwise left out and reported.
import { GatewayError } from '../../core/errors.js';
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool, ChatToolChoice, ReasoningEffort } from '../../core/chat.js';
import type { Json, TranslatedRequest } from '../types.js';
import type { ConversationStore } from './conversations.js';

/** Custom (free-form) tools become functions taking one string, named like this. */
export const CUSTOM_INPUT = 'input';

function refuse(param: string, message: string): never {
  throw new GatewayError('invalid_request', `${param}: ${message}`, { param });
}

function contentParts(content: unknown, at: string): string | ChatContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return refuse(`${at}.content`, 'expected a string or an array of content parts');
  const parts = content.map((part: Json, index): ChatContentPart => {
    const param = `${at}.content[${index}]`;
    if (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') return { type: 'text', text: String(part.text ?? '') };
    if (part.type === 'refusal') return { type: 'text', text: String(part.refusal ?? '') };
    if (part.type === 'input_image') {
      if (typeof part.image_url !== 'string') return refuse(`${param}.image_url`, 'only image URLs (https: or data:) can be sent to this model');
      return { type: 'image_url', image_url: { url: part.image_url, ...(typeof part.detail === 'string' ? { detail: part.detail } : {}) } };
    }
    return refuse(`${param}.type`, `content part "${String(part.type)}" cannot be sent to this model`);
  });
  return parts.every((part) => part.type === 'text') ? parts.map((part) => (part as { text: string }).text).join('') : parts;
}

function stringOutput(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return output.map((part: Json) => String(part.text ?? '')).join('');
  return JSON.stringify(output ?? '');
}

/** A reasoning item's text: its summary, else its raw reasoning content (encrypted content is the upstream's own, left out). */
function reasoningText(item: Json): string {
  const texts = (parts: unknown): string => (Array.isArray(parts) ? parts.map((part: Json) => (typeof part.text === 'string' ? part.text : '')).join('') : '');
  return texts(item.summary) || texts(item.content);
}

/** Input items → chat messages. Consecutive calls join one assistant turn, as chat expects. */
export function inputToMessages(input: unknown): ChatMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) return refuse('input', 'expected a string or an array of items');
  const messages: ChatMessage[] = [];
  const assistantTurn = (): ChatMessage => {
    const last = messages.at(-1);
    if (last?.role === 'assistant') return last;
    const turn: ChatMessage = { role: 'assistant', content: null };
    messages.push(turn);
    return turn;
  };
  input.forEach((item: Json, index) => {
    const at = `input[${index}]`;
    const type = item.type ?? 'message';
    if (type === 'message') {
      const role = String(item.role);
      if (role === 'assistant') {
        const turn = assistantTurn();
        const text = contentParts(item.content, at);
        turn.content = `${typeof turn.content === 'string' ? turn.content : ''}${typeof text === 'string' ? text : ''}`;
      } else if (role === 'user' || role === 'system' || role === 'developer') {
        messages.push({ role, content: contentParts(item.content, at) });
      } else refuse(`${at}.role`, `unknown role "${role}"`);
    } else if (type === 'function_call' || type === 'custom_tool_call') {
      const turn = assistantTurn();
      const args = type === 'function_call' ? String(item.arguments ?? '') : JSON.stringify({ [CUSTOM_INPUT]: String(item.input ?? '') });
      (turn.tool_calls ??= []).push({ id: String(item.call_id), type: 'function', function: { name: String(item.name), arguments: args } });
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      messages.push({ role: 'tool', tool_call_id: String(item.call_id), content: stringOutput(item.output) });
    } else if (type === 'reasoning') {
      // The turn's reasoning as reasoning_content: the chat provider sends it on to the families that need it (DeepSeek) and drops it for the rest.
      const text = reasoningText(item);
      if (text) assistantTurn().reasoning_content = `${assistantTurn().reasoning_content ?? ''}${text}`;
    } else refuse(`${at}.type`, `input item "${String(type)}" cannot be sent to this model`);
  });
  // Reasoning with no answer after it is no turn of its own.
  return messages.filter((message) => message.role !== 'assistant' || message.content !== null || message.tool_calls !== undefined);
}

function functionTool(tool: Json): ChatTool {
  return {
    type: 'function',
    function: {
      name: String(tool.name),
      ...(tool.description ? { description: String(tool.description) } : {}),
      parameters: (tool.parameters as Json | undefined) ?? { type: 'object', properties: {} },
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    },
  };
}

/** Flattens namespaces, turns custom tools into one-string functions, and sets aside hosted tools. */
export function translateTools(tools: Json[]): { tools: ChatTool[]; omitted: string[]; custom: Set<string> } {
  const out: ChatTool[] = [];
  const omitted: string[] = [];
  const custom = new Set<string>();
  const visit = (tool: Json): void => {
    if (tool.type === 'function') out.push(functionTool(tool));
    else if (tool.type === 'namespace' && Array.isArray(tool.tools)) (tool.tools as Json[]).forEach(visit);
    else if (tool.type === 'custom') {
      custom.add(String(tool.name));
      out.push({
        type: 'function',
        function: {
          name: String(tool.name),
          description: String(tool.description ?? ''),
          parameters: { type: 'object', properties: { [CUSTOM_INPUT]: { type: 'string', description: 'The raw input for this tool.' } }, required: [CUSTOM_INPUT] },
        },
      });
    } else omitted.push(String(tool.name ?? tool.type));
  };
  tools.forEach(visit);
  return { tools: out, omitted, custom };
}

function toolChoice(choice: unknown): ChatToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (typeof choice === 'object' && choice !== null && typeof (choice as Json).name === 'string') {
    return { type: 'function', function: { name: String((choice as Json).name) } };
  }
  return undefined;
}

export interface ResponsesTranslation extends TranslatedRequest {
  /** The conversation so far, for the store: history plus this turn's input. */
  history: ChatMessage[];
  customTools: Set<string>;
}

export function responsesToChat(body: Json, conversations: ConversationStore): ResponsesTranslation {
  const history: ChatMessage[] = [];
  if (typeof body.previous_response_id === 'string') {
    const earlier = conversations.get(body.previous_response_id);
    if (!earlier) {
      throw new GatewayError('invalid_request', `Previous response with id '${body.previous_response_id}' not found (Loopgate keeps conversations for an hour).`, {
        param: 'previous_response_id',
      });
    }
    history.push(...earlier);
  }
  history.push(...inputToMessages(body.input));
  const instructions = typeof body.instructions === 'string' && body.instructions ? [{ role: 'system' as const, content: body.instructions }] : [];
  const { tools, omitted, custom } = translateTools((body.tools as Json[] | undefined) ?? []);
  const format = (body.text as { format?: Json } | undefined)?.format;
  const reasoning = body.reasoning as { effort?: ReasoningEffort } | undefined;
  const chat: ChatRequest = {
    model: String(body.model),
    messages: [...instructions, ...history],
    ...(body.stream === true ? { stream: true } : {}),
    ...(typeof body.max_output_tokens === 'number' ? { max_tokens: body.max_output_tokens } : {}),
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === 'number' ? { top_p: body.top_p } : {}),
    ...(tools.length ? { tools } : {}),
    ...(tools.length && toolChoice(body.tool_choice) ? { tool_choice: toolChoice(body.tool_choice) } : {}),
    ...(tools.length && typeof body.parallel_tool_calls === 'boolean' ? { parallel_tool_calls: body.parallel_tool_calls } : {}),
    ...(reasoning?.effort ? { reasoning_effort: reasoning.effort } : {}),
    ...(format?.type === 'json_schema'
      ? { response_format: { type: 'json_schema', json_schema: { name: String(format.name ?? 'response'), schema: format.schema as Json, ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}) } } }
      : format?.type === 'json_object'
        ? { response_format: { type: 'json_object' } }
        : {}),
  };
  return { chat, omittedTools: omitted, history, customTools: custom };
}
