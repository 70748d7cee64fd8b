// A laptop's network between Loopgate and its upstreams (issue 29): calls go through the proxy
// HTTPS_PROXY / HTTP_PROXY name, skip it for NO_PROXY hosts and loopback, go through a SOCKS5
// proxy set on one provider, and a company CA's certificate is refused with a message naming it
// until the CA is added in general_settings.ca_certs. The upstream's name (api.upstream.test)
// resolves only inside the test proxies, so a call that skipped a proxy could not succeed.
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelEntry, openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { chatCompletion, startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { systemProxy, type SystemProxy } from '../../electron/core/system-proxy.js';
import { makeTestCa, startHttpProxy, startSocks5Proxy, startTlsServer, type TestCa, type TestProxy } from '../helpers/network.js';

const HOST = 'api.upstream.test';

let upstream: MockUpstream;
let httpProxy: TestProxy;
let socks: TestProxy;
let ca: TestCa;
let tlsUpstream: { port: number; close: () => Promise<void> };
const gateways: TestGateway[] = [];

/** The upstream's address under the test host name the proxies alone resolve. */
function viaName(): string {
  return `http://${HOST}:${new URL(upstream.url).port}/v1`;
}

async function gatewayFor(yaml: string, env: Record<string, string> = {}, system?: SystemProxy): Promise<TestGateway> {
  const gw = await startTestGateway(`model_list:${yaml}`, { env, ...(system ? { systemProxy: system } : {}) });
  gateways.push(gw);
  return gw;
}

async function ask(gw: TestGateway, model: string): Promise<{ status: number; body: { error?: { code?: string; message?: string }; choices?: unknown[] } }> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-test-master-key', 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

beforeAll(async () => {
  upstream = await startMockOpenAI();
  httpProxy = await startHttpProxy();
  socks = await startSocks5Proxy();
  ca = makeTestCa(HOST);
  tlsUpstream = await startTlsServer(ca, (req, res) => {
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify(chatCompletion('chatcmpl-tls', 'm', { role: 'assistant', content: 'over TLS' }, { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  });
});

afterAll(async () => {
  await Promise.all(gateways.map((gw) => gw.close()));
  await Promise.all([upstream.close(), httpProxy.close(), socks.close(), tlsUpstream.close()]);
});

describe('proxies', () => {
  it('sends a call through HTTP_PROXY, and a loopback upstream straight past it', async () => {
    const gw = await gatewayFor(`${openaiModel('named', 'm', viaName())}${openaiModel('loopback', 'm', upstream.apiBase)}`, { HTTP_PROXY: httpProxy.url, HTTPS_PROXY: httpProxy.url });
    const before = httpProxy.seen.length;
    expect((await ask(gw, 'named')).status).toBe(200);
    expect(httpProxy.seen.slice(before)).toEqual([`${HOST}:${new URL(upstream.url).port}`]);

    expect((await ask(gw, 'loopback')).status).toBe(200);
    expect(httpProxy.seen.length).toBe(before + 1);

    // The providers API says so, per provider.
    const routes = (await gw.app.services.providers.list()).map((provider) => [provider.apiBase, provider.route]);
    expect(routes).toEqual([
      [viaName(), { via: 'http', proxy: httpProxy.url, reason: 'HTTP_PROXY' }],
      [upstream.apiBase, { via: 'direct', proxy: null, reason: 'loopback' }],
    ]);
  });

  it('goes direct for a NO_PROXY host: the proxy sees nothing, and the name does not resolve without it', async () => {
    const gw = await gatewayFor(openaiModel('named', 'm', viaName()), { HTTP_PROXY: httpProxy.url, NO_PROXY: `localhost,.${HOST.split('.').slice(1).join('.')}` });
    const before = httpProxy.seen.length;
    const answer = await ask(gw, 'named');
    expect(answer.status).toBe(502);
    expect(answer.body.error?.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(httpProxy.seen.length).toBe(before);
    expect((await gw.app.services.providers.list())[0]?.route).toEqual({ via: 'direct', proxy: null, reason: 'no_proxy' });
  });

  it("sends one provider's calls through its own SOCKS5 proxy, whatever HTTP_PROXY says", async () => {
    const gw = await gatewayFor(`${modelEntry('socks', { model: 'openai/m', api_base: viaName(), api_key: 'sk-up', proxy: socks.url })}${openaiModel('plain', 'm', viaName())}`, { HTTP_PROXY: httpProxy.url });
    const [socksBefore, httpBefore] = [socks.seen.length, httpProxy.seen.length];
    expect((await ask(gw, 'socks')).status).toBe(200);
    expect(socks.seen.slice(socksBefore)).toEqual([`${HOST}:${new URL(upstream.url).port}`]);
    expect(httpProxy.seen.length).toBe(httpBefore);
    expect((await ask(gw, 'plain')).status).toBe(200);
    expect(httpProxy.seen.length).toBe(httpBefore + 1);
  });

  it("follows the operating system's proxy where nothing else is set (the desktop app), asked once per origin, and shows it", async () => {
    const asked: string[] = [];
    const proxyHost = new URL(httpProxy.url).host;
    // Electron's resolveProxy answers per URL, PAC-style: this "system" proxies the test host only.
    const os = systemProxy(async (url) => (asked.push(url), url.includes(HOST) ? `PROXY ${proxyHost}; DIRECT` : 'DIRECT'));
    const gw = await gatewayFor(`${openaiModel('named', 'm', viaName())}${openaiModel('loopback', 'm', upstream.apiBase)}`, {}, os);
    const before = httpProxy.seen.length;
    expect((await ask(gw, 'named')).status).toBe(200);
    expect((await ask(gw, 'named')).status).toBe(200);
    expect(httpProxy.seen.slice(before)).toEqual([`${HOST}:${new URL(upstream.url).port}`]);
    expect(asked.filter((url) => url.includes(HOST))).toHaveLength(1);
    const routes = (await gw.app.services.providers.list()).map((provider) => [provider.apiBase, provider.route]);
    expect(routes).toEqual([
      [viaName(), { via: 'http', proxy: httpProxy.url, reason: 'system' }],
      [upstream.apiBase, { via: 'direct', proxy: null, reason: 'loopback' }],
    ]);
  });

  it("sets a stored provider's proxy in the app, and its calls take it", async () => {
    const gw = await gatewayFor(openaiModel('unused', 'm', upstream.apiBase));
    const provider = await gw.app.services.providers.create({ name: 'behind socks', family: 'openai', apiBase: viaName(), apiKey: 'sk-up', proxy: socks.url });
    expect(provider.route).toEqual({ via: 'socks5', proxy: socks.url, reason: 'provider' });
    await expect(gw.app.services.providers.create({ name: 'bad', family: 'openai', apiBase: viaName(), apiKey: 'sk-up', proxy: 'ftp://nowhere' })).rejects.toThrow(/proxy/);
    await gw.app.services.models.add({ modelName: 'stored', providerId: provider.id, upstreamModel: 'm' });
    const before = socks.seen.length;
    expect((await ask(gw, 'stored')).status).toBe(200);
    expect(socks.seen.length).toBe(before + 1);
  });

  it("tests a provider's connection the way its requests go: through HTTP_PROXY, or through its own proxy", async () => {
    const gw = await gatewayFor(openaiModel('unused', 'm', upstream.apiBase), { HTTP_PROXY: httpProxy.url, HTTPS_PROXY: httpProxy.url });
    const providers = gw.app.services.providers;
    const viaEnv = await providers.create({ name: 'behind the proxy', family: 'openai', apiBase: viaName(), apiKey: 'sk-up' });
    const before = httpProxy.seen.length;
    const tested = await providers.test(viaEnv.id);
    expect(tested).toMatchObject({ ok: true, error: null });
    expect(tested.models.length).toBeGreaterThan(0);
    expect(httpProxy.seen.slice(before)).toEqual([`${HOST}:${new URL(upstream.url).port}`]);

    const viaOwn = await providers.create({ name: 'behind socks too', family: 'openai', apiBase: viaName(), apiKey: 'sk-up', proxy: socks.url });
    const socksBefore = socks.seen.length;
    expect(await providers.test(viaOwn.id)).toMatchObject({ ok: true, error: null });
    expect(socks.seen.length).toBe(socksBefore + 1);
  });
});

describe('a proxy that drops the tunnel', () => {
  it('fails the call as unreachable instead of hanging (undici would retry the CONNECT for ever)', async () => {
    const dropping = createServer();
    let tunnels = 0;
    dropping.on('connect', (_req, client: Socket) => {
      tunnels++;
      client.destroy();
    });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    try {
      const gw = await gatewayFor(openaiModel('named', 'm', viaName()), { HTTP_PROXY: `http://127.0.0.1:${(dropping.address() as AddressInfo).port}` });
      const answer = await ask(gw, 'named');
      expect(answer.status).toBe(502);
      expect(answer.body.error?.code).toBe('upstream_unreachable');
      expect(answer.body.error?.message).toContain('ECONNRESET');
      expect(tunnels).toBeLessThan(5);
    } finally {
      dropping.closeAllConnections();
      await new Promise((resolve) => dropping.close(resolve));
    }
  });
});

describe('company certificates', () => {
  it('names the certificate a TLS upstream presented that is not trusted, and works once its CA is in ca_certs', async () => {
    const tlsBase = `https://${HOST}:${tlsUpstream.port}/v1`;
    const untrusting = await gatewayFor(openaiModel('tls', 'm', tlsBase), { HTTPS_PROXY: httpProxy.url });
    const refused = await ask(untrusting, 'tls');
    expect(refused.status).toBe(502);
    expect(refused.body.error?.code).toBe('upstream_certificate');
    expect(refused.body.error?.message).toContain(`CN=${HOST}`);
    expect(refused.body.error?.message).toContain('CN=Loopgate Test CA');
    expect(refused.body.error?.message).toContain('general_settings.ca_certs');

    const trusting = await startTestGateway(`model_list:${openaiModel('tls', 'm', tlsBase)}\ngeneral_settings:\n  ca_certs: ${JSON.stringify(ca.caFile)}\n`, { env: { HTTPS_PROXY: httpProxy.url } });
    gateways.push(trusting);
    const served = await ask(trusting, 'tls');
    expect(served.status).toBe(200);
  });

  it('trusts the CA named in NODE_EXTRA_CA_CERTS', async () => {
    const gw = await gatewayFor(openaiModel('tls', 'm', `https://${HOST}:${tlsUpstream.port}/v1`), { HTTPS_PROXY: httpProxy.url, NODE_EXTRA_CA_CERTS: ca.caFile });
    expect((await ask(gw, 'tls')).status).toBe(200);
  });
});
