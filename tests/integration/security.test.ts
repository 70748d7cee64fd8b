// The network edge as an attacker on this machine's browser or network would try it: foreign
// Host names (DNS rebinding), cross-origin admin calls, slow and idle connections, huge, deep
// or mistyped bodies, key guessing, /metrics without a key.
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../electron/app/start.js';
import { MemoryLogger } from '../../electron/core/logger.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway, type TestGatewayOptions } from '../helpers/gateway.js';
import { tempDir } from '../helpers/cli.js';

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP request whose Host, Origin and source address the test chooses. */
function raw(url: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; localAddress?: string } = {}): Promise<RawAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers ?? {},
        agent: false,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = { 'content-type': 'application/json' };
const master = { authorization: `Bearer ${TEST_MASTER_KEY}` };

let upstream: MockUpstream;
const gateways: TestGateway[] = [];

async function gateway(extraYaml = '', options: TestGatewayOptions = {}): Promise<TestGateway> {
  const gw = await startTestGateway(`model_list:${openaiModel('gpt-test', 'gpt-4o-mini', upstream.apiBase)}\n${extraYaml}`, options);
  gateways.push(gw);
  return gw;
}

beforeAll(async () => {
  upstream = await startMockOpenAI();
});

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gw) => gw.close()));
});

afterAll(async () => {
  await upstream.close();
});

describe('the host allow-list', () => {
  it('refuses a foreign Host with 403 before any route, /ui, /metrics and health included', async () => {
    const gw = await gateway();
    const port = new URL(gw.url).port;
    for (const path of ['/', '/health/liveliness', '/health/readiness', '/metrics', '/ui/', '/v1/models', '/key/list']) {
      const answer = await raw(gw.url, { path, headers: { host: `evil.example:${port}`, ...master } });
      expect(answer.status, path).toBe(403);
      expect(answer.body).toContain('allowed_hosts');
    }
    // A rebinding page signing in with a guessed (even the right) key never reaches the check.
    const signIn = await raw(gw.url, {
      method: 'POST',
      path: '/ui/session',
      headers: { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, ...json },
      body: JSON.stringify({ masterKey: TEST_MASTER_KEY }),
    });
    expect(signIn.status).toBe(403);
    expect(signIn.headers['set-cookie']).toBeUndefined();
  });

  it('serves localhost, 127.0.0.1 and [::1] on any port, and names configured in allowed_hosts', async () => {
    const gw = await gateway('general_settings:\n  allowed_hosts: [loopgate.lan]\n');
    for (const host of ['localhost', 'LOCALHOST:1234', '127.0.0.1', '127.0.0.1:80', '[::1]', '[::1]:7420', 'loopgate.lan', 'loopgate.lan:443']) {
      expect((await raw(gw.url, { path: '/health/liveliness', headers: { host } })).status, host).toBe(200);
    }
    for (const host of ['loopgate.lan.evil.example', '10.0.0.1', 'localhost.evil.example', '127.0.0.1@evil.example']) {
      expect((await raw(gw.url, { path: '/health/liveliness', headers: { host } })).status, host).toBe(403);
    }
  });

  it('listens beyond loopback only with a master key the user chose, and says so', async () => {
    const dataDir = tempDir('loopgate-bind-');
    const logger = new MemoryLogger();
    await expect(startGateway({ configFile: null, host: '0.0.0.0', port: 0, dataDir, env: {}, logger })).rejects.toThrow(/LOOPGATE_MASTER_KEY/);
    const started = await startGateway({ configFile: null, host: '0.0.0.0', port: 0, dataDir, env: { LOOPGATE_MASTER_KEY: 'sk-chosen' }, logger });
    try {
      expect(logger.records.some((entry) => entry.level === 'warn' && entry.msg.includes('other machines can reach'))).toBe(true);
      // Beyond loopback, the machine's own addresses are names too.
      const answer = await raw(`http://127.0.0.1:${started.url.port}`, { path: '/health/liveliness', headers: { host: `192.168.1.20:${started.url.port}` } });
      expect(answer.status).toBe(200);
      expect((await raw(`http://127.0.0.1:${started.url.port}`, { path: '/health/liveliness', headers: { host: 'evil.example' } })).status).toBe(403);
    } finally {
      await started.close(100);
    }
  });
});

describe('same-origin on the admin UI', () => {
  async function signIn(gw: TestGateway, headers: Record<string, string>): Promise<RawAnswer> {
    return raw(gw.url, { method: 'POST', path: '/ui/session', headers: { ...json, ...headers }, body: JSON.stringify({ masterKey: TEST_MASTER_KEY }) });
  }

  it('takes an Origin that is an allowed name on this port, or Sec-Fetch-Site: same-origin', async () => {
    const gw = await gateway();
    const port = new URL(gw.url).port;
    expect((await signIn(gw, { origin: gw.url })).status).toBe(200);
    expect((await signIn(gw, { origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await signIn(gw, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('refuses an Origin matching only the request’s own Host, another port, or no Origin at all', async () => {
    const gw = await gateway('general_settings:\n  allowed_hosts: [loopgate.lan]\n');
    const port = Number(new URL(gw.url).port);
    // The old check compared Origin with Host: a rebinding page controls both.
    const spoofed = await signIn(gw, { host: `loopgate.lan:${port}`, origin: `http://attacker.example:${port}` });
    expect(spoofed.status).toBe(403);
    for (const origin of [`http://127.0.0.1:${port + 1}`, 'http://evil.example', 'null', `file://127.0.0.1:${port}`]) {
      const answer = await signIn(gw, { origin });
      expect(answer.status, origin).toBe(403);
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
    expect((await signIn(gw, {})).status).toBe(403);
    expect((await signIn(gw, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // A name configured for a reverse proxy is its own origin, whatever port the proxy shows.
    expect((await signIn(gw, { host: 'loopgate.lan', origin: 'https://loopgate.lan' })).status).toBe(200);
  });

  it('refuses cross-origin API calls and sign-out on a valid session', async () => {
    const gw = await gateway();
    const cookie = ((await signIn(gw, { origin: gw.url })).headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    const call = (headers: Record<string, string>): Promise<RawAnswer> => raw(gw.url, { method: 'POST', path: '/ui/api/status.get', headers: { ...json, cookie, ...headers }, body: '{}' });
    expect((await call({ origin: gw.url })).status).toBe(200);
    expect((await call({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await call({})).status).toBe(403);
    const logout = await raw(gw.url, { method: 'POST', path: '/ui/logout', headers: { cookie, origin: 'http://evil.example' } });
    expect(logout.status).toBe(403);
    expect((await call({ origin: gw.url })).status).toBe(200);
  });
});

/** Opens a raw TCP connection; resolves when the server closes it, with what it sent. */
function connection(url: string): { socket: Socket; closed: Promise<{ afterMs: number; received: string }> } {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.on('error', () => undefined);
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) => socket.on('close', () => resolve({ afterMs: Date.now() - started, received })));
  return { socket, closed };
}

describe('timeouts and the connection cap', () => {
  const quick = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, checkIntervalMs: 50 };

  it('closes idle, byte-by-byte and slow-body connections, and keeps serving', async () => {
    const gw = await gateway('', { network: quick });
    const idle = connection(gw.url);
    const drip = connection(gw.url);
    const dripper = setInterval(() => drip.socket.write('X'), 50);
    drip.socket.write('GET /health/liveliness HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const slowBody = connection(gw.url);
    slowBody.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_MASTER_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
    const bodyDripper = setInterval(() => slowBody.socket.write(' '), 50);
    try {
      const [a, b, c] = await Promise.all([idle.closed, drip.closed, slowBody.closed]);
      expect(a.afterMs).toBeLessThan(3_000);
      expect(b.afterMs).toBeLessThan(3_000);
      expect(c.afterMs).toBeLessThan(3_000);
      expect(c.received).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(dripper);
      clearInterval(bodyDripper);
    }
    expect((await raw(gw.url, { path: '/health/liveliness' })).status).toBe(200);
  });

  it('lets a stream outlast the header and body deadlines', async () => {
    const gw = await gateway('', { network: quick });
    const client = gw.client();
    const stream = await client.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'pause-stream' }] });
    setTimeout(() => upstream.releaseStreams(), 1_200);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
  });

  it('answers connections past the cap with 503 and closes them, then serves again', async () => {
    const gw = await gateway('', { network: { maxConnections: 4 } });
    const held = Array.from({ length: 4 }, () => connection(gw.url));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = connection(gw.url);
    const refused = await extra.closed;
    expect(refused.received).toMatch(/^HTTP\/1\.1 503/);
    expect(refused.received).toContain('"code":"unavailable"');
    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await raw(gw.url, { path: '/health/liveliness' })).status).toBe(200);
  });
});

describe('requests the HTTP parser refuses', () => {
  it('answers headers past 16 KiB, a request that is not HTTP and a slow one with a JSON error that says why', async () => {
    const gw = await gateway('', { network: { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50 } });
    // What a user sees through a real client: a 431 with a message, not an empty body.
    const bloated = gw.client(TEST_MASTER_KEY);
    const refused = await bloated.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-big': 'a'.repeat(20_000) } }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 431, code: 'invalid_request', type: 'invalid_request_error' });
    expect((refused as Error).message).toContain('The request headers are too large: Loopgate reads at most 16 KiB');

    const garbage = connection(gw.url);
    garbage.socket.write('HELLO THERE\r\n\r\n');
    const notHttp = await garbage.closed;
    expect(notHttp.received).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(notHttp.received.split('\r\n\r\n')[1] ?? '')).toMatchObject({ error: { code: 'invalid_request', message: 'The request is not valid HTTP/1.1, so Loopgate could not read it.' } });

    const slow = connection(gw.url);
    slow.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_MASTER_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
    const late = await slow.closed;
    expect(late.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(late.received).toContain('"code":"timeout"');
    // And it keeps serving.
    expect((await raw(gw.url, { path: '/health/liveliness' })).status).toBe(200);
  });
});

describe('request bodies', () => {
  const post = (gw: TestGateway, body: string | Buffer, headers: Record<string, string> = json): Promise<RawAnswer> =>
    raw(gw.url, { method: 'POST', path: '/v1/chat/completions', headers: { ...master, ...headers }, body });

  it('answers 413 past the configured limit', async () => {
    const gw = await gateway('general_settings:\n  max_request_size_mb: 1\n');
    const big = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] });
    const answer = await post(gw, big);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('payload_too_large');
    // Without a declared length (chunked), the limit holds while reading.
    const chunked = await post(gw, big, { ...json, 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    const fits = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x'.repeat(900_000) }] });
    expect((await post(gw, fits)).status).toBe(200);
  });

  it('refuses deep nesting with a 400 that names the problem, at any depth', async () => {
    const gw = await gateway();
    for (const depth of [600, 5_000, 100_000]) {
      const deep = `{"model":"gpt-test","messages":[{"role":"user","content":"x","extra":${'['.repeat(depth)}${']'.repeat(depth)}}]}`;
      const answer = await post(gw, deep);
      expect(answer.status, String(depth)).toBe(400);
      expect(JSON.parse(answer.body).error.message).toContain('nested more than 512 levels');
    }
    // Brackets inside strings are text, not nesting.
    const text = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: '['.repeat(2_000) }] });
    expect((await post(gw, text)).status).toBe(200);
  });

  it('checks the fields every dialect reads before translating: a 400 naming the field', async () => {
    const gw = await gateway();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['/v1/chat/completions', { model: 'gpt-test', stream: -5e-324, messages: [{ role: 'user', content: 'hi' }] }, 'stream'],
      ['/v1/chat/completions', { model: 'gpt-test', messages: 'hi' }, 'messages'],
      ['/v1/chat/completions', { model: 'gpt-test', messages: [{ role: 'user', content: [null] }] }, 'messages'],
      ['/v1/messages', { model: 'gpt-test', max_tokens: 5, messages: [], system: [null] }, 'system'],
      ['/v1/messages/count_tokens', { model: 'gpt-test', messages: [{ role: 'user', content: 5 }] }, 'messages'],
      ['/v1/responses', { model: 'gpt-test', input: [], tools: 0 }, 'tools'],
      ['/v1/embeddings', { model: 'gpt-test', input: { text: 'x' } }, 'input'],
    ];
    for (const [path, body, param] of cases) {
      const answer = await raw(gw.url, { method: 'POST', path, headers: { ...master, ...json }, body: JSON.stringify(body) });
      expect(answer.status, `${path} ${param}`).toBe(400);
      expect(answer.body, path).toContain(param);
    }
  });

  it('answers 400, not 500, when counting tokens trips over an odd field (found by the fuzz suite)', async () => {
    const gw = await gateway();
    // An object whose toString is null cannot become text: the translator throws a TypeError.
    const odd = { model: 'gpt-test', messages: [], thinking: { type: 'enabled', budget_tokens: [{ toString: null }] } };
    const answer = await raw(gw.url, { method: 'POST', path: '/v1/messages/count_tokens', headers: { ...master, ...json }, body: JSON.stringify(odd) });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('could not translate');
  });

  it('takes only JSON content types on JSON routes (415 otherwise)', async () => {
    const gw = await gateway();
    const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) {
      const answer = await post(gw, body, { 'content-type': type });
      expect(answer.status, type).toBe(415);
    }
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json']) {
      expect((await post(gw, body, { 'content-type': type })).status, type).toBe(200);
    }
    const management = await raw(gw.url, { method: 'POST', path: '/key/generate', headers: { ...master, 'content-type': 'text/plain' }, body: '{}' });
    expect(management.status).toBe(415);
    expect((await gw.manage('GET', '/key/list')).body.keys).toEqual([]);
  });

  it('says a compressed body is not accepted, and reads JSON that starts with a byte order mark', async () => {
    const gw = await gateway();
    const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
    const zipped = await post(gw, gzipSync(body), { ...json, 'content-encoding': 'gzip' });
    expect(zipped.status).toBe(415);
    expect(JSON.parse(zipped.body).error).toMatchObject({ param: 'content-encoding', message: 'Compressed request bodies are not accepted (content-encoding: gzip); send the JSON uncompressed.' });
    expect((await post(gw, body, { ...json, 'content-encoding': 'identity' })).status).toBe(200);
    // As Windows PowerShell sends a file it wrote: UTF-8 with a BOM. The upstream gets the JSON without it.
    const marked = await post(gw, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]));
    expect(marked.status).toBe(200);
    expect(JSON.parse(marked.body).choices[0].message.content).toBe('Hello from mock: hi');
    expect(upstream.requests.at(-1)?.body).toMatchObject({ model: 'gpt-4o-mini' });
  });

  it('refuses bodies past the in-flight budget with 503 while others are being read, and frees it after', async () => {
    const gw = await gateway('general_settings:\n  max_request_size_mb: 1\n', { network: { bodyBudgetBytes: 1_500_000 } });
    const open = (): { socket: Socket; closed: Promise<{ afterMs: number; received: string }> } => {
      const c = connection(gw.url);
      c.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_MASTER_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n`);
      c.socket.write(Buffer.alloc(800_000, 0x20));
      return c;
    };
    const first = open();
    const second = open();
    const answers = await Promise.race([Promise.any([first.closed, second.closed]), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no refusal')), 3_000))]);
    expect(answers.received).toMatch(/^HTTP\/1\.1 503/);
    first.socket.destroy();
    second.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fits = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x'.repeat(900_000) }] });
    expect((await post(gw, fits)).status).toBe(200);
  });
});

describe('throttled authentication', () => {
  it('answers 429 after a handful of wrong keys from one address, even to the right key, and not to another address', async () => {
    let now = 1_800_000_000_000;
    const gw = await gateway('', { clock: () => now });
    const models = (key: string, localAddress = '127.0.0.1'): Promise<RawAnswer> => raw(gw.url, { path: '/v1/models', headers: { authorization: `Bearer ${key}` }, localAddress });
    for (let i = 0; i < 10; i++) expect((await models(`sk-guess-${i}`)).status).toBe(401);
    const throttled = await models(TEST_MASTER_KEY);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is untouched, and its success resets nobody's count.
    expect((await models(TEST_MASTER_KEY, '127.0.0.2')).status).toBe(200);
    expect((await models(TEST_MASTER_KEY)).status).toBe(429);
    now += 61_000;
    expect((await models(TEST_MASTER_KEY)).status).toBe(200);
  });

  it('refuses keys from pages on other sites without counting them, so a page cannot lock local tools out (issue 21, finding 4)', async () => {
    const gw = await gateway();
    const port = new URL(gw.url).port;
    const marks: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: `http://127.0.0.1:${Number(port) + 1}` },
      { origin: 'null' },
    ];
    for (let round = 0; round < 3; round++) {
      for (const mark of marks) {
        // Gemini's ?key= (an image tag can send it), a header key, and the management API.
        const query = await raw(gw.url, { path: `/v1beta/models?key=guess-${round}`, headers: mark });
        expect(query.status).toBe(403);
        expect(JSON.parse(query.body).error.message).toMatch(/web pages on other sites/);
        expect((await raw(gw.url, { path: '/v1/models', headers: { ...mark, authorization: `Bearer sk-guess-${round}` } })).status).toBe(403);
        expect((await raw(gw.url, { path: '/key/list', headers: { ...mark, authorization: `Bearer sk-guess-${round}` } })).status).toBe(403);
        // Even the right key: a page holds no key worth taking.
        expect((await raw(gw.url, { path: '/v1/models', headers: { ...mark, ...master } })).status).toBe(403);
      }
    }
    // 60 refused guesses later, local tools are untouched: header keys and ?key= alike.
    expect((await raw(gw.url, { path: '/v1/models', headers: master })).status).toBe(200);
    expect((await raw(gw.url, { path: `/v1beta/models?key=${TEST_MASTER_KEY}` })).status).toBe(200);
    // The UI's own page and what a person types are not marks.
    expect((await raw(gw.url, { path: '/v1/models', headers: { ...master, 'sec-fetch-site': 'same-origin', origin: gw.url } })).status).toBe(200);
    expect((await raw(gw.url, { path: '/v1/models', headers: { ...master, 'sec-fetch-site': 'none' } })).status).toBe(200);
    const signIn = await raw(gw.url, { method: 'POST', path: '/ui/session', headers: { ...json, origin: gw.url }, body: JSON.stringify({ masterKey: TEST_MASTER_KEY }) });
    expect(signIn.status).toBe(200);
    // Unmarked wrong keys still count as before.
    for (let i = 0; i < 10; i++) expect((await raw(gw.url, { path: '/v1/models', headers: { authorization: `Bearer sk-guess-${i}` } })).status).toBe(401);
    expect((await raw(gw.url, { path: '/v1/models', headers: master })).status).toBe(429);
  });

  it('counts wrong master keys at /ui/session the same way', async () => {
    let now = 1_800_000_000_000;
    const gw = await gateway('', { clock: () => now });
    const signIn = (masterKey: string): Promise<RawAnswer> => raw(gw.url, { method: 'POST', path: '/ui/session', headers: { ...json, origin: gw.url }, body: JSON.stringify({ masterKey }) });
    for (let i = 0; i < 10; i++) expect((await signIn(`sk-${i}234`)).status).toBe(401);
    expect((await signIn(TEST_MASTER_KEY)).status).toBe(429);
    now += 61_000;
    expect((await signIn(TEST_MASTER_KEY)).status).toBe(200);
  });
});

describe('/metrics', () => {
  it('needs the master key or a key granted "metrics"', async () => {
    const gw = await gateway();
    expect((await raw(gw.url, { path: '/metrics' })).status).toBe(401);
    const plain = (await gw.manage('POST', '/key/generate', {})).body.key as string;
    const granted = (await gw.manage('POST', '/key/generate', { metadata: { permissions: ['metrics'] } })).body.key as string;
    expect((await raw(gw.url, { path: '/metrics', headers: { authorization: `Bearer ${plain}` } })).status).toBe(403);
    const ok = await raw(gw.url, { path: '/metrics', headers: { authorization: `Bearer ${granted}` } });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('loopgate_requests_total');
    expect((await raw(gw.url, { path: '/metrics', headers: master })).status).toBe(200);
  });

  it('is open on loopback only when the config says so', async () => {
    const gw = await gateway('general_settings:\n  open_metrics_on_loopback: true\n');
    expect((await raw(gw.url, { path: '/metrics' })).status).toBe(200);
  });
});

describe('internal errors', () => {
  it('are logged with the request id the answer carries; the answer has no stack or path', async () => {
    const gw = await gateway();
    const failing = new Error('disk exploded at /home/someone/.config/Loopgate/store.sqlite');
    gw.store.keys.create = () => Promise.reject(failing);
    const answer = await raw(gw.url, { method: 'POST', path: '/key/generate', headers: { ...master, ...json }, body: '{}' });
    expect(answer.status).toBe(500);
    const id = answer.headers['x-request-id'] as string;
    expect(answer.body).toContain(id);
    expect(answer.body).not.toContain('/home/someone');
    expect(answer.body).not.toMatch(/at .*\.ts:\d+/);
    const logged = gw.logger.records.find((entry) => entry.level === 'error' && entry.id === id);
    expect(String(logged?.error)).toContain('/home/someone');
  });

  it('on /ui/api too: the id in the answer finds the stack in the log', async () => {
    const gw = await gateway();
    const cookie = ((await raw(gw.url, { method: 'POST', path: '/ui/session', headers: { ...json, origin: gw.url }, body: JSON.stringify({ masterKey: TEST_MASTER_KEY }) })).headers['set-cookie']?.[0] ?? '').split(
      ';',
    )[0]!;
    (gw.app.api as unknown as Record<string, () => never>)['status.get'] = () => {
      throw new Error('boom in /opt/secret/path.ts');
    };
    const answer = await raw(gw.url, { method: 'POST', path: '/ui/api/status.get', headers: { ...json, cookie, origin: gw.url }, body: '{}' });
    const id = answer.headers['x-request-id'] as string;
    const body = JSON.parse(answer.body);
    expect(body.error.code).toBe('internal');
    expect(body.error.message).toContain(id);
    expect(answer.body).not.toContain('/opt/secret');
    expect(gw.logger.records.some((entry) => entry.id === id && String(entry.error).includes('/opt/secret'))).toBe(true);
  });
});

describe('validate before writing', () => {
  it('refuses an out-of-range duration with 400 and stores nothing', async () => {
    const gw = await gateway();
    const answer = await gw.manage('POST', '/key/generate', { duration: '99999999999999d' });
    expect(answer.status).toBe(400);
    const list = await gw.manage('GET', '/key/list?return_full_object=true');
    expect(list.status).toBe(200);
    expect(list.body.keys).toEqual([]);
  });

  it('refuses wrong types on /ui/api as invalid_request, never internal, and stores nothing', async () => {
    const gw = await gateway();
    const cookie = ((await raw(gw.url, { method: 'POST', path: '/ui/session', headers: { ...json, origin: gw.url }, body: JSON.stringify({ masterKey: TEST_MASTER_KEY }) })).headers['set-cookie']?.[0] ?? '').split(
      ';',
    )[0]!;
    const call = async (method: string, request: unknown): Promise<{ ok: boolean; error?: { code: string } }> =>
      JSON.parse((await raw(gw.url, { method: 'POST', path: `/ui/api/${method}`, headers: { ...json, cookie, origin: gw.url }, body: JSON.stringify(request) })).body);
    for (const request of [{ models: 'gpt-4o-mini' }, { maxBudget: 'lots' }, { rpmLimit: -1 }, { expiresAt: 'tomorrow' }, { alias: 42 }]) {
      const answer = await call('keys.create', request);
      expect(answer.ok, JSON.stringify(request)).toBe(false);
      expect(answer.error?.code, JSON.stringify(request)).toBe('invalid_request');
    }
    expect((await gw.manage('GET', '/key/list')).body.keys).toEqual([]);
  });

  it('changes nothing when the write fails after validation (a 5xx)', async () => {
    const gw = await gateway();
    const before = await gw.manage('POST', '/key/generate', { key_alias: 'kept' });
    const original = gw.store.keys.update.bind(gw.store.keys);
    gw.store.keys.update = () => Promise.reject(new Error('injected'));
    const failed = await gw.manage('POST', '/key/update', { key: before.body.key, max_budget: 5, key_alias: 'changed' });
    expect(failed.status).toBe(500);
    gw.store.keys.update = original;
    const info = await gw.manage('GET', `/key/info?key=${before.body.key}`);
    expect(info.body.info.key_alias).toBe('kept');
    expect(info.body.info.max_budget).toBeNull();
  });
});
