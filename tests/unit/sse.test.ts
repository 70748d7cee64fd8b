// Reading server-sent events, in the gateway (core/sse.ts, and the decoders and scanners on it)
// and in the renderer's Playground (renderer/src/lib/sse.ts): both on eventsource-parser.
import { describe, expect, it } from 'vitest';
import { SseParser, sseEvent } from '../../electron/core/sse.js';
import { anthropicDialect } from '../../electron/dialects/anthropic/index.js';
import { OpenAIChatStreamDecoder } from '../../electron/providers/openai/stream.js';
import { sseData } from '../../renderer/src/lib/sse.js';

const crlf = (text: string) => text.replaceAll('\n', '\r\n');

/** Reads `text` fed in pieces cut at the given byte offsets. */
function parse(text: string, cuts: number[] = []): Array<{ event: string | undefined; data: string }> {
  const bytes = Buffer.from(text);
  const parser = new SseParser();
  const events = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...parser.push(bytes.subarray(from, cut)));
    from = cut;
  }
  events.push(...parser.end());
  return events.map(({ event, data }) => ({ event, data }));
}

/** A small seeded generator, so a failure names a case that can be run again. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SSE reading in the gateway', () => {
  it('decodes an event split inside a multi-byte character, wherever the cut falls', () => {
    const text = sseEvent({ text: 'héllo ✓ 😀' }, 'content_block_delta');
    for (let cut = 1; cut < Buffer.byteLength(text); cut++) {
      expect(parse(text, [cut])).toEqual([{ event: 'content_block_delta', data: '{"text":"héllo ✓ 😀"}' }]);
    }
  });

  it('reads a CRLF stream as it reads an LF one, even with CR and LF in different chunks', () => {
    const text = `${sseEvent({ n: 1 })}event: ping\ndata: a\ndata: b\n\n${sseEvent('[DONE]')}`;
    const expected = [
      { event: undefined, data: '{"n":1}' },
      { event: 'ping', data: 'a\nb' },
      { event: undefined, data: '[DONE]' },
    ];
    expect(parse(text)).toEqual(expected);
    const windows = crlf(text);
    for (let cut = 1; cut < windows.length; cut++) expect(parse(windows, [cut])).toEqual(expected);
  });

  it('delivers a last event the upstream sent without its blank line when the stream ends', () => {
    for (const ending of ['', '\n', '\r\n', '\r']) {
      expect(parse(`data: first\n\ndata: last${ending}`)).toEqual([
        { event: undefined, data: 'first' },
        { event: undefined, data: 'last' },
      ]);
    }
    // A stream that ended properly has nothing left to deliver.
    expect(parse('data: only\n\n')).toEqual([{ event: undefined, data: 'only' }]);
  });

  it('finds the same events however a generated stream is cut into chunks', () => {
    const random = seeded(20240611);
    const alphabet = ['a', ' ', 'é', '✓', '😀', '"', ':', '\\n', '{', 'data: '];
    for (let round = 0; round < 200; round++) {
      const events = Array.from({ length: 1 + Math.floor(random() * 6) }, () => ({
        event: random() < 0.4 ? `type${Math.floor(random() * 3)}` : undefined,
        data: Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
      }));
      let text = events.map(({ event, data }) => sseEvent(data, event)).join('');
      if (random() < 0.5) text = crlf(text);
      const length = Buffer.byteLength(text);
      const cuts = [...new Set(Array.from({ length: Math.floor(random() * 8) }, () => 1 + Math.floor(random() * (length - 1))))].sort((a, b) => a - b);
      expect(parse(text, cuts), `round ${round}, cuts ${cuts.join(',')}`).toEqual(events);
    }
  });

  it('gives a provider decoder whole text from a CRLF stream cut mid-character with no final blank line', () => {
    const chunk = (content: string) => sseEvent({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] });
    const bytes = Buffer.from(crlf(chunk('naïve ') + chunk('café ✓')).trimEnd());
    const decoder = new OpenAIChatStreamDecoder();
    const chunks = [];
    for (let i = 0; i < bytes.length; i += 5) chunks.push(...decoder.push(bytes.subarray(i, i + 5)));
    chunks.push(...decoder.end());
    expect(chunks.map((c) => c.choices[0]?.delta.content).join('')).toBe('naïve café ✓');
  });

  it('counts usage from a natively relayed Anthropic stream whose last event has no blank line', () => {
    const scanner = anthropicDialect.nativeStreamScanner({});
    const stream =
      sseEvent({ type: 'message_start', message: { usage: { input_tokens: 12, output_tokens: 1 } } }, 'message_start') +
      sseEvent({ type: 'content_block_delta', delta: { type: 'text_delta', text: 'Grüße ✓' } }, 'content_block_delta') +
      sseEvent({ type: 'message_delta', usage: { output_tokens: 9 } }, 'message_delta').trimEnd();
    const bytes = Buffer.from(stream);
    let relayed = '';
    for (let i = 0; i < bytes.length; i += 7) relayed += scanner.push(bytes.subarray(i, i + 7)).toString('latin1');
    relayed += scanner.end();
    expect(Buffer.from(relayed, 'latin1').toString()).toBe(stream);
    expect(scanner.usage).toEqual({ promptTokens: 12, completionTokens: 9, totalTokens: 21 });
  });
});

describe('SSE reading in the Playground', () => {
  function body(text: string, size: number): ReadableStream<Uint8Array> {
    const bytes = new TextEncoder().encode(text);
    return new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
        controller.close();
      },
    });
  }

  async function read(stream: ReadableStream<Uint8Array>): Promise<string[]> {
    const out: string[] = [];
    for await (const data of sseData(stream)) out.push(data);
    return out;
  }

  it('reads the gateway stream cut mid-character, CRLF or not, including a last event without its blank line', async () => {
    const text = `${sseEvent({ delta: 'Grüße ✓' })}: keep-alive\n\n${sseEvent({ delta: '😀' })}data: [DONE]`;
    for (const size of [1, 2, 3, 7, 64]) {
      for (const stream of [text, crlf(text)]) {
        expect(await read(body(stream, size))).toEqual(['{"delta":"Grüße ✓"}', '{"delta":"😀"}', '[DONE]']);
      }
    }
  });

  it('lets go of the response when the reader stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(sseEvent({ error: { message: 'boom' } })));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const data of sseData(stream)) {
      expect(data).toContain('boom');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
