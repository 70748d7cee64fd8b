// Placeholders come back as the secrets they stand for, in a whole answer and in a stream cut
// anywhere: between deltas, inside an event, inside a placeholder.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnswerRestorer } from '../../electron/gateway/inference/secret-restore.js';

const FOUND = [
  { placeholder: '[REDACTED:privatekey-1]', secret: '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\n-----END PRIVATE KEY-----\n' },
  { placeholder: '[REDACTED:github-2]', secret: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
];
const REPLY = 'Use [REDACTED:github-2] and [REDACTED:privatekey-1] here; [REDACTED:github-2] again, and a [bracket] or [REDACTED:other] left alone. [RED';
const RESTORED = REPLY.replaceAll('[REDACTED:github-2]', FOUND[1]!.secret).replaceAll('[REDACTED:privatekey-1]', FOUND[0]!.secret);

function chatEvents(deltas: string[]): string {
  const events = deltas.map((content) => `data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`);
  return `${events.join('')}data: [DONE]\n\n`;
}

function contentOf(sse: string): string {
  return sse
    .split('\n\n')
    .filter((event) => event.startsWith('data: {'))
    .map((event) => (JSON.parse(event.slice(6)) as { choices: Array<{ delta: { content: string } }> }).choices[0]!.delta.content)
    .join('');
}

/** `text` cut at the given (sorted, deduplicated) positions. */
function cut(text: string, at: number[]): string[] {
  const points = [...new Set(at.map((n) => n % (text.length + 1)))].sort((a, b) => a - b);
  return [...points, text.length].map((end, index) => text.slice(index === 0 ? 0 : points[index - 1], end));
}

describe('answer restorer', () => {
  it('restores a whole JSON answer, escaping each secret as JSON', () => {
    const json = JSON.stringify({ choices: [{ message: { content: REPLY } }] });
    const restored = JSON.parse(new AnswerRestorer(FOUND).text(json)) as { choices: Array<{ message: { content: string } }> };
    expect(restored.choices[0]!.message.content).toBe(RESTORED);
  });

  it('restores a stream whatever the deltas and the chunks (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 20 }), (deltaCuts, chunkCuts) => {
        const sse = chatEvents(cut(REPLY, deltaCuts));
        const stream = new AnswerRestorer(FOUND).stream();
        const out = cut(sse, chunkCuts)
          .map((chunk) => stream.push(Buffer.from(chunk)))
          .join('');
        const all = out + stream.end();
        expect(contentOf(all)).toBe(RESTORED);
        expect(all.endsWith('data: [DONE]\n\n')).toBe(true);
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it('leaves a stream without placeholders as it came', () => {
    const sse = chatEvents(['Hello ', 'there']);
    const stream = new AnswerRestorer(FOUND).stream();
    expect(stream.push(sse) + stream.end()).toBe(sse);
  });
});
