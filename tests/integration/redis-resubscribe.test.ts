// Change events re-subscribe after Redis drops the connection, also when it drops again before
// Redis answered the SUBSCRIBE. With ioredis's own re-subscribe, that second drop rejected the
// SUBSCRIBE with nobody listening (MaxRetriesPerRequestError: `loopgate serve`'s process guard
// takes it as a fault outside any request and exits) and the instance never subscribed again.
// A small RESP server on loopback stands in for Redis so the drop lands exactly there.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { MemoryLogger } from '../../electron/core/logger.js';
import { ChangeChannel } from '../../electron/gateway/redis/changes.js';
import { RedisLink } from '../../electron/gateway/redis/connection.js';

/** The commands in `buffer` that arrived whole (RESP arrays of bulk strings), and what is left. */
function commandsIn(buffer: string): { commands: string[][]; rest: string } {
  const commands: string[][] = [];
  let at = 0;
  for (;;) {
    const lines = buffer.slice(at).split('\r\n');
    const count = /^\*(\d+)$/.exec(lines[0] ?? '');
    if (!count || lines.length < 1 + 2 * Number(count[1]) + 1) break;
    const args = Array.from({ length: Number(count[1]) }, (_, n) => lines[2 + 2 * n]!);
    commands.push(args);
    at += lines.slice(0, 1 + 2 * args.length).join('\r\n').length + 2;
  }
  return { commands, rest: buffer.slice(at) };
}

const bulk = (text: string): string => `$${Buffer.byteLength(text)}\r\n${text}\r\n`;

/** Acknowledges the first SUBSCRIBE and then closes that connection; drops the second unanswered; acknowledges the rest. */
function flakyRedis(): Promise<{ server: Server; port: number; subscribes: () => number; close: () => Promise<void> }> {
  let subscribes = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      const { commands, rest } = commandsIn(pending + chunk.toString());
      pending = rest;
      for (const [name = '', ...args] of commands) {
        const command = name.toLowerCase();
        if (command === 'info') socket.write(bulk('# Server\r\nredis_version:7.0.0\r\nloading:0\r\n'));
        else if (command === 'ping') socket.write('+PONG\r\n');
        else if (command === 'quit') socket.end('+OK\r\n');
        else if (command !== 'subscribe') socket.write('+OK\r\n');
        else if (++subscribes === 2) socket.destroy();
        else {
          socket.write(`*3\r\n${bulk('subscribe')}${bulk(args[0] ?? '')}:1\r\n`);
          if (subscribes === 1) setTimeout(() => socket.destroy(), 50);
        }
      }
    });
  });
  const close = (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, subscribes: () => subscribes, close })));
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

it('re-subscribes after each drop, and a drop before the SUBSCRIBE is answered is no unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', record);
  cleanup.push(async () => void process.off('unhandledRejection', record));
  const redis = await flakyRedis();
  cleanup.push(redis.close);
  const logger = new MemoryLogger();
  const link = new RedisLink({ host: '127.0.0.1', port: redis.port, username: null, password: null, db: 0, tls: false, label: 'flaky', from: 'router_settings' }, logger);
  cleanup.push(() => link.close());
  await new ChangeChannel(link, 'this-instance', logger).listen(() => undefined);

  // Subscribed, dropped; re-subscribed, dropped unanswered; re-subscribed and answered.
  await expect.poll(redis.subscribes, { timeout: 5_000 }).toBe(3);
  await expect.poll(() => link.available, { timeout: 5_000 }).toBe(true);
  // A rejection is reported on the turn after it happens.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(unhandled).toEqual([]);
});
