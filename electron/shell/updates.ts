// The desktop app's self-update over electron-updater: look at start and once a day, download in
// the background (electron-updater checks the file against the SHA-512 the release's metadata
// publishes, and on Windows the publisher's signature), then install when Loopgate quits, after
// its usual flush, or at once on "Restart now". A download that fails verification is deleted
// and said plainly; nothing unverified is ever run.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ApiHandlers } from '../../shared/api.js';
import type { EventMessage } from '../../shared/events.js';
import type { UpdateSettings, UpdateView } from '../../shared/updates.js';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/** The part of electron-updater's AppUpdater the shell drives; main.ts passes `autoUpdater`. */
interface UpdaterSurface {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  allowDowngrade: boolean;
  channel: string | null;
  logger: { info(message: string): void; warn(message: string): void; error(message: string): void } | null;
  readonly currentVersion: { readonly version: string };
  checkForUpdates(): Promise<{ readonly isUpdateAvailable: boolean; readonly updateInfo: { readonly version: string } } | null>;
  downloadUpdate(): Promise<unknown>;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
}

/** The updater and how to run its verified download (the platforms differ: main.ts says how). */
export interface UpdaterHost {
  updater: UpdaterSurface;
  /** Runs the downloaded installer; `restart` opens the new version once it is in place. False when it could not. */
  install(restart: boolean): boolean;
  /** macOS: Squirrel takes the verified download at once and installs it when the process ends. */
  installsOnQuitItself?: boolean;
}

interface UpdateDeps extends UpdaterHost {
  dataDir: string;
  every(intervalMs: number, task: () => Promise<void>): () => void;
  now(): number;
  logger: Logger;
  /** Told on each change (the tray, a notification); the window hears it as the `update` event. */
  changed(view: UpdateView, previous: UpdateView): void;
}

const DAY_MS = 24 * 60 * 60_000;
const SETTINGS_FILE = 'updates.json';

const settingsSchema = z.object({ enabled: z.boolean(), channel: z.enum(['stable', 'beta']) }).strict();

/** What a failed round says to the person; a download that failed verification says so first. */
function describeFailure(error: unknown, version: string | null, current: string): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const detail = error instanceof Error ? error.message : String(error);
  const which = version ? `Loopgate ${version}` : 'The update';
  if (code === 'ERR_CHECKSUM_MISMATCH' || /sha512 checksum mismatch/i.test(detail)) {
    return `${which} was refused: the download did not match the SHA-512 its release published, so it was deleted, not installed. Loopgate stays on ${current} and looks again tomorrow.`;
  }
  if (/signature|not signed/i.test(`${code} ${detail}`)) {
    return `${which} was refused: it is not signed by Loopgate's publisher (${detail}). Loopgate stays on ${current}.`;
  }
  if (code === 'ENOENT' && detail.includes('app-update.yml')) return 'This build has no update feed (only builds of the release workflow have one), so it does not update itself.';
  return `Could not update: ${detail}. Loopgate stays on ${current} and looks again tomorrow.`;
}

export class UpdateController {
  private view: UpdateView;
  private round: Promise<UpdateView> | null = null;
  private stopTimer: (() => void) | null = null;
  private readonly listeners = new Set<(message: EventMessage) => void>();

  constructor(private readonly deps: UpdateDeps) {
    const { updater } = deps;
    // The shell downloads and installs itself: after the flush, never while a write is under way.
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = deps.installsOnQuitItself ?? false;
    updater.logger = { info: (m) => deps.logger.log('info', `Updater: ${m}`), warn: (m) => deps.logger.log('warn', `Updater: ${m}`), error: (m) => deps.logger.log('error', `Updater: ${m}`) };
    updater.on('download-progress', (progress) => this.set({ percent: Math.round(progress.percent) }));
    const current = updater.currentVersion.version;
    this.view = { settings: { enabled: true, channel: current.includes('-') ? 'beta' : 'stable' }, phase: 'idle', currentVersion: current, version: null, percent: null, message: null, checkedAt: null };
  }

  get current(): UpdateView {
    return this.view;
  }

  /** Reads the settings, looks once now and then once a day. */
  async start(): Promise<void> {
    const saved = await readFile(join(this.deps.dataDir, SETTINGS_FILE), 'utf8').then(
      (text) => settingsSchema.safeParse(JSON.parse(text)),
      () => null,
    );
    if (saved?.success) this.apply(saved.data);
    else this.apply(this.view.settings);
    this.stopTimer = this.deps.every(DAY_MS, async () => void (await this.check()));
    void this.check();
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
    this.listeners.clear();
  }

  /** The window's events: each change as `update`. */
  subscribe(listener: (message: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async configure(input: unknown): Promise<UpdateView> {
    const parsed = settingsSchema.safeParse(input);
    if (!parsed.success) throw new GatewayError('invalid_request', 'Expected { enabled: true or false, channel: "stable" or "beta" }.');
    const file = join(this.deps.dataDir, SETTINGS_FILE);
    await writeFile(`${file}.tmp`, JSON.stringify(parsed.data), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    const channelChanged = parsed.data.channel !== this.view.settings.channel;
    this.apply(parsed.data);
    if (parsed.data.enabled && (channelChanged || this.view.phase !== 'ready')) void this.check();
    return this.view;
  }

  /** One round: look, and download what is newer. Rounds never overlap; a ready update is kept. */
  check(): Promise<UpdateView> {
    if (!this.view.settings.enabled || this.view.phase === 'ready') return Promise.resolve(this.view);
    this.round ??= this.look().finally(() => (this.round = null));
    return this.round;
  }

  /** Called by the shell after its flush, just before it exits: runs a verified download's installer. */
  installOnExit(restart: boolean): boolean {
    if (this.view.phase !== 'ready') return false;
    this.deps.logger.log('info', `Installing Loopgate ${this.view.version ?? ''}${restart ? ' and restarting' : ' on quit'}`);
    try {
      return this.deps.install(restart);
    } catch (error) {
      this.deps.logger.log('error', `Could not install the update: ${String(error)}`);
      return false;
    }
  }

  private apply(settings: UpdateSettings): void {
    const { updater } = this.deps;
    updater.channel = settings.channel === 'beta' ? 'beta' : 'latest';
    updater.allowPrerelease = settings.channel === 'beta';
    // Setting a channel allows downgrades in electron-updater; going back to stable waits for a newer stable instead.
    updater.allowDowngrade = false;
    this.set({ settings, ...(settings.enabled ? (this.view.phase === 'off' ? { phase: 'idle' } : {}) : { phase: 'off', message: null, percent: null }) });
  }

  private async look(): Promise<UpdateView> {
    const { updater } = this.deps;
    this.set({ phase: 'checking', message: null, percent: null });
    let version: string | null = null;
    try {
      const result = await updater.checkForUpdates();
      if (!result) {
        this.set({ phase: 'idle', checkedAt: this.deps.now(), message: 'This build does not update itself (a development run).' });
        return this.view;
      }
      if (!result.isUpdateAvailable) {
        this.set({ phase: 'idle', version: null, checkedAt: this.deps.now() });
        return this.view;
      }
      version = result.updateInfo.version;
      this.set({ phase: 'downloading', version, percent: 0, checkedAt: this.deps.now() });
      await updater.downloadUpdate();
      this.set({ phase: 'ready', percent: null, message: `Loopgate ${version} is ready: it installs when you quit, or now with Restart now.` });
    } catch (error) {
      const message = describeFailure(error, version, this.view.currentVersion);
      this.deps.logger.log('warn', message);
      this.set({ phase: 'failed', percent: null, message, checkedAt: this.deps.now() });
    }
    return this.view;
  }

  private set(patch: Partial<UpdateView>): void {
    const previous = this.view;
    this.view = { ...previous, ...patch };
    this.deps.changed(this.view, previous);
    for (const listener of this.listeners) listener({ event: 'update', data: this.view });
  }
}

/** The `updates.*` methods the desktop shell binds over the core's (which answer invalid_request). */
export function updateApi(updates: UpdateController, restart: () => void): Pick<ApiHandlers, 'updates.get' | 'updates.configure' | 'updates.check' | 'updates.restart'> {
  return {
    'updates.get': () => updates.current,
    'updates.configure': (input) => updates.configure(input),
    'updates.check': () => updates.check(),
    'updates.restart': () => {
      if (updates.current.phase !== 'ready') return { restarting: false };
      restart();
      return { restarting: true };
    },
  };
}

/** The desktop notification a change deserves: one when an update is ready, one when a download was refused. */
export function updateNotice(view: UpdateView, previous: UpdateView): { title: string; body: string } | null {
  if (view.phase === previous.phase) return null;
  if (view.phase === 'ready') return { title: `Loopgate ${view.version ?? ''} is ready`, body: 'It installs when you quit Loopgate; or choose Restart now in the tray or the app.' };
  if (view.phase === 'failed' && view.message?.includes('was refused')) return { title: 'Loopgate refused an update', body: view.message };
  return null;
}
