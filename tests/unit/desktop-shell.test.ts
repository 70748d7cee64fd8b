// The desktop app's lifecycle without Electron's binary: the shell (electron/shell/) runs a real
// gateway against a fake Electron (tests/helpers/fake-electron.ts) that records what it does.
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StartedGateway, StartOptions } from '../../electron/app/start.js';
import { startGateway } from '../../electron/app/start.js';
import { MemoryLogger } from '../../electron/core/logger.js';
import { DesktopShell } from '../../electron/shell/lifecycle.js';
import { autostartFile } from '../../electron/shell/login-item.js';
import { channelFor } from '../../shared/api.js';
import { eventChannel, SUBSCRIBE_CHANNEL } from '../../shared/events.js';
import { tempDir, writeConfig } from '../helpers/cli.js';
import { createFakeElectron, type FakeElectron, type FakeOptions } from '../helpers/fake-electron.js';

interface HarnessOptions extends FakeOptions {
  platform?: NodeJS.Platform;
  args?: string[];
  env?: Record<string, string>;
  trayShown?: boolean;
  /** Replaces the real startGateway, e.g. to slow it down. */
  startGateway?: (options: StartOptions) => Promise<StartedGateway>;
}

interface Harness {
  fake: FakeElectron;
  shell: DesktopShell;
  dataDir: string;
  home: string;
  /** The tasks the shell asked to repeat, by interval. */
  tasks: Array<{ intervalMs: number; task: () => Promise<void> }>;
  signals: Map<string, () => void>;
  clock: { now: number };
  /** The grace period of each gateway close() (each one a flush). */
  closes: number[];
}

const running: Harness[] = [];

afterEach(async () => {
  // Every test leaves no gateway behind: stop whatever is still up.
  await Promise.all(running.splice(0).map(({ shell }) => shell.stop(100)));
});

function harness(options: HarnessOptions = {}): Harness {
  const fake = createFakeElectron(options);
  const dataDir = tempDir('loopgate-shell-');
  const home = tempDir('loopgate-home-');
  const tasks: Harness['tasks'] = [];
  const signals = new Map<string, () => void>();
  const clock = { now: Date.now() };
  const closes: number[] = [];
  const start = options.startGateway ?? startGateway;
  const shell = new DesktopShell({
    electron: fake.electron,
    argv: ['/opt/Loopgate/loopgate', ...(options.args ?? ['--port', '0', '--data-dir', dataDir])],
    env: { XDG_CONFIG_HOME: join(home, '.config'), ...options.env },
    platform: options.platform ?? 'linux',
    execPath: '/opt/Loopgate/loopgate',
    resources: { preload: '/app/preload.cjs', cli: '/app/cli.js', trayIcon: '/app/build/tray.png', windowIcon: '/app/build/icon.png' },
    startGateway: async (startOptions) => watchFlushes(await start(startOptions), fake.timeline, closes),
    isTrayShown: async () => options.trayShown ?? true,
    every(intervalMs, task) {
      const entry = { intervalMs, task };
      tasks.push(entry);
      return () => tasks.splice(tasks.indexOf(entry), 1);
    },
    onSignal: (signal, handler) => void signals.set(signal, handler),
    now: () => clock.now,
    logMirror: null,
  });
  const h = { fake, shell, dataDir, home, tasks, signals, clock, closes };
  running.push(h);
  return h;
}

/** Resolves once the fake's event queue has run (ready-to-show and the like). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Each close() of the gateway (a flush) and its completion land on the timeline; the flush takes a little while. */
function watchFlushes(started: StartedGateway, timeline: string[], closes: number[]): StartedGateway {
  const close = started.close.bind(started);
  return Object.assign(started, {
    async close(graceMs?: number) {
      closes.push(graceMs ?? -1);
      timeline.push('flush started');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await close(graceMs);
      timeline.push('flush done');
    },
  });
}

function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server })));
}

async function signedIn(origin: string, cookie: { name: string; value: string }): Promise<boolean> {
  const response = await fetch(`${origin}/ui/session`, { headers: { cookie: `${cookie.name}=${cookie.value}` } });
  return ((await response.json()) as { value: { signedIn: boolean } }).value.signedIn;
}

function originOf(h: Harness): string {
  const loaded = h.fake.windows[0]?.loaded[0];
  if (!loaded) throw new Error('no window loaded the UI');
  return new URL(loaded).origin;
}

describe('start-up', () => {
  it('opens one window on the admin UI, already signed in, with a tray, on the port and data dir given', async () => {
    const h = harness();
    await h.shell.start();
    await settle();
    expect(h.fake.windows).toHaveLength(1);
    const window = h.fake.windows[0]!;
    expect(window.visible).toBe(true);
    expect(window.loaded).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/ui\/$/)]);
    expect(window.loaded[0]).not.toContain(':7420');
    // The session cookie is in the window's cookie jar before the page loads, and the gateway honours it.
    expect(h.fake.cookies).toHaveLength(1);
    expect(await signedIn(originOf(h), h.fake.cookies[0]!)).toBe(true);
    expect(h.fake.trays).toHaveLength(1);
    expect(h.fake.trays[0]!.item('Open Loopgate')).toBeDefined();
    expect(existsSync(join(h.dataDir, 'store.sqlite')) || existsSync(join(h.dataDir, 'loopgate.lock'))).toBe(true);
  });

  it("takes the operating system's proxy for upstream calls (Electron's resolveProxy), shown per provider", async () => {
    let started: StartedGateway | null = null;
    const h = harness({
      systemProxy: (url) => (url.startsWith('https://api.example.test') ? 'PROXY corp.example:3128; DIRECT' : 'DIRECT'),
      startGateway: async (options) => (started = await startGateway(options)),
    });
    await h.shell.start();
    const services = started!.app.services;
    const provider = await services.providers.create({ name: 'behind the OS proxy', family: 'openai', apiBase: 'https://api.example.test/v1', apiKey: 'sk-up' });
    const routeNow = async (): Promise<unknown> => (await services.providers.list()).find((view) => view.id === provider.id)?.route;
    await expect.poll(routeNow, { timeout: 5_000 }).toEqual({ via: 'http', proxy: 'http://corp.example:3128', reason: 'system' });
  });

  it('writes its log to a file in the data dir', async () => {
    const h = harness();
    await h.shell.start();
    await h.shell.logger.flush();
    expect(h.shell.logFile).toBe(join(h.dataDir, 'logs', 'loopgate.log'));
    expect(readFileSync(h.shell.logFile, 'utf8')).toContain('Loopgate is running on http://127.0.0.1:');
  });
});

describe('a boot failure', () => {
  it('names a taken port in a dialog, opens the log on request, and exits 1 without a window or tray', async () => {
    const { port, server } = await occupiedPort();
    try {
      const h = harness({ args: ['--port', String(port), '--data-dir', tempDir()], dialogResponse: 1 });
      await h.shell.start();
      expect(h.fake.dialogs).toHaveLength(1);
      const box = h.fake.dialogs[0]!;
      expect(box.message).toBe(`Port ${port} is in use — by another Loopgate? Quit it, or choose another port (--port or LOOPGATE_PORT).`);
      expect(box.buttons).toEqual(['Quit', 'Open log']);
      expect(h.fake.openedPaths).toEqual([h.shell.logFile]);
      expect(readFileSync(h.shell.logFile, 'utf8')).toContain('EADDRINUSE');
      expect(h.fake.exitCode).toBe(1);
      expect(h.fake.windows).toHaveLength(0);
      expect(h.fake.trays.filter((tray) => !tray.destroyed)).toHaveLength(0);
    } finally {
      server.close();
    }
  });

  it('names a data dir another Loopgate holds', async () => {
    const dataDir = tempDir();
    const other = await startGateway({ configFile: null, host: '127.0.0.1', port: 0, dataDir, env: {}, logger: new MemoryLogger() });
    try {
      const h = harness({ args: ['--port', '0', '--data-dir', dataDir] });
      await h.shell.start();
      expect(h.fake.dialogs[0]?.message).toMatch(/^Another Loopgate \(the app or `loopgate serve`\) is using the same data folder/);
      expect(h.fake.exitCode).toBe(1);
      expect(h.fake.windows).toHaveLength(0);
    } finally {
      await other.close(100);
    }
  });

  it('names a bad config file and a bad port, and still exits 1', async () => {
    const config = writeConfig(tempDir(), 'model_list: [oops\n');
    const badConfig = harness({ env: { LOOPGATE_CONFIG: config } });
    await badConfig.shell.start();
    expect(badConfig.fake.dialogs[0]?.message).toMatch(/config file .* is not valid/);
    expect(badConfig.fake.exitCode).toBe(1);

    const badPort = harness({ args: ['--port', 'seventy'] });
    await badPort.shell.start();
    expect(badPort.fake.dialogs[0]?.message).toMatch(/^--port expects a port from 0 to 65535, got "seventy"/);
    expect(badPort.fake.exitCode).toBe(1);
  });
});

describe('second launch and macOS activate', () => {
  it('during start-up: no blank window; the one window appears, focused, once the gateway is up', async () => {
    const gate = deferred();
    const h = harness({
      startGateway: async (options) => {
        await gate.promise;
        return startGateway(options);
      },
    });
    const booting = h.shell.start();
    await settle();
    h.fake.app.emit('second-instance');
    expect(h.fake.windows).toHaveLength(0);
    gate.resolve();
    await booting;
    await settle();
    expect(h.fake.windows).toHaveLength(1);
    expect(h.fake.windows[0]!.visible).toBe(true);
    expect(h.fake.windows[0]!.loaded).toHaveLength(1);
  });

  it('restores a minimised window instead of making another', async () => {
    const h = harness();
    await h.shell.start();
    await settle();
    const window = h.fake.windows[0]!;
    window.minimize();
    h.fake.app.emit('second-instance');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);
    expect(h.fake.windows).toHaveLength(1);
  });

  it('macOS: a Dock click or relaunch brings back the hidden window', async () => {
    const h = harness({ platform: 'darwin' });
    await h.shell.start();
    await settle();
    const window = h.fake.windows[0]!;
    expect(window.close()).toBe(false); // hidden, Loopgate stays in the menu bar
    expect(window.visible).toBe(false);
    h.fake.app.emit('activate');
    expect(window.visible).toBe(true);
    expect(h.fake.windows).toHaveLength(1);
  });
});

describe('quitting', () => {
  it('quit asked twice during the flush: one flush, completed, then exit 0', async () => {
    const h = harness();
    await h.shell.start();
    await settle();
    h.fake.app.quit();
    h.fake.app.quit();
    await h.shell.stop();
    expect(h.closes).toHaveLength(1);
    expect(h.fake.timeline).toEqual(['window created', 'flush started', 'flush done', 'exit 0']);
    // The store was closed properly: its lock is gone.
    expect(existsSync(join(h.dataDir, 'loopgate.lock'))).toBe(false);
  });

  it("quit with a window's unused connection open (Chromium's preconnect): exits without waiting out the 5 s grace period", async () => {
    const h = harness();
    await h.shell.start();
    await settle();
    const origin = new URL(originOf(h));
    const preconnect = connect(Number(origin.port), origin.hostname);
    preconnect.on('error', () => undefined);
    try {
      await new Promise((resolve) => preconnect.once('connect', resolve));
      // Answered on a later connection: the gateway has accepted the silent one by now.
      expect((await fetch(`${origin.origin}/health/liveliness`)).status).toBe(200);
      const quitAt = Date.now();
      h.fake.app.quit();
      await h.shell.stop();
      expect(Date.now() - quitAt).toBeLessThan(2_000);
    } finally {
      preconnect.destroy();
    }
    expect(h.fake.timeline.at(-1)).toBe('exit 0');
    expect(existsSync(join(h.dataDir, 'loopgate.lock'))).toBe(false);
  });

  it('Tray "Quit Loopgate": the flush, then exit 0 (the window that hides itself on close does not cancel it)', async () => {
    const h = harness();
    await h.shell.start();
    await settle();
    h.fake.trays[0]!.item('Quit Loopgate')!.click!({ checked: false });
    await h.shell.stop();
    expect(h.fake.timeline).toEqual(['window created', 'flush started', 'flush done', 'exit 0']);
  });

  it('Ctrl-C twice (a terminal and npm both pass it on): one flush, exit 0', async () => {
    const h = harness();
    await h.shell.start();
    h.signals.get('SIGINT')!();
    h.signals.get('SIGINT')!();
    h.signals.get('SIGTERM')!();
    await h.shell.stop();
    expect(h.closes).toHaveLength(1);
    expect(h.fake.timeline).toEqual(['window created', 'flush started', 'flush done', 'exit 0']);
  });

  it('Windows log-off (session-end, no before-quit): the flush runs', async () => {
    const h = harness({ platform: 'win32' });
    await h.shell.start();
    await settle();
    h.fake.windows[0]!.emit('session-end');
    await h.shell.stop();
    expect(h.closes).toEqual([1_000]);
    expect(h.fake.timeline).toEqual(['window created', 'flush started', 'flush done', 'exit 0']);
  });

  it('Linux or macOS shutting down: the system is asked to wait, and the flush runs', async () => {
    const h = harness();
    await h.shell.start();
    expect(h.fake.emitPower('shutdown')).toBe(true);
    await h.shell.stop();
    expect(h.closes).toEqual([1_000]);
  });
});

describe('closing the window', () => {
  it('Linux without a tray (stock GNOME): closing the window quits, after the flush', async () => {
    const h = harness({ trayShown: false });
    await h.shell.start();
    await settle();
    expect(h.fake.windows[0]!.close()).toBe(true);
    await h.shell.stop();
    expect(h.closes).toHaveLength(1);
    expect(h.fake.timeline).toEqual(['window created', 'flush started', 'flush done', 'exit 0']);
  });

  it('with a tray: closing hides the window and Loopgate keeps serving', async () => {
    const h = harness({ trayShown: true });
    await h.shell.start();
    await settle();
    const window = h.fake.windows[0]!;
    expect(window.close()).toBe(false);
    expect(window.visible).toBe(false);
    expect(h.fake.exitCode).toBeNull();
    expect((await fetch(`${originOf(h)}/health/liveliness`)).status).toBe(200);
  });

  it('LOOPGATE_QUIT_ON_CLOSE=1 quits even with a tray', async () => {
    const h = harness({ trayShown: true, env: { LOOPGATE_QUIT_ON_CLOSE: '1' } });
    await h.shell.start();
    await settle();
    expect(h.fake.windows[0]!.close()).toBe(true);
    await h.shell.stop();
    expect(h.fake.exitCode).toBe(0);
  });
});

describe('the tray', () => {
  it('a failing background refresh is logged, shows no dialog, and keeps the last menu', async () => {
    const h = harness({
      startGateway: async (options) => {
        const started = await startGateway(options);
        let failing = false;
        const status = started.app.api['status.get'];
        Object.assign(started.app.api, {
          'status.get': (request: Record<string, never>) => {
            if (failing) throw new Error('store unavailable');
            return status.call(started.app.api, request);
          },
        });
        setImmediate(() => (failing = true));
        return started;
      },
    });
    await h.shell.start();
    await settle();
    const tray = h.fake.trays[0]!;
    const menuBefore = tray.menu;
    expect(menuBefore).not.toBeNull();
    const refresh = h.tasks.find((entry) => entry.intervalMs === 30_000);
    await expect(refresh!.task()).resolves.toBeUndefined();
    expect(tray.menu).toBe(menuBefore);
    expect(h.fake.dialogs).toHaveLength(0);
    await h.shell.logger.flush();
    expect(readFileSync(h.shell.logFile, 'utf8')).toContain('Could not refresh the tray menu: store unavailable');
  });

  it('copies the base URL and pauses the gateway', async () => {
    const h = harness();
    await h.shell.start();
    await settle();
    const tray = h.fake.trays[0]!;
    tray.item('Copy base URL')!.click!({ checked: false });
    expect(h.fake.clipboard).toEqual([`${originOf(h)}/v1`]);
    tray.item('Pause gateway')!.click!({ checked: false });
    await expect.poll(() => tray.item('Resume gateway')).toBeDefined();
    expect((await fetch(`${originOf(h)}/v1/models`)).status).toBe(503);
  });

  it("forwards the app's events to the window: the tray's pause reaches the page as a status event", async () => {
    const h = harness();
    await h.shell.start();
    await settle();
    const sent: Array<{ channel: string; data: unknown }> = [];
    const page = { send: (channel: string, data: unknown) => void sent.push({ channel, data }), isDestroyed: () => false, once: () => undefined };
    h.fake.send(SUBSCRIBE_CHANNEL, { url: `${originOf(h)}/ui/`, parent: null }, page);
    await expect.poll(() => sent[0]).toMatchObject({ channel: eventChannel('status'), data: { paused: false } });
    h.fake.trays[0]!.item('Pause gateway')!.click!({ checked: false });
    await expect.poll(() => sent.at(-1)).toMatchObject({ channel: eventChannel('status'), data: { paused: true } });
  });

  it('Linux, installed: "Start at login" writes and removes an XDG autostart entry', async () => {
    const h = harness({ packaged: true, env: { APPIMAGE: '/home/me/Apps/Loopgate 0.1.0.AppImage' } });
    await h.shell.start();
    await settle();
    const tray = h.fake.trays[0]!;
    const file = autostartFile({ XDG_CONFIG_HOME: join(h.home, '.config') });
    // The item appears once the autostart file was looked for (a file read, slower under load than one tick).
    await expect.poll(() => tray.item('Start at login')?.checked).toBe(false);
    tray.item('Start at login')!.click!({ checked: true });
    await expect.poll(() => tray.item('Start at login')?.checked).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('Exec="/home/me/Apps/Loopgate 0.1.0.AppImage"\n');
    tray.item('Start at login')!.click!({ checked: false });
    await expect.poll(() => tray.item('Start at login')?.checked).toBe(false);
    expect(existsSync(file)).toBe(false);
    expect(h.fake.startsAtLogin).toBe(false); // Electron's login items do nothing on Linux; they are not used
  });

  it('macOS and Windows, installed: "Start at login" uses the OS login items', async () => {
    const h = harness({ packaged: true, platform: 'win32' });
    await h.shell.start();
    await settle();
    h.fake.trays[0]!.item('Start at login')!.click!({ checked: true });
    await expect.poll(() => h.fake.startsAtLogin).toBe(true);
  });

  it('a development run does not offer "Start at login" (it would start Electron, not Loopgate)', async () => {
    const h = harness({ packaged: false });
    await h.shell.start();
    await settle();
    expect(h.fake.trays[0]!.item('Open Loopgate')).toBeDefined();
    expect(h.fake.trays[0]!.item('Start at login')).toBeUndefined();
  });
});

describe('the window', () => {
  it('may write to the clipboard from the app page only; every other permission is refused', async () => {
    const h = harness();
    await h.shell.start();
    const app = `${originOf(h)}/ui/`;
    expect(await h.fake.requestPermission('clipboard-sanitized-write', { requestingUrl: app, isMainFrame: true })).toBe(true);
    expect(h.fake.checkPermission('clipboard-sanitized-write', originOf(h), { requestingUrl: app, isMainFrame: true })).toBe(true);
    expect(await h.fake.requestPermission('clipboard-sanitized-write', { requestingUrl: 'https://evil.example/ui/', isMainFrame: true })).toBe(false);
    expect(await h.fake.requestPermission('clipboard-sanitized-write', { requestingUrl: app, isMainFrame: false })).toBe(false);
    expect(await h.fake.requestPermission('clipboard-read', { requestingUrl: app, isMainFrame: true })).toBe(false);
    expect(await h.fake.requestPermission('notifications', { requestingUrl: app, isMainFrame: true })).toBe(false);
    expect(h.fake.checkPermission('media', originOf(h), { requestingUrl: app, isMainFrame: true })).toBe(false);
  });

  it('an installed app has no DevTools (window option and menu); a development run has them', async () => {
    const installed = harness({ packaged: true });
    await installed.shell.start();
    await settle();
    expect(installed.fake.windows[0]!.options.webPreferences.devTools).toBe(false);
    expect(installed.fake.applicationMenu).toBeNull();

    const installedMac = harness({ packaged: true, platform: 'darwin' });
    await installedMac.shell.start();
    expect(JSON.stringify(installedMac.fake.applicationMenu)).not.toContain('toggleDevTools');
    expect(JSON.stringify(installedMac.fake.applicationMenu)).toContain('editMenu');

    const development = harness({ packaged: false });
    await development.shell.start();
    await settle();
    expect(development.fake.windows[0]!.options.webPreferences.devTools).toBe(true);
    expect(JSON.stringify(development.fake.applicationMenu)).toContain('toggleDevTools');
  });

  it('keeps its admin session: renewed once half its life has passed, so the Playground keeps working after 12 hours', async () => {
    const h = harness();
    await h.shell.start();
    const renewal = h.tasks.find((entry) => entry.intervalMs === 15 * 60_000)!;
    await renewal.task();
    expect(h.fake.cookies).toHaveLength(1); // not due yet
    h.clock.now += 7 * 60 * 60_000;
    await renewal.task();
    expect(h.fake.cookies).toHaveLength(2);
    const renewed = h.fake.cookies[1]!;
    expect(renewed).toMatchObject({ name: 'lg_session', path: '/ui', httpOnly: true, sameSite: 'strict' });
    expect(renewed.value).not.toBe(h.fake.cookies[0]!.value);
    expect(renewed.expirationDate).toBe(Math.floor(h.clock.now / 1000) + 12 * 60 * 60);
    expect(await signedIn(originOf(h), renewed)).toBe(true);
    // Waking from a long sleep renews at once.
    h.clock.now += 13 * 60 * 60_000;
    h.fake.emitPower('resume');
    await expect.poll(() => h.fake.cookies.length).toBe(3);
  });

  it('a second instance quits at once and never starts a gateway', async () => {
    let starts = 0;
    const h = harness({
      gotLock: false,
      startGateway: (options) => {
        starts++;
        return startGateway(options);
      },
    });
    await h.shell.start();
    expect(starts).toBe(0);
    expect(h.fake.timeline).toContain('quit completed');
  });
});

describe('restarting the gateway from the app (shell.restartGateway)', () => {
  it('flushes once and starts again on the same port, signed in; a failed restart says why, and meanwhile calls answer gateway_stopped', async () => {
    let blocker: Server | null = null;
    let starts = 0;
    const h = harness({
      // The second start finds its port taken (another program grabbed it meanwhile).
      startGateway: async (options) => {
        if (++starts === 2)
          blocker = await new Promise<Server>((resolve) => {
            const server = createServer();
            server.listen(options.port, '127.0.0.1', () => resolve(server));
          });
        return startGateway(options);
      },
    });
    await h.shell.start();
    await settle();
    const origin = originOf(h);
    const frame = { url: `${origin}/ui/`, parent: null };
    const restart = (): Promise<unknown> => h.fake.invoke(channelFor('shell.restartGateway'), {}, frame);

    const failed = await restart();
    expect(failed).toMatchObject({ ok: false, error: { code: 'unavailable', message: `Port ${new URL(origin).port} is in use — by another Loopgate? Quit it, or choose another port (--port or LOOPGATE_PORT).` } });
    expect(h.closes).toHaveLength(1);
    expect(await h.fake.invoke(channelFor('status.get'), {}, frame)).toMatchObject({ ok: false, error: { code: 'gateway_stopped' } });

    await new Promise((resolve) => blocker!.close(resolve));
    expect(await restart()).toEqual({ ok: true, value: { url: origin } });
    expect(await h.fake.invoke(channelFor('status.get'), {}, frame)).toMatchObject({ ok: true, value: { paused: false } });
    expect(await signedIn(origin, h.fake.cookies.at(-1)!)).toBe(true);
    expect(h.fake.trays.filter((tray) => !tray.destroyed)).toHaveLength(1);
    // Quitting afterwards still flushes the restarted gateway.
    await h.shell.stop(100);
    expect(h.closes).toHaveLength(2);
  });
});
