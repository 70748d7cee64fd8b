// The baseline Loopgate is measured against: the least a proxy can do with undici (one Pool,
// keep-alive, body read and forwarded, answer relayed chunk by chunk, streams included), in its
// own process. With `floor` as the second argument it also does the least any gateway must on
// top (gateway-floor.ts): each request runs in a request scope, as issue 21's process guard
// needs, and its JSON body is parsed, as reading the model it names needs.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = process.argv[2]!;
const floor = process.argv[3] === 'floor';
const pool = new Pool(upstream, { keepAliveTimeout: 30_000 });
const scopes = new AsyncLocalStorage<{ id: number }>();
let requests = 0;

function namesModel(body: Buffer): boolean {
  try {
    return typeof (JSON.parse(body.toString()) as { model?: unknown }).model === 'string';
  } catch {
    return false;
  }
}

function relay(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (floor && !namesModel(body)) {
      res.writeHead(400).end();
      return;
    }
    pool
      .request({ method: 'POST', path: req.url ?? '/', headers: { 'content-type': 'application/json' }, body })
      .then(async (response) => {
        const length = response.headers['content-length'];
        const head = ['content-type', String(response.headers['content-type'] ?? 'application/json')];
        if (typeof length === 'string') head.push('content-length', length);
        res.writeHead(response.statusCode, head);
        for await (const chunk of response.body as AsyncIterable<Buffer>) res.write(chunk);
        res.end();
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
  });
}

// The guard reads the scope of a fault nobody caught, as Loopgate's does.
if (floor) process.on('uncaughtException', () => scopes.getStore());
const server = createServer(floor ? (req, res) => scopes.run({ id: ++requests }, () => relay(req, res)) : relay);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
