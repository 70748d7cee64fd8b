// Gemini generateContent request → chat pivot. Gemini answers a function call by name (an id
// only when the client keeps one), chat by id: calls get ids as the history is walked, and
// each response takes the id of the oldest unanswered call of its name.
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool, ChatToolCall, ChatToolChoice, ReasoningEffort } from '../../core/chat.js';
import { GatewayError } from '../../core/errors.js';
import type { Json, TranslatedRequest } from '../types.js';

/** Fields the gateway adds from the URL (the model and the streaming mode); never the client's body. */
export const PATH_FIELDS = ['model', 'stream', 'alt'] as const;

function refuse(param: string, message: string): never {
  throw new GatewayError('invalid_request', `${param}: ${message}`, { param });
}

const asRecord = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});

/** Gemini's OpenAPI-style schemas (`type: "OBJECT"`, `nullable`) said as JSON Schema. */
export function jsonSchemaOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchemaOf);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === 'nullable' || key === 'propertyOrdering') continue;
    if (key === 'type' && typeof value === 'string') out.type = value.toLowerCase();
    else if (key === 'properties' && typeof value === 'object' && value !== null) {
      out.properties = Object.fromEntries(Object.entries(value as Json).map(([name, sub]) => [name, jsonSchemaOf(sub)]));
    } else out[key] = jsonSchemaOf(value);
  }
  if ((schema as Json).nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

/** thinkingBudget tokens (or Gemini 3's thinkingLevel) → an effort; -1 (dynamic) and 0 (off) leave the model's default. */
function effortOf(config: Json): ReasoningEffort | undefined {
  const level = typeof config.thinkingLevel === 'string' ? config.thinkingLevel.toLowerCase() : null;
  if (level === 'minimal' || level === 'low' || level === 'medium' || level === 'high') return level;
  const budget = config.thinkingBudget;
  if (typeof budget !== 'number' || budget <= 0) return undefined;
  return budget < 2048 ? 'low' : budget < 8192 ? 'medium' : 'high';
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  const parts = Array.isArray(value) ? value : asRecord(value).parts;
  if (!Array.isArray(parts)) return '';
  return parts.map((part) => (typeof asRecord(part).text === 'string' && asRecord(part).thought !== true ? String(asRecord(part).text) : '')).join('');
}

function mediaPart(mimeType: string, url: string, param: string): ChatContentPart {
  if (!mimeType.startsWith('image/')) refuse(param, `"${mimeType}" content cannot be sent to this model; only images can`);
  return { type: 'image_url', image_url: { url } };
}

/** Tracks call ids so function responses find the call they answer. */
class CallLedger {
  private readonly open = new Map<string, string[]>();
  private count = 0;

  call(name: string, id: unknown): string {
    const callId = typeof id === 'string' && id ? id : `call_${this.count}_${name}`;
    this.count++;
    this.open.set(name, [...(this.open.get(name) ?? []), callId]);
    return callId;
  }

  answer(name: string, id: unknown): string {
    const waiting = this.open.get(name) ?? [];
    const callId = typeof id === 'string' && id && waiting.includes(id) ? id : (waiting[0] ?? (typeof id === 'string' && id ? id : `call_${name}`));
    this.open.set(
      name,
      waiting.filter((open) => open !== callId),
    );
    return callId;
  }
}

function turnMessages(content: Json, at: string, calls: CallLedger): ChatMessage[] {
  const role = content.role ?? 'user';
  const parts = content.parts;
  if (!Array.isArray(parts)) return refuse(`${at}.parts`, 'expected an array of parts');
  const results: ChatMessage[] = [];
  const media: ChatContentPart[] = [];
  const toolCalls: ChatToolCall[] = [];
  let text = '';
  parts.forEach((value: unknown, index) => {
    const part = asRecord(value);
    const param = `${at}.parts[${index}]`;
    if (typeof part.text === 'string') {
      // Earlier thoughts are the model's scratch work; chat upstreams have no field for them.
      if (part.thought === true) return;
      if (media.length) media.push({ type: 'text', text: part.text });
      else text += part.text;
    } else if (part.inlineData) {
      const data = asRecord(part.inlineData);
      const mimeType = String(data.mimeType ?? '');
      if (text) media.push({ type: 'text', text });
      text = '';
      media.push(mediaPart(mimeType, `data:${mimeType};base64,${String(data.data ?? '')}`, param));
    } else if (part.fileData) {
      const file = asRecord(part.fileData);
      if (text) media.push({ type: 'text', text });
      text = '';
      media.push(mediaPart(String(file.mimeType ?? 'image/*'), String(file.fileUri ?? ''), param));
    } else if (part.functionCall) {
      if (role !== 'model') refuse(param, 'a functionCall belongs in a "model" turn');
      const call = asRecord(part.functionCall);
      const name = String(call.name ?? '');
      toolCalls.push({ id: calls.call(name, call.id), type: 'function', function: { name, arguments: JSON.stringify(call.args ?? {}) } });
    } else if (part.functionResponse) {
      const response = asRecord(part.functionResponse);
      const name = String(response.name ?? '');
      const payload = response.response;
      results.push({ role: 'tool', tool_call_id: calls.answer(name, response.id), content: typeof payload === 'string' ? payload : JSON.stringify(payload ?? {}) });
    } else if (part.thoughtSignature !== undefined && Object.keys(part).length === 1) {
      // A bare signature carries nothing a chat upstream could read.
    } else {
      const kind = Object.keys(part).find((key) => key !== 'thoughtSignature' && key !== 'thought') ?? 'empty';
      refuse(`${param}.${kind}`, `part "${kind}" cannot be sent to this model`);
    }
  });
  if (role === 'model') {
    // Chat assistants say text only; a model turn's images (rare) are left out.
    const said = media.length ? [...media, { type: 'text' as const, text }].map((part) => (part.type === 'text' ? part.text : '')).join('') : text;
    if (!said && toolCalls.length === 0) return [];
    return [{ role: 'assistant', content: said || null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) }];
  }
  if (role !== 'user' && role !== 'function') refuse(`${at}.role`, 'expected "user" or "model"');
  // Function responses answer the previous model turn, so they come before any new user text.
  if (media.length) results.push({ role: 'user', content: text ? [...media, { type: 'text', text }] : media });
  else if (text) results.push({ role: 'user', content: text });
  return results;
}

/** Google Search grounding, as Loopgate runs it for upstreams that are not Gemini. */
export const isGeminiSearch = (kind: string): boolean => kind === 'googleSearch' || kind === 'googleSearchRetrieval' || kind === 'google_search';

function toolsOf(value: unknown): { tools: ChatTool[]; omitted: string[] } {
  const tools: ChatTool[] = [];
  const omitted: string[] = [];
  if (value === undefined || value === null) return { tools, omitted };
  if (!Array.isArray(value)) return refuse('tools', 'expected an array of tools');
  for (const entry of value.map(asRecord)) {
    for (const [kind, declared] of Object.entries(entry)) {
      if (kind !== 'functionDeclarations') {
        // Google's own tools (googleSearch, codeExecution, urlContext, ...) run at Google only; Loopgate may run the search (isGeminiSearch).
        omitted.push(kind);
        continue;
      }
      if (!Array.isArray(declared)) refuse('tools.functionDeclarations', 'expected an array');
      for (const declaration of declared.map(asRecord)) {
        const schema = declaration.parametersJsonSchema ?? (declaration.parameters === undefined ? undefined : jsonSchemaOf(declaration.parameters));
        tools.push({
          type: 'function',
          function: {
            name: String(declaration.name ?? ''),
            ...(typeof declaration.description === 'string' ? { description: declaration.description } : {}),
            parameters: (schema as Json | undefined) ?? { type: 'object', properties: {} },
          },
        });
      }
    }
  }
  return { tools, omitted };
}

function toolChoiceOf(value: unknown): ChatToolChoice | undefined {
  const config = asRecord(asRecord(value).functionCallingConfig);
  const mode = typeof config.mode === 'string' ? config.mode.toUpperCase() : undefined;
  const allowed = Array.isArray(config.allowedFunctionNames) ? config.allowedFunctionNames.map(String) : [];
  if (mode === 'NONE') return 'none';
  if (mode === 'ANY') return allowed.length === 1 ? { type: 'function', function: { name: allowed[0]! } } : 'required';
  if (mode === 'AUTO' || mode === 'VALIDATED') return 'auto';
  return undefined;
}

function generationOf(value: unknown): Partial<ChatRequest> {
  const config = asRecord(value);
  const out: Partial<ChatRequest> = {};
  // topK has no chat field: only Gemini upstreams (relayed natively) hear it.
  const number = (key: string): number | undefined => {
    const value = config[key];
    return typeof value === 'number' ? value : undefined;
  };
  if (number('candidateCount') !== undefined && number('candidateCount') !== 1) refuse('generationConfig.candidateCount', 'only 1 candidate can be asked of this model');
  if (number('temperature') !== undefined) out.temperature = number('temperature');
  if (number('topP') !== undefined) out.top_p = number('topP');
  if (number('maxOutputTokens') !== undefined) out.max_tokens = number('maxOutputTokens');
  if (number('presencePenalty') !== undefined) out.presence_penalty = number('presencePenalty');
  if (number('frequencyPenalty') !== undefined) out.frequency_penalty = number('frequencyPenalty');
  if (number('seed') !== undefined) out.seed = number('seed');
  if (Array.isArray(config.stopSequences) && config.stopSequences.length) out.stop = config.stopSequences.map(String);
  if (config.responseMimeType === 'application/json') {
    const schema = config.responseJsonSchema ?? (config.responseSchema === undefined ? undefined : jsonSchemaOf(config.responseSchema));
    out.response_format = schema ? { type: 'json_schema', json_schema: { name: 'response', schema: schema as Json } } : { type: 'json_object' };
  }
  const effort = effortOf(asRecord(config.thinkingConfig));
  if (effort) out.reasoning_effort = effort;
  return out;
}

/** A generateContent body (plus the model and stream flag the URL gave) → chat. */
export function geminiToChat(body: Json): TranslatedRequest {
  if (!Array.isArray(body.contents)) refuse('contents', 'expected an array of contents');
  const messages: ChatMessage[] = [];
  const system = textOf(body.systemInstruction);
  if (system) messages.push({ role: 'system', content: system });
  const calls = new CallLedger();
  (body.contents as unknown[]).forEach((content, index) => messages.push(...turnMessages(asRecord(content), `contents[${index}]`, calls)));
  const { tools, omitted } = toolsOf(body.tools);
  const generation = generationOf(body.generationConfig);
  const choice = tools.length ? toolChoiceOf(body.toolConfig) : undefined;
  // safetySettings, cachedContent and labels have no chat equivalent and are left out.
  const chat: ChatRequest = {
    model: String(body.model),
    messages,
    ...(body.stream === true ? { stream: true } : {}),
    ...generation,
    ...(tools.length ? { tools } : {}),
    ...(choice ? { tool_choice: choice } : {}),
  };
  return { chat, omittedTools: omitted };
}
