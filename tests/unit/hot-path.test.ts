// The request path's shortcuts give the same answers as the long way: usage read from an
// answer's tail, the log line built without a spread, the day cached between calls.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BatchedJsonLogger } from '../../electron/core/logger.js';
import { trailingMember, usageFromOpenAI } from '../../electron/core/usage.js';
import { utcDay } from '../../electron/core/utc-day.js';

/** Usage the way the relay reads it: the tail when that works, else the whole body. */
function usageOf(text: string): ReturnType<typeof usageFromOpenAI> {
  return usageFromOpenAI(trailingMember(text, 'usage') ?? JSON.parse(text));
}

describe("an answer's usage, read from its tail", () => {
  const choices = [{ index: 0, message: { role: 'assistant', content: 'the "usage": {"prompt_tokens": 99} field' }, finish_reason: 'stop' }];
  const usage = { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21, prompt_tokens_details: { cached_tokens: 0 } };

  it('finds usage followed by other fields, as OpenAI sends it', () => {
    const text = JSON.stringify({ id: 'c1', choices, usage, service_tier: 'default', system_fingerprint: 'fp_1' });
    expect(trailingMember(text, 'usage')).not.toBeNull();
    expect(usageOf(text)).toEqual({ promptTokens: 12, completionTokens: 9, totalTokens: 21 });
  });

  it('does not take a nested "usage" for the answer\'s own, and falls back to the whole body', () => {
    const text = JSON.stringify({ id: 'c2', usage, choices, metadata: { tool: { usage: { prompt_tokens: 500 } } } });
    expect(trailingMember(text, 'usage')).toBeNull();
    expect(usageOf(text)?.promptTokens).toBe(12);
    const inArray = JSON.stringify([{ usage }]);
    expect(trailingMember(inArray, 'usage')).toBeNull();
  });

  it('does not read past a long tail or a key that is only part of an escaped name', () => {
    const long = JSON.stringify({ usage, choices: [{ message: { content: 'x'.repeat(10_000) } }] });
    expect(trailingMember(long, 'usage')).toBeNull();
    expect(usageOf(long)?.totalTokens).toBe(21);
    const escaped = '{"x\\"usage":{"prompt_tokens":5}}';
    expect(trailingMember(escaped, 'usage')).toBeNull();
  });

  it('is null for an answer without usage or not an object', () => {
    expect(trailingMember(JSON.stringify({ id: 'c3', choices }), 'usage')).toBeNull();
    expect(trailingMember('"usage"', 'usage')).toBeNull();
    expect(trailingMember('{"usage": 5}', 'usage')).toBeNull();
  });
});

describe('a log line', () => {
  async function lineFor(fields: Record<string, string | number | boolean | null | undefined>): Promise<Record<string, unknown>> {
    const sink = new PassThrough();
    let text = '';
    sink.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const logger = new BatchedJsonLogger(sink);
    logger.log('info', 'request "quoted"', fields);
    await logger.flush();
    return JSON.parse(text) as Record<string, unknown>;
  }

  it('carries time, level, message and every defined field, in order', async () => {
    const line = await lineFor({ id: 'r1', path: '/v1/chat/completions?x="y"\n', status: 200, stream: false, cache: undefined, model: null });
    expect(Object.keys(line)).toEqual(['time', 'level', 'msg', 'id', 'path', 'status', 'stream', 'model']);
    expect(line).toMatchObject({ level: 'info', msg: 'request "quoted"', path: '/v1/chat/completions?x="y"\n', status: 200, model: null });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('lets a field named like a built-in one replace it, as before', async () => {
    expect(await lineFor({ msg: 'override' })).toMatchObject({ msg: 'override' });
    expect(Object.keys(await lineFor({}))).toEqual(['time', 'level', 'msg']);
  });
});

describe('the UTC day', () => {
  it('changes exactly at midnight UTC, whichever order days are asked in', () => {
    const midnight = Date.UTC(2026, 10, 29);
    expect(utcDay(midnight - 1)).toBe('2026-11-28');
    expect(utcDay(midnight)).toBe('2026-11-29');
    expect(utcDay(midnight - 1)).toBe('2026-11-28');
    expect(utcDay(midnight + 86_399_999)).toBe('2026-11-29');
    expect(utcDay(midnight + 86_400_000)).toBe('2026-11-30');
    expect(() => utcDay(Number.NaN)).toThrow();
  });
});
