// A stream the client left is counted from what was sent: the reply text of each dialect's
// events, scaled by length when only the start of a long stream was kept.
import { describe, expect, it } from 'vitest';
import { sseEvent } from '../../electron/core/sse.js';
import fc from 'fast-check';
import { chatDialect } from '../../electron/dialects/chat/index.js';
import { cutShort, requestSize, requestSizeBound, SentStream } from '../../electron/gateway/inference/usage-estimate.js';

/** `words` words of reply, one event each, in a dialect's event shape. */
function sent(event: (piece: string) => unknown, words = 100): SentStream {
  const stream = new SentStream();
  for (let i = 0; i < words; i++) stream.keep(Buffer.from(sseEvent(event(' word'))));
  return stream;
}

describe('the reply tokens of a stream cut short', () => {
  it('reads every dialect: chat, completions, Anthropic, Responses, Gemini', () => {
    const shapes: Array<[string, (piece: string) => unknown]> = [
      ['chat', (piece) => ({ choices: [{ index: 0, delta: { content: piece } }] })],
      ['chat tool calls', (piece) => ({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] } }] })],
      ['completions', (piece) => ({ choices: [{ index: 0, text: piece }] })],
      ['anthropic', (piece) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } })],
      ['responses', (piece) => ({ type: 'response.output_text.delta', item_id: 'msg_1', delta: piece })],
      ['gemini', (piece) => ({ candidates: [{ content: { role: 'model', parts: [{ text: piece }] } }] })],
    ];
    for (const [name, shape] of shapes) expect([name, sent(shape).replyTokens()]).toEqual([name, 100]);
  });

  it('counts no framing: ids, roles, finish reasons and usage-less events add nothing', () => {
    const stream = new SentStream();
    stream.keep(sseEvent({ type: 'message_start', message: { id: 'msg_1', role: 'assistant', content: [] } }));
    stream.keep(sseEvent({ type: 'message_delta', delta: { stop_reason: 'end_turn' } }));
    stream.keep(sseEvent({ type: 'response.output_text.done', text: 'the whole text again' }));
    stream.keep('data: [DONE]\n\n');
    expect(stream.replyTokens()).toBe(0);
  });

  it('past the first MiB, scales what it kept by the length sent', () => {
    const event = sseEvent({ choices: [{ index: 0, delta: { content: ' word' } }] });
    const stream = new SentStream();
    const events = Math.ceil((3 * (1 << 20)) / event.length);
    for (let i = 0; i < events; i++) stream.keep(event);
    const tokens = stream.replyTokens();
    expect(tokens).toBeGreaterThan(events * 0.99);
    expect(tokens).toBeLessThan(events * 1.01);
  });

  it('bills the prompt the upstream reported and at least the reply that was sent', () => {
    expect(cutShort({ promptTokens: 2000, completionTokens: 1, totalTokens: 2001 }, 40)).toEqual({ promptTokens: 2000, completionTokens: 40, totalTokens: 2040 });
    expect(cutShort(null, 0)).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
  });
});

describe("a budget hold's upper bound, used while the budget is far from spent", () => {
  it('is never below the counted prompt or the reply limit, whatever the text (emoji, CJK, control characters)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 400 }), { minLength: 1, maxLength: 6 }), fc.option(fc.nat(100_000)), async (texts, maxTokens) => {
        const body = { model: 'm', messages: texts.map((content) => ({ role: 'user', content })), ...(maxTokens === null ? {} : { max_tokens: maxTokens }) };
        const bound = requestSizeBound(body);
        const counted = await requestSize(chatDialect, body);
        expect(bound.promptTokens).toBeGreaterThanOrEqual(counted.promptTokens);
        expect(bound.maxTokens).toBe(counted.maxTokens);
      }),
      { seed: 20261207, numRuns: 200 },
    );
  });
});
