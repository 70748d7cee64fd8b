// The baseline Loopgate is measured against: the least a proxy can do with undici (one Pool,
// keep-alive, body read and forwarded, answer relayed chunk by chunk, streams included), in its
// own process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = process.argv[2]!;
const pool = new Pool(upstream, { keepAliveTimeout: 30_000 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    pool
      .request({ method: 'POST', path: req.url ?? '/', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) })
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
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
