// The app's events over IPC, without Electron: the binding in electron/ipc.ts over an in-memory
// pair, each window's page subscribing as the preload does and hearing structured-cloned data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindEvents, type EventSender, type IpcEventsLike, type SenderFrame } from '../../electron/ipc.js';
import { isAppUrl } from '../../electron/window-options.js';
import { eventChannel, SUBSCRIBE_CHANNEL } from '../../shared/events.js';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

type Listener = Parameters<IpcEventsLike['on']>[1];

/** ipcMain's message half, and a window's page that records what it is sent. */
function eventPair() {
  const listeners = new Map<string, Set<Listener>>();
  const main: IpcEventsLike = {
    on: (channel, listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  function page(url: string, parent: SenderFrame['parent'] = null) {
    const received: Array<{ channel: string; data: unknown }> = [];
    const destroyedListeners: Array<() => void> = [];
    let destroyed = false;
    const sender: EventSender = {
      // Structured clone, as IPC does: nothing but data crosses.
      send: (channel, data) => void received.push({ channel, data: structuredClone(data) }),
      isDestroyed: () => destroyed,
      once: (_event, listener) => destroyedListeners.push(listener),
    };
    return {
      received,
      subscribe: () => listeners.get(SUBSCRIBE_CHANNEL)?.forEach((listener) => listener({ senderFrame: { url, parent }, sender })),
      destroy: () => {
        destroyed = true;
        destroyedListeners.splice(0).forEach((listener) => listener());
      },
      /** Waits for a message on `channel` after the first `skip`. */
      async next(channel: string, skip = 0, timeoutMs = 3_000): Promise<unknown> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const found = received.filter((message) => message.channel === channel)[skip];
          if (found) return found.data;
          if (Date.now() > deadline) throw new Error(`nothing on ${channel}; got ${received.map((m) => m.channel).join(', ')}`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      },
    };
  }
  return { main, page, listeners };
}

let upstream: MockUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(`model_list:${openaiModel('gpt', 'gpt-4o-mini', upstream.apiBase)}\n`);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const trusted = (url: string): boolean => isAppUrl(url, gw.url);

describe('IPC events', () => {
  it('sends a subscribed page a fresh status first, then pause, resume and each finished request', async () => {
    const pair = eventPair();
    const unbind = bindEvents(pair.main, gw.app.events, trusted);
    const page = pair.page(`${gw.url}/ui/`);
    page.subscribe();
    expect(await page.next(eventChannel('status'))).toMatchObject({ running: true, paused: false });
    expect(page.received[0]?.channel).toBe('loopgate:event:status');

    gw.app.setPaused(true);
    expect(await page.next(eventChannel('status'), 1)).toMatchObject({ paused: true });
    gw.app.setPaused(false);
    expect(await page.next(eventChannel('status'), 2)).toMatchObject({ paused: false });

    await gw.client().chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'over ipc' }] });
    expect(await page.next(eventChannel('log'))).toMatchObject({ model: 'gpt', status: 200, deployment: 'gpt#0' });

    unbind();
    expect(pair.listeners.get(SUBSCRIBE_CHANNEL)?.size).toBe(0);
    const before = page.received.length;
    gw.app.setPaused(true);
    gw.app.setPaused(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(page.received.length).toBe(before);
  });

  it('gives a reloaded page one subscription (a fresh status again), and stops at a destroyed window', async () => {
    const pair = eventPair();
    const unbind = bindEvents(pair.main, gw.app.events, trusted);
    const page = pair.page(`${gw.url}/ui/`);
    const listening = gw.app.events.listeners;
    page.subscribe();
    await page.next(eventChannel('status'));
    page.subscribe(); // the page loaded again
    await page.next(eventChannel('status'), 1);
    expect(gw.app.events.listeners).toBe(listening + 1);
    gw.app.setPaused(true);
    await page.next(eventChannel('status'), 2);
    gw.app.setPaused(false);
    await page.next(eventChannel('status'), 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(page.received.filter((message) => message.channel === eventChannel('status'))).toHaveLength(4);

    page.destroy();
    expect(gw.app.events.listeners).toBe(listening);
    unbind();
  });

  it('sends nothing to a page that is not the app, or to a frame embedded in it', async () => {
    const pair = eventPair();
    const unbind = bindEvents(pair.main, gw.app.events, trusted);
    const stranger = pair.page('https://evil.example/ui/');
    const embedded = pair.page(`${gw.url}/ui/`, { url: `${gw.url}/ui/` });
    stranger.subscribe();
    embedded.subscribe();
    gw.app.setPaused(true);
    gw.app.setPaused(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stranger.received).toEqual([]);
    expect(embedded.received).toEqual([]);
    unbind();
  });
});
