import { describe, expect, it } from 'vitest';
import { answerText, pretty } from '../../renderer/src/lib/answer-text.js';

// What Logs' replay comparison shows of an answer: its words, whichever API answered, streamed or not.
describe('answerText', () => {
  it('reads the words of each API\u2019s answer and of an error', () => {
    expect(answerText(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'chat words' } }] }))).toBe('chat words');
    expect(
      answerText(
        JSON.stringify({
          type: 'message',
          content: [
            { type: 'text', text: 'claude ' },
            { type: 'tool_use', name: 'x' },
            { type: 'text', text: 'words' },
          ],
        }),
      ),
    ).toBe('claude words');
    expect(answerText(JSON.stringify({ object: 'response', output: [{ type: 'message', content: [{ type: 'output_text', text: 'responses words' }] }] }))).toBe('responses words');
    expect(answerText(JSON.stringify({ candidates: [{ content: { parts: [{ text: 'gemini words' }] } }] }))).toBe('gemini words');
    expect(answerText(JSON.stringify({ error: { message: 'The server had an error' } }))).toBe('The server had an error');
  });

  it('adds a stream\u2019s deltas up, Chat Completions and Messages alike', () => {
    const chat = ['data: {"choices":[{"delta":{"content":"Hel"}}]}', 'data: {"choices":[{"delta":{"content":"lo"}}]}', 'data: [DONE]', ''].join('\n\n');
    expect(answerText(chat)).toBe('Hello');
    const messages = [
      'event: content_block_delta',
      'data: {"type":"content_block_delta","delta":{"type":"text_delta","text":"Hi "}}',
      '',
      'event: content_block_delta',
      'data: {"type":"content_block_delta","delta":{"type":"text_delta","text":"there"}}',
    ].join('\n');
    expect(answerText(messages)).toBe('Hi there');
  });

  it('says nothing for an answer without words, so the raw body is shown', () => {
    expect(answerText(JSON.stringify({ data: [{ embedding: [0.1] }] }))).toBeNull();
    expect(answerText('not json at all')).toBeNull();
    expect(pretty('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(pretty('plain')).toBe('plain');
  });
});
