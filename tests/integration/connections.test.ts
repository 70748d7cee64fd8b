// Connections as a browser and a careless client leave them: sockets that never send a byte (a
// browser's preconnect, a port scanner, a leak), keep-alive sockets between requests, and a stream
// in flight, both while serving and while stopping.
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { openaiModel, startTestGateway, type TestGateway, type TestGatewayOptions } from '../helpers/gateway.js';

let upstream: MockUpstream;
const gateways: TestGateway[] = [];

async function gateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const yaml = `model_list:${openaiModel('gpt-test', 'mock-gpt', upstream.apiBase)}${openaiModel('slow', 'pause-stream', upstream.apiBase)}\n`;
  const gw = await startTestGateway(yaml, options);
  gateways.push(gw);
  return gw;
}

beforeAll(async () => {
  upstream = await startMockOpenAI();
});

afterEach(async () => {
  upstream.releaseStreams();
  await Promise.all(gateways.splice(0).map((gw) => gw.close()));
});

afterAll(async () => {
  await upstream.close();
});

interface Silent {
  socket: Socket;
  /** Resolves when the server closes the socket: after how long, and what it sent first. */
  closed: Promise<{ afterMs: number; received: string }>;
}

/** A socket that connects and then sends nothing, as a browser's preconnect does; resolves once connected. */
async function silentSocket(url: string): Promise<Silent> {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  socket.on('error', () => undefined);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  const opened = Date.now();
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) => socket.on('close', () => resolve({ afterMs: Date.now() - opened, received })));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('close', () => reject(new Error('closed before connecting')));
  });
  return { socket, closed };
}

/** GET over a keep-alive agent; resolves with the status and the local port (the same port means the same socket). */
function get(url: string, path: string, agent: Agent): Promise<{ status: number; localPort: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, localPort: req.socket?.localPort ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('a connection that sends nothing', () => {
  // Header and keep-alive timeouts long, so only the first-byte timeout can close a silent socket.
  const network = { firstByteTimeoutMs: 500, headersTimeoutMs: 60_000, keepAliveTimeoutMs: 60_000, checkIntervalMs: 50 };

  it('is closed by the server within the first-byte timeout, 200 of them at once, without an answer', async () => {
    const gw = await gateway({ network });
    const silent = await Promise.all(Array.from({ length: 200 }, () => silentSocket(gw.url)));
    try {
      const closed = await Promise.all(silent.map((s) => s.closed));
      for (const { afterMs, received } of closed) {
        expect(afterMs).toBeLessThan(5_000);
        expect(received).toBe('');
      }
    } finally {
      silent.forEach((s) => s.socket.destroy());
    }
    const agent = new Agent({ keepAlive: true });
    expect((await get(gw.url, '/health/liveliness', agent)).status).toBe(200);
    agent.destroy();
  });

  it('does not cut a stream in flight, nor a keep-alive client that sends its next request later', async () => {
    const gw = await gateway({ network });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(gw.url, '/health/liveliness', agent);
    const stream = await gw.client().chat.completions.create({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'hold on' }] });
    await expect.poll(() => upstream.pausedStreams).toBe(1);
    // Well past the first-byte timeout: the stream waits upstream, the keep-alive socket idles.
    await sleep(1_500);
    upstream.releaseStreams();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from mock: hold on');
    const second = await get(gw.url, '/health/liveliness', agent);
    expect(second.status).toBe(200);
    expect(second.localPort).toBe(first.localPort);
    agent.destroy();
  });
});

describe('stopping', () => {
  it('closes idle and never-used connections at once, lets a stream in flight finish, and does not wait out the grace period', async () => {
    const gw = await gateway();
    const never = await silentSocket(gw.url);
    const agent = new Agent({ keepAlive: true });
    await get(gw.url, '/health/liveliness', agent);
    const stream = await gw.client().chat.completions.create({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'finish me' }] });
    await expect.poll(() => upstream.pausedStreams).toBe(1);
    gateways.splice(gateways.indexOf(gw), 1);
    let stopped = false;
    // The default grace period (30 s), as `loopgate serve` stops on SIGTERM.
    const stopping = gw.gateway.close().then(() => (stopped = true));
    // The silent socket goes at once (the keep-alive one too); the stream keeps the stop waiting.
    expect((await never.closed).afterMs).toBeLessThan(5_000);
    await sleep(200);
    expect(stopped).toBe(false);
    upstream.releaseStreams();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from mock: finish me');
    await stopping;
    await gw.store.close();
    agent.destroy();
  });
});
