// Browser mode's event stream (GET /ui/events): pushed status, live log, usage and changes; the
// session's end said on the stream; sign-out; a slow reader kept to a bounded queue.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_QUEUED_LOGS } from '../../electron/gateway/admin/ui-events.js';
import type { RequestLogEntry } from '../../electron/store/request-log.js';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { logRow } from '../helpers/store.js';
import { callUi, openEvents, signIn, uiValue, type EventReader } from '../helpers/ui-events.js';

const HEARTBEAT_MS = 150;
let upstream: MockUpstream;
let gw: TestGateway;
/** The gateway's clock runs this far ahead, for sessions to lapse. */
let offsetMs = 0;
const readers: EventReader[] = [];

async function events(cookie: string | null): Promise<EventReader> {
  const reader = await openEvents(gw.url, cookie);
  readers.push(reader);
  return reader;
}

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(`model_list:${openaiModel('gpt', 'gpt-4o-mini', upstream.apiBase)}\n`, {
    clock: () => Date.now() + offsetMs,
    eventHeartbeatMs: HEARTBEAT_MS,
  });
});

afterEach(() => {
  offsetMs = 0;
  gw.app.setPaused(false);
  readers.splice(0).forEach((reader) => reader.close());
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('the event stream', () => {
  it('starts with a retry hint and a fresh status, then a log event as each request finishes, then usage', async () => {
    const cookie = await signIn(gw.url);
    const stream = await events(cookie);
    expect(stream.status).toBe(200);
    const status = await stream.next('status');
    expect(stream.received[0]?.event).toBe('status');
    expect(stream.retry).toBe(2000);
    expect(status).toMatchObject({ running: true, paused: false, baseUrl: gw.url });

    const reply = await gw.client().chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hello' }] });
    expect(reply.choices[0]?.message.content).toContain('hello');
    const log = await stream.next('log');
    expect(log).toMatchObject({ model: 'gpt', deployment: 'gpt#0', status: 200, keyLabel: 'master key', attemptCount: 1, errorCode: null });
    expect(log.promptTokens).toBeGreaterThan(0);
    // Usage follows, coalesced, with the request counted.
    const usage = await stream.next('usage', 3_000);
    expect(usage.today.requests).toBeGreaterThanOrEqual(1);
  });

  it('says pause and resume at once, and a page that reconnects hears the current status first', async () => {
    const cookie = await signIn(gw.url);
    const stream = await events(cookie);
    expect(await stream.next('status')).toMatchObject({ paused: false });
    gw.app.setPaused(true);
    expect(await stream.next('status', 1_000)).toMatchObject({ paused: true });
    // Paused for real: a model request is refused.
    expect((await fetch(`${gw.url}/v1/models`, { headers: { authorization: 'Bearer sk-test-master-key' } })).status).toBe(503);

    stream.close();
    const again = await events(cookie);
    expect(await again.next('status')).toMatchObject({ paused: true });
    expect(again.received[0]?.event).toBe('status');

    gw.app.setPaused(false);
    expect(await again.next('status', 1_000)).toMatchObject({ paused: false });
  });

  it('tells views to reload when keys, models or routing change, whoever changed them', async () => {
    const cookie = await signIn(gw.url);
    const stream = await events(cookie);
    await stream.next('status');
    // The management API, not the app: the app's view must still hear of it.
    expect((await gw.manage('POST', '/key/generate', { key_alias: 'pushed' })).status).toBe(200);
    expect(await stream.next('changed', 2_000, (data) => data.topic === 'keys')).toEqual({ topic: 'keys' });
    const routing = await uiValue(gw.url, cookie, 'routing.get', {});
    await uiValue(gw.url, cookie, 'routing.update', { ...routing, numRetries: 3, version: routing.version });
    expect(await stream.next('changed', 2_000, (data) => data.topic === 'routing')).toEqual({ topic: 'routing' });
    await uiValue(gw.url, cookie, 'providers.create', { name: 'Local', family: 'openai', apiBase: upstream.apiBase, apiKey: 'sk-x' });
    expect(await stream.next('changed', 2_000, (data) => data.topic === 'providers')).toEqual({ topic: 'providers' });
    // And the status that follows counts the new key.
    expect((await stream.next('status', 3_000)).counts.keys).toBeGreaterThanOrEqual(1);
  });

  it('says models and routing changed once requests see the change: a view reloading on the event lists it', async () => {
    const { api, events: appEvents } = gw.app;
    let started!: () => void;
    const ready = new Promise<void>((resolve) => (started = resolve));
    // Read the moment each event goes out, as a view's reload would.
    const reads: Record<'models' | 'routing', Array<Promise<Array<{ name: string; aliases: string[] }>>>> = { models: [], routing: [] };
    const stop = appEvents.subscribe((message) => {
      if (message.event === 'status') started();
      if (message.event === 'changed' && (message.data.topic === 'models' || message.data.topic === 'routing')) reads[message.data.topic].push(Promise.resolve(api['models.groups']({})));
    });
    try {
      await ready;
      const provider = await api['providers.create']({ name: 'Routed', family: 'openai', apiBase: upstream.apiBase, apiKey: 'sk-x' });
      await api['models.add']({ providerId: provider.id, upstreamModel: 'gpt-4o-mini', modelName: 'pushed-group' });
      expect(reads.models).toHaveLength(1);
      expect((await reads.models[0]!).map((group) => group.name)).toContain('pushed-group');
      const routing = await api['routing.get']({});
      await api['routing.update']({ ...routing, modelGroupAlias: { quick: { model: 'pushed-group', hidden: false } }, version: routing.version });
      expect(reads.routing).toHaveLength(1);
      expect((await reads.routing[0]!).find((group) => group.name === 'pushed-group')?.aliases).toEqual(['quick']);
    } finally {
      stop();
    }
  });

  it('sends heartbeats, so a page can tell a dead gateway from a quiet one', async () => {
    const stream = await events(await signIn(gw.url));
    const beat = await stream.next('heartbeat', HEARTBEAT_MS * 10);
    expect(beat.intervalMs).toBe(HEARTBEAT_MS);
    expect(await stream.next('heartbeat', HEARTBEAT_MS * 10)).toMatchObject({ intervalMs: HEARTBEAT_MS });
  });
});

describe('session state', () => {
  it('refuses the stream without a session: 401 with the authentication code, as /ui/api', async () => {
    const response = await fetch(`${gw.url}/ui/events`);
    expect(response.status).toBe(401);
    const refused = { ok: false, error: { code: 'authentication', message: 'Sign in to the admin UI first.', param: null } };
    expect(await response.json()).toEqual(refused);
    // The same data /ui/api answers with.
    expect(await callUi(gw.url, 'lg_session=forged', 'status.get', {})).toEqual({ status: 401, body: refused });
    const forged = await fetch(`${gw.url}/ui/events`, { headers: { cookie: 'lg_session=forged' } });
    expect(forged.status).toBe(401);
    const crossSite = await fetch(`${gw.url}/ui/events`, { headers: { cookie: await signIn(gw.url), origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
  });

  it('signs out at once: the open stream hears `session` and ends, the API and the stream then answer authentication', async () => {
    // Heartbeats a minute apart: only the sign-out itself can end the stream within the test.
    const quiet = await startTestGateway('model_list: []\n', { eventHeartbeatMs: 60_000 });
    try {
      const cookie = await signIn(quiet.url);
      const other = await signIn(quiet.url);
      const stream = await openEvents(quiet.url, cookie);
      const bystander = await openEvents(quiet.url, other);
      readers.push(stream, bystander);
      await stream.next('status');
      await bystander.next('status');

      const logout = await fetch(`${quiet.url}/ui/logout`, { method: 'POST', headers: { cookie, origin: quiet.url } });
      expect(logout.status).toBe(200);
      expect(await logout.json()).toEqual({ ok: true, value: { signedIn: false } });
      expect(logout.headers.get('set-cookie')).toMatch(/^lg_session=; .*Max-Age=0/);

      expect(await stream.next('session', 2_000)).toEqual({ code: 'authentication', message: 'Your admin session has ended; sign in again.' });
      await stream.ended;
      const api = await callUi(quiet.url, cookie, 'status.get', {});
      expect(api).toMatchObject({ status: 401, body: { ok: false, error: { code: 'authentication', message: 'Sign in to the admin UI first.' } } });
      expect((await fetch(`${quiet.url}/ui/events`, { headers: { cookie } })).status).toBe(401);
      expect(await (await fetch(`${quiet.url}/ui/session`, { headers: { cookie } })).json()).toEqual({ ok: true, value: { signedIn: false } });

      // Another page's session is untouched, its stream still open.
      expect(bystander.received.some((event) => event.event === 'session')).toBe(false);
      expect((await callUi(quiet.url, other, 'status.get', {})).status).toBe(200);
      quiet.app.setPaused(true);
      expect(await bystander.next('status', 1_000)).toMatchObject({ paused: true });
    } finally {
      await quiet.close();
    }
  });

  it('ends the stream with `session` when the session expires while it is open', async () => {
    const cookie = await signIn(gw.url);
    const stream = await events(cookie);
    await stream.next('status');
    offsetMs = 13 * 60 * 60_000; // past the 12-hour session
    expect(await stream.next('session', HEARTBEAT_MS * 10)).toMatchObject({ code: 'authentication' });
    await stream.ended;
    expect((await callUi(gw.url, cookie, 'status.get', {})).body).toMatchObject({ ok: false, error: { code: 'authentication' } });
  });
});

/** A page that stopped reading: its socket is left full. */
function stalledReader(cookie: string): Promise<{ response: IncomingMessage; destroy(): void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gw.url}/ui/events`, { headers: { cookie } }, (response) => {
      response.pause();
      resolve({ response, destroy: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

function logEntry(i: number, padding: string): RequestLogEntry {
  return logRow({ id: `flood-${i}`, model: `flood-${padding}`, deployment: null });
}

describe('a slow reader', () => {
  it('never makes the gateway hold more than a bounded queue, and is told to reload the log once it reads again', async () => {
    const cookie = await signIn(gw.url);
    const slow = await stalledReader(cookie);
    const padding = 'x'.repeat(2_000);
    const FLOOD = 20_000; // about 40 MB of log events, far past any socket buffer
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < FLOOD / 20; i++) gw.app.events.requestLogged(logEntry(round * 1000 + i, padding));
      await new Promise((resolve) => setImmediate(resolve));
    }
    gw.app.setPaused(true);
    gw.app.setPaused(false);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const [stats] = gw.gateway.eventStreamStats();
    expect(stats).toBeDefined();
    // At most MAX_QUEUED_LOGS logs plus one of each coalesced kind, and the socket's own buffer (one write past its high-water mark).
    expect(stats!.queued).toBeLessThanOrEqual(MAX_QUEUED_LOGS + 6);
    expect(stats!.buffered).toBeLessThan(64 * 1024);

    // Reading again: the stream says what was lost and carries on.
    let text = '';
    slow.response.setEncoding('utf8');
    slow.response.on('data', (chunk: string) => (text += chunk));
    slow.response.resume();
    const deadline = Date.now() + 5_000;
    while (!text.includes('"topic":"logs"') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(text).toContain('event: changed\ndata: {"topic":"logs"}');
    const logsDelivered = text.split('event: log\n').length - 1;
    expect(logsDelivered).toBeLessThan(FLOOD);
    // The latest status made it, coalesced: not paused.
    expect(text.slice(text.lastIndexOf('event: status'))).toContain('"paused":false');
    slow.destroy();
  });
});
