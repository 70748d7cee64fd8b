// Mock Gemini and Bedrock upstreams on 127.0.0.1, port 0, each in its own wire format:
// Gemini's generateContent / streamGenerateContent (SSE), and Bedrock's Converse /
// ConverseStream (AWS binary event stream), whose SigV4 signature the mock checks.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import aws4 from 'aws4';
import { serve, type MockServer } from './mock-server.js';

export type { MockServer } from './mock-server.js';

type Json = Record<string, unknown>;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
const ARGS = { city: 'Paris', unit: 'celsius' };

// --- Gemini ---------------------------------------------------------------------------

/**
 * Gemini's generateContent, streamGenerateContent (alt=sse only, as Google's SDKs ask) and
 * countTokens. With function declarations and a user turn about the weather (or a patch) it
 * calls the first function; after a function response it answers with text quoting it. The
 * model `fail-unavailable` answers 503 in Google's error shape.
 */
export async function startMockGemini(apiKey: string): Promise<MockServer> {
  return serve((path, query, headers, body, _raw, res) => {
    if (headers['x-goog-api-key'] !== apiKey) return json(res, 403, { error: { code: 403, message: 'API key not valid.', status: 'PERMISSION_DENIED' } });
    const match = /^\/v1beta\/models\/([^:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(path);
    if (!match) return json(res, 404, { error: { code: 404, message: `no route ${path}`, status: 'NOT_FOUND' } });
    if (match[1] === 'fail-unavailable') return json(res, 503, { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } });
    const contents = body.contents as Array<{ role: string; parts: Json[] }>;
    const allText = contents
      .flatMap((c) => c.parts)
      .map((p) => String(p.text ?? ''))
      .join(' ');
    if (match[2] === 'countTokens') return json(res, 200, { totalTokens: words(allText) + 1000 });
    const last = contents.at(-1)!;
    const lastText = last.parts.map((p) => String(p.text ?? '')).join(' ');
    const declarations = ((body.tools as Json[] | undefined)?.[0]?.functionDeclarations as Json[] | undefined) ?? [];
    const answer = last.parts.find((p) => p.functionResponse)?.functionResponse as Json | undefined;
    const parts: Json[] =
      declarations.length && !answer && /weather|patch/i.test(lastText)
        ? [{ functionCall: { name: declarations[0]!.name, args: ARGS } }]
        : [{ text: answer ? `The tool said ${JSON.stringify(answer.response)}` : `Hello from Gemini mock: ${lastText}` }];
    const usageMetadata = { promptTokenCount: words(lastText), candidatesTokenCount: 5, totalTokenCount: words(lastText) + 5 };
    const response = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata, modelVersion: match[1] };
    if (match[2] === 'generateContent') return json(res, 200, response);
    if (query.get('alt') !== 'sse') return json(res, 400, { error: { code: 400, message: 'expected alt=sse' } });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const text = String(parts[0]!.text ?? '');
    const pieces = text
      ? (text.match(/\S+\s*/g) ?? []).map((piece) => ({ candidates: [{ content: { role: 'model', parts: [{ text: piece }] }, index: 0 }] }))
      : [{ candidates: [{ content: { role: 'model', parts }, index: 0 }] }];
    const chunks = [...pieces, { candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }], usageMetadata }];
    res.end(chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join(''));
  });
}

// --- Bedrock --------------------------------------------------------------------------

export interface BedrockCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** Recomputes the SigV4 signature for the request as received; true when it matches. */
function signatureValid(path: string, headers: IncomingHttpHeaders, raw: string, creds: BedrockCredentials): boolean {
  const presented = String(headers.authorization ?? '');
  if (!presented.startsWith(`AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/`)) return false;
  const expected = aws4.sign(
    {
      host: String(headers.host),
      path,
      method: 'POST',
      service: 'bedrock',
      region: creds.region,
      body: raw,
      headers: { 'content-type': String(headers['content-type']), 'x-amz-date': String(headers['x-amz-date']) },
    },
    creds,
  );
  return expected.headers?.Authorization === presented;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function frame(eventType: string, payload: Json): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

export async function startMockBedrock(creds: BedrockCredentials): Promise<MockServer> {
  return serve((path, _query, headers, body, raw, res) => {
    // The path arrives percent-encoded (model ids contain ':'), exactly as it was signed.
    if (!signatureValid(path, headers, raw, creds)) return json(res, 403, { message: 'The request signature we calculated does not match the signature you provided.' });
    const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(path);
    if (!match) return json(res, 404, { message: `no route ${path}` });
    const messages = body.messages as Array<{ role: string; content: Json[] }>;
    const last = messages.at(-1)!;
    const lastText = last.content.map((c) => String(c.text ?? '')).join(' ');
    const tools = ((body.toolConfig as Json | undefined)?.tools as Json[] | undefined) ?? [];
    const answered = last.content.some((c) => c.toolResult);
    const toolName = tools.length && !answered ? String((tools[0]!.toolSpec as Json).name) : null;
    const text = `Hello from Bedrock mock: ${lastText}`;
    const usage = { inputTokens: words(lastText), outputTokens: toolName ? 4 : words(text), totalTokens: words(lastText) + (toolName ? 4 : words(text)) };
    if (match[2] === 'converse') {
      const content = toolName ? [{ toolUse: { toolUseId: 'tooluse_1', name: toolName, input: ARGS } }] : [{ text }];
      return json(res, 200, { output: { message: { role: 'assistant', content } }, stopReason: toolName ? 'tool_use' : 'end_turn', usage, metrics: { latencyMs: 10 } });
    }
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
    const frames: Uint8Array[] = [frame('messageStart', { role: 'assistant' })];
    if (toolName) {
      frames.push(frame('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tooluse_1', name: toolName } } }));
      const input = JSON.stringify(ARGS);
      frames.push(frame('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: input.slice(0, 6) } } }));
      frames.push(frame('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: input.slice(6) } } }));
    } else {
      for (const piece of text.match(/\S+\s*/g) ?? []) frames.push(frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: piece } }));
    }
    frames.push(frame('contentBlockStop', { contentBlockIndex: 0 }));
    frames.push(frame('messageStop', { stopReason: toolName ? 'tool_use' : 'end_turn' }));
    frames.push(frame('metadata', { usage, metrics: { latencyMs: 10 } }));
    // Split the byte stream at odd places, as TCP would, to exercise frame reassembly.
    const all = Buffer.concat(frames.map((f) => Buffer.from(f)));
    let offset = 0;
    const next = (): void => {
      if (offset >= all.length) return void res.end();
      res.write(all.subarray(offset, offset + 37));
      offset += 37;
      setImmediate(next);
    };
    next();
  });
}
