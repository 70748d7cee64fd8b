// The offline fallback in the desktop app: with the cloud upstream gone (its server closed), the
// next request is served by the local group and one desktop notification says so; when the cloud
// answers again, one "Back online". The shell runs a real gateway against the fake Electron; the
// cloud sits at a host name only the test's forward proxy resolves (loopback would count as local).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGateway } from '../../electron/app/start.js';
import { DesktopShell } from '../../electron/shell/lifecycle.js';
import { tempDir, writeConfig } from '../helpers/cli.js';
import { createFakeElectron } from '../helpers/fake-electron.js';
import { openaiModel } from '../helpers/gateway.js';
import { chatCompletion, startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { startHttpProxy, type TestProxy } from '../helpers/network.js';

const MASTER = 'sk-desktop-offline';
let port = 0;
let cloud: Server | null = null;
let local: MockUpstream;
let proxy: TestProxy;

async function cloudUp(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(chatCompletion('c', 'm', { role: 'assistant', content: 'from the cloud' }, { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }))),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  cloud = server;
}

async function cloudDown(): Promise<void> {
  const server = cloud;
  cloud = null;
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

beforeAll(async () => {
  await cloudUp();
  local = await startMockOpenAI();
  proxy = await startHttpProxy();
});

afterAll(async () => {
  await Promise.all([cloudDown(), local.close(), proxy.close()]);
});

it('notifies once on going offline (cloud models served by the local group) and once on coming back', async () => {
  const fake = createFakeElectron();
  const dataDir = tempDir('loopgate-offline-');
  const config = writeConfig(
    dataDir,
    `general_settings:\n  master_key: ${MASTER}\nmodel_list:${openaiModel('cloud', 'm', `http://api.upstream.test:${port}/v1`)}${openaiModel('local', 'mock-model', local.apiBase)}\nrouter_settings:\n  num_retries: 0\n  allowed_fails: 1000\n  offline_fallback: { model: local, probe_interval: 0.1, min_state_seconds: 0.5 }\n`,
  );
  const shell = new DesktopShell({
    electron: fake.electron,
    argv: ['/opt/Loopgate/loopgate', '--port', '0', '--data-dir', dataDir, '--config', config],
    env: { XDG_CONFIG_HOME: join(dataDir, '.config'), HTTP_PROXY: proxy.url },
    platform: 'linux',
    execPath: '/opt/Loopgate/loopgate',
    resources: { preload: '/app/preload.cjs', cli: '/app/cli.js', trayIcon: '/app/build/tray.png', windowIcon: '/app/build/icon.png' },
    startGateway,
    isTrayShown: async () => true,
    every: () => () => undefined,
    onSignal: () => undefined,
    now: Date.now,
    logMirror: null,
  });
  try {
    await shell.start();
    const origin = new URL(fake.windows[0]!.loaded[0]!).origin;
    const ask = async (): Promise<{ status: number; route: string | null }> => {
      const response = await fetch(`${origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'hi' }] }),
      });
      await response.arrayBuffer();
      return { status: response.status, route: response.headers.get('x-loopgate-route') };
    };
    const titles = (): string[] => fake.notifications.map((notification) => notification.options.title);

    expect(await ask()).toEqual({ status: 200, route: 'default' });
    expect(titles()).toEqual([]);

    await cloudDown();
    expect((await ask()).status).toBe(502);
    expect(await ask()).toEqual({ status: 200, route: 'offline-fallback' });
    expect(await ask()).toEqual({ status: 200, route: 'offline-fallback' });
    expect(titles()).toEqual(['Offline: cloud models use "local"']);
    expect(fake.notifications[0]!.options.body).toContain(`api.upstream.test:${port} cannot be reached`);

    await cloudUp();
    await expect.poll(titles, { timeout: 10_000, interval: 100 }).toEqual(['Offline: cloud models use "local"', 'Back online']);
    expect(await ask()).toEqual({ status: 200, route: 'default' });
    expect(titles()).toHaveLength(2);
    // The "offline" notice is withdrawn once it no longer holds.
    expect(fake.notifications[0]!.shown).toBe(false);
  } finally {
    await shell.stop(100);
  }
});
