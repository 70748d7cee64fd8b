// What a laptop's network puts between Loopgate and an upstream, on loopback for tests: an HTTP
// forward proxy (CONNECT and absolute-URI requests), a SOCKS5 proxy, and a TLS upstream whose
// certificate comes from a test CA. The proxies alone resolve the test's host names (e.g.
// api.upstream.test) to 127.0.0.1, so a call that skips them cannot reach the upstream.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './cli.js';

export interface TestProxy {
  url: string;
  /** `host:port` of every connection it opened for a client, in order. */
  seen: string[];
  close(): Promise<void>;
}

type Resolve = (host: string) => string;

/** Names that end in `.test` are the proxy's own (to 127.0.0.1); anything else as given. */
const resolveTestNames: Resolve = (host) => (host.endsWith('.test') ? '127.0.0.1' : host);

function closeServer(server: Server | NetServer, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function tracked(server: Server | NetServer): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

export async function startHttpProxy(resolve: Resolve = resolveTestNames): Promise<TestProxy> {
  const seen: string[] = [];
  const server = createHttpServer((req, res) => {
    // A plain request for an http:// URL, forwarded as is.
    const target = new URL(req.url ?? '/');
    seen.push(target.host);
    const upstream = httpRequest({ host: resolve(target.hostname), port: target.port || 80, path: target.pathname + target.search, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const sockets = tracked(server);
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const [host = '', port = '443'] = (req.url ?? '').split(/:(?=\d+$)/);
    seen.push(`${host}:${port}`);
    let established = false;
    const upstream = connect(Number(port), resolve(host), () => {
      established = true;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    // As squid does: a target it cannot reach is a 502 to CONNECT.
    upstream.on('error', () => (established ? client.destroy() : client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')));
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => closeServer(server, sockets) };
}

/** A SOCKS5 proxy (no authentication, CONNECT only), as RFC 1928 has it. */
export async function startSocks5Proxy(resolve: Resolve = resolveTestNames): Promise<TestProxy> {
  const seen: string[] = [];
  const server = createNetServer((client) => {
    client.on('error', () => client.destroy());
    client.once('data', (greeting) => {
      if (greeting[0] !== 5) return client.destroy();
      client.write(Buffer.from([5, 0]));
      client.once('data', (request) => {
        const { host, port } = socksTarget(request);
        seen.push(`${host}:${port}`);
        const upstream = connect(port, resolve(host), () => {
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
      });
    });
  });
  const sockets = tracked(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `socks5://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => closeServer(server, sockets) };
}

function socksTarget(request: Buffer): { host: string; port: number } {
  const type = request[3];
  if (type === 3) {
    const length = request[4]!;
    return { host: request.subarray(5, 5 + length).toString(), port: request.readUInt16BE(5 + length) };
  }
  return { host: [...request.subarray(4, 8)].join('.'), port: request.readUInt16BE(8) };
}

export interface TestCa {
  /** The CA's certificate file (PEM). */
  caFile: string;
  caPem: string;
  /** A server certificate and key for `host`, signed by the CA. */
  cert: string;
  key: string;
}

/** A CA named "Loopgate Test CA" and a certificate for `host` it signed, made with openssl. */
export function makeTestCa(host: string): TestCa {
  const dir = tempDir('loopgate-ca-');
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=Loopgate Test CA/O=Loopgate Tests');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${host}`);
  writeFileSync(file('ext.cnf'), `subjectAltName=DNS:${host}\n`);
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '2', '-extfile', file('ext.cnf'));
  return { caFile: file('ca.pem'), caPem: readFileSync(file('ca.pem'), 'utf8'), cert: readFileSync(file('server.pem'), 'utf8'), key: readFileSync(file('server.key'), 'utf8') };
}

/** An HTTPS server on 127.0.0.1 with the CA's certificate. */
export async function startTlsServer(ca: TestCa, handler: RequestListener): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createHttpsServer({ cert: ca.cert, key: ca.key }, handler);
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server, sockets) };
}
