// Offline fallback (issue 29): with the cloud upstream gone (its server closed), the next request
// for a cloud model is served by the configured local group, says `x-loopgate-route:
// offline-fallback` and is logged so, with one "offline" notice; a 429 from the cloud is passed
// through and changes nothing; a key that must never be served by another model is not diverted;
// once the cloud answers again, the probe brings requests back to it. The cloud sits at a host
// name only the test's forward proxy resolves (a loopback upstream would count as local).
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { chatCompletion, startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { startHttpProxy, type TestProxy } from '../helpers/network.js';

/** A cloud upstream that can answer 429, go away, and come back on the same port. */
class Cloud {
  port = 0;
  rateLimited = false;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (this.rateLimited) return res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' }).end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_error' } }));
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(chatCompletion('chatcmpl-cloud', 'm', { role: 'assistant', content: 'from the cloud' }, { prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 })));
      });
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

const cloud = new Cloud();
let local: MockUpstream;
let proxy: TestProxy;
let gw: TestGateway;

async function ask(key = 'sk-test-master-key'): Promise<{ status: number; route: string | null; text: string }> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: response.status, route: response.headers.get('x-loopgate-route'), text: await response.text() };
}

const notices = (words: RegExp): number => gw.logger.records.filter((record) => words.test(record.msg)).length;

beforeAll(async () => {
  await cloud.start();
  local = await startMockOpenAI();
  proxy = await startHttpProxy();
  gw = await startTestGateway(
    `
model_list:${openaiModel('cloud', 'm', `http://api.upstream.test:${cloud.port}/v1`)}${openaiModel('local', 'mock-model', local.apiBase)}
router_settings:
  num_retries: 0
  allowed_fails: 1000
  offline_fallback: { model: local, probe_interval: 0.1, min_state_seconds: 0.5 }
`,
    { env: { HTTP_PROXY: proxy.url } },
  );
});

afterAll(async () => {
  await gw.close();
  await Promise.all([cloud.stop(), local.close(), proxy.close()]);
});

describe('offline fallback', () => {
  it('passes a 429 through without going offline, serves from the local group while the cloud is gone, and returns to the cloud', async () => {
    expect(await ask()).toMatchObject({ status: 200, route: 'default', text: expect.stringContaining('from the cloud') });

    // An answer, even a refusal, is not a lost network.
    cloud.rateLimited = true;
    expect((await ask()).status).toBe(429);
    cloud.rateLimited = false;
    expect(await ask()).toMatchObject({ status: 200, text: expect.stringContaining('from the cloud') });
    expect(notices(/^Offline/)).toBe(0);

    // The cloud goes away: that request fails, the next goes to the local group and says so.
    await cloud.stop();
    expect((await ask()).status).toBe(502);
    const localBefore = local.requests.length;
    const diverted = await ask();
    expect(diverted).toMatchObject({ status: 200, route: 'offline-fallback' });
    expect(local.requests.slice(localBefore).map((request) => request.body?.model)).toEqual(['mock-model']);
    expect(notices(/^Offline/)).toBe(1);
    await gw.app.accounting.flush();
    const [logged] = await gw.app.api['logs.list']({ limit: 1 });
    expect(logged).toMatchObject({ route: 'offline-fallback', model: 'cloud' });

    // A key that must never be served by another model is not diverted.
    const { body: strict } = await gw.manage('POST', '/key/generate', { metadata: { offline_fallback: false } });
    expect(await ask(strict.key as string)).toMatchObject({ status: 502 });
    expect((await ask()).route).toBe('offline-fallback');

    // The cloud comes back: once a probe sees it, requests go to it again, with one notice.
    await cloud.start();
    await expect.poll(() => notices(/^Back online/), { timeout: 10_000, interval: 100 }).toBe(1);
    expect(await ask()).toMatchObject({ status: 200, route: 'default', text: expect.stringContaining('from the cloud') });
    expect(notices(/^Offline/)).toBe(1);
  });
});
