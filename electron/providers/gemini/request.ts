// Chat pivot → Gemini generateContent. Tool results need the function's name, which chat keeps
// only on the call, so calls are indexed by id as the history is walked.
import type { ChatMessage, ChatRequest, ReasoningEffort } from '../../core/chat.js';
import { appendTurn, contentText, samplingOf } from '../../core/chat.js';
import { GatewayError } from '../../core/errors.js';
import { refuseUnsupported } from '../unsupported.js';
import { signatureFromCallId } from './thought-signature.js';

type Json = Record<string, unknown>;

const THINKING_BUDGET: Record<ReasoningEffort, number> = { minimal: 512, low: 1024, medium: 4096, high: 16384 };
/** JSON Schema keywords Gemini's OpenAPI-style schemas reject. */
const UNSUPPORTED_SCHEMA_KEYS = new Set(['$schema', 'additionalProperties', '$id', '$ref', '$defs', 'definitions', 'strict']);

function cleanSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(cleanSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !UNSUPPORTED_SCHEMA_KEYS.has(key))
      .map(([key, value]) => [key, cleanSchema(value)]),
  );
}

function parts(message: ChatMessage, at: string): Json[] {
  const content = message.content;
  if (content === null) return [];
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return content.map((part, index) => {
    if (part.type === 'text') return { text: part.text };
    const data = /^data:([^;,]+);base64,(.*)$/s.exec(part.image_url.url);
    if (data) return { inlineData: { mimeType: data[1], data: data[2] } };
    throw new GatewayError('invalid_request', `${at}.content[${index}]: Gemini takes images as data: URLs only`, { param: `${at}.content[${index}]` });
  });
}

export function toGeminiRequest(chat: ChatRequest): Json {
  refuseUnsupported(chat, 'Gemini');
  const system: string[] = [];
  const turns: Array<{ role: string; items: Json[] }> = [];
  const callNames = new Map<string, string>();
  const push = (role: 'user' | 'model', more: Json[]): void => appendTurn(turns, role, more);
  chat.messages.forEach((message, index) => {
    const at = `messages[${index}]`;
    if (message.role === 'system' || message.role === 'developer') system.push(contentText(message.content));
    else if (message.role === 'user') push('user', parts(message, at));
    else if (message.role === 'assistant') {
      const calls = (message.tool_calls ?? []).map((call) => {
        callNames.set(call.id, call.function.name);
        let args: unknown;
        try {
          args = call.function.arguments ? JSON.parse(call.function.arguments) : {};
        } catch {
          throw new GatewayError('invalid_request', `${at}.tool_calls: arguments are not valid JSON`, { param: `${at}.tool_calls` });
        }
        // The signature Gemini gave this call, back with it (Gemini 3 refuses the turn without).
        const signature = signatureFromCallId(call.id);
        return { functionCall: { name: call.function.name, args }, ...(signature ? { thoughtSignature: signature } : {}) };
      });
      push('model', [...parts(message, at), ...calls]);
    } else if (message.role === 'tool') {
      const name = callNames.get(message.tool_call_id ?? '') ?? 'tool';
      push('user', [{ functionResponse: { name, response: { content: contentText(message.content) } } }]);
    }
  });
  const { maxTokens, stop, ...rest } = samplingOf(chat);
  const generationConfig: Json = { ...rest, ...(maxTokens !== undefined ? { maxOutputTokens: maxTokens } : {}), ...(stop ? { stopSequences: stop } : {}) };
  if (chat.response_format?.type === 'json_object') generationConfig.responseMimeType = 'application/json';
  if (chat.response_format?.type === 'json_schema') {
    generationConfig.responseMimeType = 'application/json';
    if (chat.response_format.json_schema?.schema) generationConfig.responseSchema = cleanSchema(chat.response_format.json_schema.schema);
  }
  if (chat.reasoning_effort) generationConfig.thinkingConfig = { thinkingBudget: THINKING_BUDGET[chat.reasoning_effort], includeThoughts: true };
  const body: Json = { contents: turns.map((turn) => ({ role: turn.role, parts: turn.items })) };
  if (system.length) body.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  if (Object.keys(generationConfig).length) body.generationConfig = generationConfig;
  if (chat.tools?.length) {
    body.tools = [
      {
        functionDeclarations: chat.tools.map((tool) => ({
          name: tool.function.name,
          ...(tool.function.description ? { description: tool.function.description } : {}),
          ...(tool.function.parameters ? { parameters: cleanSchema(tool.function.parameters) } : {}),
        })),
      },
    ];
    const choice = chat.tool_choice;
    const mode = choice === 'required' ? 'ANY' : choice === 'none' ? 'NONE' : typeof choice === 'object' ? 'ANY' : 'AUTO';
    body.toolConfig = { functionCallingConfig: { mode, ...(typeof choice === 'object' ? { allowedFunctionNames: [choice.function.name] } : {}) } };
  }
  return body;
}
