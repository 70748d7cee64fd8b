import { describe, expect, it } from 'vitest';
import { OpenAIStreamRelay } from '../../electron/dialects/openai-wire.js';

const content = (text: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text } }], usage: null })}\n\n`;
const usage = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } })}\n\n`;
const done = 'data: [DONE]\n\n';

function relayAll(relay: OpenAIStreamRelay, pieces: string[]): string {
  let out = '';
  for (const piece of pieces) out += relay.push(Buffer.from(piece)).toString();
  return out + relay.end();
}

describe('OpenAI stream relay', () => {
  it('removes only the usage chunk when stripping, and still reads the usage', () => {
    const relay = new OpenAIStreamRelay(true);
    const out = relayAll(relay, [content('Hi'), content(' there'), usage, done]);
    expect(out).toBe(content('Hi') + content(' there') + done);
    expect(relay.usage).toEqual({ promptTokens: 3, completionTokens: 4, totalTokens: 7 });
  });

  it('passes bytes through untouched when not stripping', () => {
    const relay = new OpenAIStreamRelay(false);
    const input = [content('Hi'), usage, done];
    expect(relayAll(relay, input)).toBe(input.join(''));
    expect(relay.usage?.totalTokens).toBe(7);
  });

  it('handles events split across chunks, including inside a multi-byte character', () => {
    const whole = Buffer.from(content('héllo ✓') + usage + done);
    const relay = new OpenAIStreamRelay(true);
    let out = '';
    // Feed three bytes at a time so boundaries land everywhere, mid-character included.
    for (let i = 0; i < whole.length; i += 3) out += relay.push(whole.subarray(i, i + 3)).toString();
    out += relay.end();
    expect(out).toBe(content('héllo ✓') + done);
    expect(relay.usage?.promptTokens).toBe(3);
  });

  it('understands CRLF-delimited events, and sends every other event byte for byte', () => {
    const crlf = (s: string) => s.replaceAll('\n', '\r\n');
    const relay = new OpenAIStreamRelay(true);
    const out = relayAll(relay, [crlf(content('a')), crlf(usage), crlf(done)]);
    expect(out).toBe(crlf(content('a')) + crlf(done));
    expect(relay.usage?.totalTokens).toBe(7);
  });

  it('reads and removes a usage chunk the upstream ended without its blank line', () => {
    const relay = new OpenAIStreamRelay(true);
    expect(relayAll(relay, [content('Hi'), usage.trimEnd()])).toBe(content('Hi'));
    expect(relay.usage?.totalTokens).toBe(7);
    // Without stripping, the same stream reaches the client byte for byte, and is counted.
    const untouched = new OpenAIStreamRelay(false);
    expect(relayAll(untouched, [content('Hi'), usage.trimEnd()])).toBe(content('Hi') + usage.trimEnd());
    expect(untouched.usage?.totalTokens).toBe(7);
  });

  it('keeps comments and other fields while stripping, and a last unfinished content event as sent', () => {
    const stream = [': keep-alive\n\n', `id: 1\n${content('a')}`, usage, 'data: {"choices":[{"index":0,"delta":{"content":"b"}}]}'];
    const relay = new OpenAIStreamRelay(true);
    expect(relayAll(relay, stream)).toBe(stream[0]! + stream[1]! + stream[3]!);
  });

  it('keeps a final chunk that has both choices and usage (some servers merge them)', () => {
    const merged = `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1 } })}\n\n`;
    const relay = new OpenAIStreamRelay(true);
    expect(relayAll(relay, [merged, done])).toBe(merged + done);
    expect(relay.usage?.totalTokens).toBe(2);
  });
});
