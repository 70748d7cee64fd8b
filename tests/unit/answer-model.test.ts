// Natively relayed answers name the model the client asked for, whatever the upstream calls it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerNamingModel, streamNamingModel } from '../../electron/dialects/answer-model.js';
import { OpenAIStreamRelay } from '../../electron/dialects/openai-wire.js';
import { anthropicDialect } from '../../electron/dialects/anthropic/index.js';
import { geminiSseDialect } from '../../electron/dialects/gemini/index.js';

const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
const anthropicStream = [
  event('message_start', { type: 'message_start', message: { id: 'msg_1', model: 'claude-sonnet-4-5-20250929', content: [], usage: { input_tokens: 3 } } }),
  event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'Set', input: {} } }),
  // A tool's arguments may mention a model: escaped inside a string, they are never renamed.
  event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"model":"claude-sonnet-4-5-20250929"}' } }),
  event('message_stop', { type: 'message_stop' }),
].join('');

function relay(pieces: Buffer[], model: string): string {
  const scanner = streamNamingModel(anthropicDialect.nativeStreamScanner({}), anthropicDialect.answerModel, model, 'claude-sonnet-4-5-20250929');
  return pieces.map((piece) => scanner.push(piece).toString()).join('') + scanner.end();
}

describe('the model an answer names', () => {
  it("is the client's in a natively relayed Anthropic stream, however the bytes are cut", () => {
    const expected = anthropicStream.replace('"model":"claude-sonnet-4-5-20250929","content"', '"model":"claude-sonnet-4-5","content"');
    const whole = Buffer.from(anthropicStream);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: whole.length - 1 }), { maxLength: 12 }), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), whole.length];
        expect(
          relay(
            at.slice(1).map((end, i) => whole.subarray(at[i], end)),
            'claude-sonnet-4-5',
          ),
        ).toBe(expected);
      }),
      { seed: 24, numRuns: 200 },
    );
  });

  it('is left alone when the upstream has the same name', () => {
    const scanner = new OpenAIStreamRelay(false);
    expect(streamNamingModel(scanner, anthropicDialect.answerModel, 'gpt-4o', 'gpt-4o')).toBe(scanner);
  });

  it("is the client's in every chunk of a chat stream and every Gemini chunk's modelVersion", () => {
    const chunk = (model: string): string => `data: ${JSON.stringify({ id: 'c', model, choices: [] })}\n\n`;
    const chat = streamNamingModel(new OpenAIStreamRelay(false), { key: 'model', once: false }, 'my-group', 'upstream-x');
    expect(chat.push(Buffer.from(chunk('upstream-x-2025') + chunk('upstream-x-2025'))).toString() + chat.end()).toBe(chunk('my-group') + chunk('my-group'));
    const gemini = streamNamingModel(geminiSseDialect.nativeStreamScanner({}), geminiSseDialect.answerModel, 'my-gemini', 'gemini-2.5-flash');
    const geminiChunk = (model: string): string => `data: ${JSON.stringify({ candidates: [], modelVersion: model })}\r\n\r\n`;
    expect(gemini.push(Buffer.from(geminiChunk('gemini-2.5-flash'))).toString() + gemini.end()).toBe(geminiChunk('my-gemini'));
  });

  it("is the client's in a whole answer, top level only", () => {
    const answer = JSON.stringify({ id: 'msg', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'tool_use', input: { model: 'keep-me' } }] });
    const named = JSON.parse(answerNamingModel(answer, anthropicDialect.answerModel, 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929')) as { model: string; content: Array<{ input: { model: string } }> };
    expect(named.model).toBe('claude-sonnet-4-5');
    expect(named.content[0]!.input.model).toBe('keep-me');
    expect(answerNamingModel(answer, anthropicDialect.answerModel, 'same', 'same')).toBe(answer);
  });

  it('renames exactly the top-level string member of any answer, however it is laid out, and leaves others alone', () => {
    const member = { key: 'model', once: true } as const;
    // Answers with `model` at the top level (a string, or another type) or only nested, any other members around it.
    const nested = fc.dictionary(fc.constantFrom('model', 'id', 'content', 'a"b', 'x\\'), fc.jsonValue({ maxDepth: 3 }));
    const answer = fc.record({ before: nested, model: fc.option(fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })), { nil: undefined }), after: nested, indent: fc.constantFrom(0, 2) });
    fc.assert(
      fc.property(answer, fc.string(), ({ before, model, after, indent }, wanted) => {
        const { model: _dropped, ...rest } = { ...before, ...after };
        const object: Record<string, unknown> = model === undefined ? { ...before, content: [after] } : { ...rest, inner: after, model, tail: after };
        const text = JSON.stringify(object, null, indent);
        const renamed = answerNamingModel(text, member, wanted, 'upstream');
        if (typeof object.model === 'string') expect(JSON.parse(renamed)).toEqual({ ...object, model: wanted });
        else expect(renamed).toBe(text);
      }),
      { seed: 29, numRuns: 500 },
    );
    expect(answerNamingModel('not json', member, 'm', 'u')).toBe('not json');
    expect(answerNamingModel('["model", "x"]', member, 'm', 'u')).toBe('["model", "x"]');
  });
});
