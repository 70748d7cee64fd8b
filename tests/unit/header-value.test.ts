// Header values built from what clients send: whatever the text, the value can be written
// (Node's own check accepts it), says the same when decoded, and stays short.
import { validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerValue } from '../../electron/gateway/http/context.js';

describe('headerValue', () => {
  it('any text becomes a value Node writes, and decodes back to the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        const value = headerValue(text);
        expect(() => validateHeaderValue('x-test', value)).not.toThrow();
        expect(value).toMatch(/^[\x20-\x7e]*$/);
        expect(decodeURIComponent(value)).toBe(text);
      }),
      { seed: 20261207, numRuns: 500 },
    );
  });

  it('CR LF cannot start a header of its own', () => {
    expect(headerValue('x\r\nSet-Cookie: a=b')).toBe('x%0D%0ASet-Cookie: a=b');
    expect(headerValue('網頁搜索, web_search')).toBe('%E7%B6%B2%E9%A0%81%E6%90%9C%E7%B4%A2, web_search');
  });

  it('a plain value passes unchanged; a long one is cut', () => {
    expect(headerValue('web_search_preview, file_search')).toBe('web_search_preview, file_search');
    expect(headerValue('a'.repeat(4_000_000)).length).toBeLessThan(1_100);
    expect(headerValue('é'.repeat(100_000)).length).toBeLessThan(1_100);
  });
});
