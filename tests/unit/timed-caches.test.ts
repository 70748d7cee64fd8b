// The in-memory caches on lru-cache, against a test clock: the response cache, Responses
// conversations and the admin UI's sessions and sign-in links, each bounded in time and size.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../electron/core/chat.js';
import { ConversationStore } from '../../electron/dialects/responses/conversations.js';
import { ResponseCache, type CachedResponse } from '../../electron/gateway/inference/cache.js';
import { UiSessions } from '../../electron/gateway/admin/ui-api.js';

const MINUTE = 60_000;

function testClock(): { now: () => number; advance(ms: number): void } {
  let now = 1_800_000_000_000;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

const answer = (text: string): CachedResponse => ({ stream: false, contentType: 'application/json', chunks: [text], usage: null });
const said = (text: string): ChatMessage[] => [{ role: 'user', content: text }];

describe('response cache', () => {
  it('forgets an answer after the configured TTL, or after the TTL the request asked for', () => {
    const clock = testClock();
    const cache = new ResponseCache({ ttlMs: MINUTE, maxEntries: 10 }, clock.now);
    cache.set('default', answer('a'), null);
    cache.set('short', answer('b'), 5_000);
    clock.advance(4_999);
    expect(cache.get('short')?.chunks).toEqual(['b']);
    clock.advance(2);
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('default')?.chunks).toEqual(['a']);
    clock.advance(MINUTE);
    expect(cache.get('default')).toBeUndefined();
  });

  it('keeps at most max_size answers, dropping the one least recently served', () => {
    const cache = new ResponseCache({ ttlMs: MINUTE, maxEntries: 2 }, testClock().now);
    cache.set('first', answer('1'), null);
    cache.set('second', answer('2'), null);
    expect(cache.get('first')).toBeDefined();
    cache.set('third', answer('3'), null);
    expect(cache.get('second')).toBeUndefined();
    expect(cache.get('first')?.chunks).toEqual(['1']);
    expect(cache.get('third')?.chunks).toEqual(['3']);
  });
});

describe('Responses conversations', () => {
  it('keeps a conversation for an hour after it was stored', () => {
    const clock = testClock();
    const conversations = new ConversationStore(clock.now);
    conversations.set('resp_1', said('hello'));
    clock.advance(59 * MINUTE);
    expect(conversations.get('resp_1')).toEqual(said('hello'));
    clock.advance(2 * MINUTE);
    expect(conversations.get('resp_1')).toBeUndefined();
  });

  it('keeps the 1,000 most recently used conversations', () => {
    const conversations = new ConversationStore(testClock().now);
    for (let i = 0; i < 1_000; i++) conversations.set(`resp_${i}`, said(`turn ${i}`));
    // Continued just now, so it outlives the ones nobody came back to.
    expect(conversations.get('resp_0')).toBeDefined();
    conversations.set('resp_1000', said('one more'));
    expect(conversations.get('resp_1')).toBeUndefined();
    expect(conversations.get('resp_0')).toEqual(said('turn 0'));
    expect(conversations.get('resp_2')).toEqual(said('turn 2'));
    expect(conversations.get('resp_1000')).toEqual(said('one more'));
  });
});

describe('admin UI sessions', () => {
  const withCookie = (token: string) => ({ headers: { cookie: `lg_session=${token}` } }) as unknown as IncomingMessage;

  it('lets a sign-in link nobody used expire after five minutes, and forgets it', () => {
    const clock = testClock();
    const sessions = new UiSessions(clock.now);
    const early = sessions.createLoginToken();
    const late = sessions.createLoginToken();
    clock.advance(4 * MINUTE);
    expect(sessions.redeemLoginToken(early)).toBe(true);
    expect(sessions.redeemLoginToken(early)).toBe(false);
    clock.advance(MINUTE + 1);
    expect(sessions.redeemLoginToken(late)).toBe(false);
    expect(sessions.pendingLoginTokens).toBe(0);
  });

  it('keeps at most 100 sign-in links waiting; past that the oldest stop working', () => {
    const sessions = new UiSessions(testClock().now);
    const links = Array.from({ length: 150 }, () => sessions.createLoginToken());
    expect(sessions.pendingLoginTokens).toBe(100);
    expect(sessions.redeemLoginToken(links[0]!)).toBe(false);
    expect(sessions.redeemLoginToken(links[49]!)).toBe(false);
    expect(sessions.redeemLoginToken(links[50]!)).toBe(true);
    expect(sessions.redeemLoginToken(links[149]!)).toBe(true);
  });

  it('signs a session out after twelve hours', () => {
    const clock = testClock();
    const sessions = new UiSessions(clock.now);
    const session = withCookie(sessions.open());
    clock.advance(12 * 60 * MINUTE - 1);
    expect(sessions.valid(session)).toBe(true);
    clock.advance(2);
    expect(sessions.valid(session)).toBe(false);
    expect(sessions.valid(withCookie('made-up'))).toBe(false);
  });
});
