// A pass-through HTTP proxy on 127.0.0.1, port 0, that records each request's path and headers
// (and body) on the way to a gateway: what a launched tool actually sent, header by header.
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback } from './listen.js';

export interface RecordingProxy {
  url: string;
  requests: Array<{ method: string; path: string; headers: IncomingHttpHeaders; /** Filled in as it passes. */ body: string }>;
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: RecordingProxy['requests'] = [];
  const to = new URL(target);
  const server = createServer((req, res) => {
    const recorded = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: '' };
    requests.push(recorded);
    req.on('data', (chunk: Buffer) => (recorded.body += chunk.toString('utf8')));
    const upstream = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    requests,
    close: listening.close,
  };
}
