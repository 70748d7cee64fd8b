// An upstream that closes an idle keep-alive connection just as the gateway reuses it (its idle
// timer firing as the request arrives) is healthy: every client request still gets a 200, no
// attempt counts as failed, and no deployment cools down. Before the fix each reuse failed with
// UND_ERR_SOCKET / ECONNRESET, cooled the deployments and turned traffic into 502s and 429s.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatStatus, openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { chatCompletion } from '../helpers/mock-openai.js';

/** A real node:http server whose connections each serve one answer, then die on the next request. */
async function startRacingUpstream(): Promise<{ url: string; served: () => number; raced: () => number; close: () => Promise<void> }> {
  const answered = new WeakSet<Socket>();
  let served = 0;
  let raced = 0;
  const server: Server = createServer((req, res) => {
    const socket = req.socket;
    req.resume();
    req.on('end', () => {
      if (answered.has(socket)) {
        // The idle timer won the race: the connection goes away with the request unanswered.
        raced++;
        socket.destroy();
        return;
      }
      answered.add(socket);
      served++;
      const body = JSON.stringify(chatCompletion('chatcmpl-race', 'racer', { role: 'assistant', content: 'still here' }, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }));
      // No Keep-Alive hint (as many real servers behind proxies send none): the gateway keeps the socket.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    served: () => served,
    raced: () => raced,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let upstream: Awaited<ReturnType<typeof startRacingUpstream>>;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startRacingUpstream();
  // Two deployments that cool after a single failure, and no router retries: any failed attempt
  // would show as a 502 or a 429 to the client.
  gw = await startTestGateway(`
model_list:${openaiModel('racer', 'racer', `${upstream.url}/v1`)}${openaiModel('racer', 'racer-2', `${upstream.url}/v1`)}
router_settings:
  num_retries: 0
  allowed_fails: 0
  cooldown_time: 60
`);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const chat = (): Promise<number> => chatStatus(gw, 'racer');

describe('an upstream that closes idle keep-alive connections as they are reused', () => {
  it('answers every request with 200, one after another and 16 at a time, and cools nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await chat());
    for (let round = 0; round < 3; round++) statuses.push(...(await Promise.all(Array.from({ length: 16 }, () => chat()))));

    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    // The race really happened, and every raced request was sent again on a fresh connection.
    expect(upstream.raced()).toBeGreaterThan(10);
    expect(upstream.served()).toBe(statuses.length);
    expect(gw.logger.records.filter((record) => record.msg === 'Attempt failed')).toEqual([]);
    const health = (await gw.manage('GET', '/health')).body as { healthy_count: number; unhealthy_count: number };
    expect(health).toMatchObject({ healthy_count: 2, unhealthy_count: 0 });
  });
});

describe('an upstream that took the request and is slow or drops it late', () => {
  it('sends a request that timed out or was reset after a while on a reused connection once, not twice', async () => {
    let received = 0;
    const slow: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        const prompt = received === 1 ? 'fast' : 'slow';
        if (prompt === 'fast') {
          const body = JSON.stringify({
            id: 'x',
            object: 'chat.completion',
            created: 1,
            model: 'm',
            choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          res.end(body);
          return;
        }
        // Already working on it (billed upstream): first a wait past the gateway's timeout, then a reset.
        setTimeout(() => req.socket.destroy(), 1_500);
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const timed = await startTestGateway(`
model_list:${openaiModel('slow', 'slow', `${url}/v1`)}
router_settings:
  num_retries: 0
  timeout: 1
`);
    try {
      const ask = () =>
        fetch(`${timed.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'slow', messages: [{ role: 'user', content: 'hi' }] }),
        }).then(async (response) => (await response.arrayBuffer(), response.status));
      expect(await ask()).toBe(200);
      // Reuses the kept-alive socket; the upstream receives it, then the gateway's 1 s timeout fires.
      expect(await ask()).toBeGreaterThanOrEqual(500);
      await new Promise((resolve) => setTimeout(resolve, 1_800));
      expect(received).toBe(2);
    } finally {
      await timed.close();
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });
});
