// A JSON mock server on 127.0.0.1, port 0, that records every request before a handler answers.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './listen.js';

type Json = Record<string, unknown>;

interface Recorded {
  path: string;
  headers: IncomingHttpHeaders;
  body: Json;
}

export interface MockServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function serve(handler: (path: string, query: URLSearchParams, headers: IncomingHttpHeaders, body: Json, raw: string, res: ServerResponse) => void): Promise<MockServer> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://mock');
      const body = JSON.parse(raw || '{}') as Json;
      requests.push({ path: url.pathname, headers: req.headers, body });
      handler(url.pathname, url.searchParams, req.headers, body, raw, res);
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    requests,
    close: listening.close,
  };
}
