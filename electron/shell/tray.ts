// The tray icon: status at a glance and the few things worth doing without the window. Its
// menu is rebuilt in the background; a failed refresh is logged and the last menu stays.
import type { StatusView } from '../../shared/api.js';
import type { Logger } from '../core/logger.js';
import type { ElectronSurface, MenuItemTemplate, TraySurface } from './electron-surface.js';
import type { LoginItem } from './login-item.js';

interface TrayFacts {
  paused: boolean;
  port: string;
  requestsToday: number;
  /** null when starting at login is not offered (a development run). */
  startsAtLogin: boolean | null;
  /** The version of a downloaded, verified update waiting to be installed, or null. */
  updateReady: string | null;
}

export interface TrayActions {
  open(): void;
  copyBaseUrl(): void;
  setPaused(paused: boolean): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
  restartToUpdate(): void;
}

function trayMenuTemplate(facts: TrayFacts, actions: TrayActions): MenuItemTemplate[] {
  const { paused } = facts;
  return [
    { label: `${paused ? 'Paused' : 'Running'} · port ${facts.port} · ${facts.requestsToday} requests today`, enabled: false },
    ...(facts.updateReady ? [{ label: `Update ready: restart to install ${facts.updateReady}`, click: () => actions.restartToUpdate() }] : []),
    { type: 'separator' },
    { label: 'Open Loopgate', click: () => actions.open() },
    { label: 'Copy base URL', click: () => actions.copyBaseUrl() },
    { label: paused ? 'Resume gateway' : 'Pause gateway', click: () => actions.setPaused(!paused) },
    ...(facts.startsAtLogin === null ? [] : [{ label: 'Start at login', type: 'checkbox' as const, checked: facts.startsAtLogin, click: (item: { checked: boolean }) => actions.setStartAtLogin(item.checked) }]),
    { type: 'separator' },
    { label: 'Quit Loopgate', click: () => actions.quit() },
  ];
}

export interface TraySource {
  status(): Promise<StatusView>;
  paused(): boolean;
  origin(): string;
  updateReady(): string | null;
}

export class TrayController {
  constructor(
    private readonly tray: TraySurface,
    private readonly menu: ElectronSurface['Menu'],
    private readonly source: TraySource,
    private readonly loginItem: LoginItem | null,
    private readonly actions: TrayActions,
    private readonly logger: Logger,
  ) {
    tray.on('click', () => actions.open());
  }

  /** Never rejects: it runs on a timer, where an error would reach the user as a crash dialog. */
  async refresh(): Promise<void> {
    try {
      const status = await this.source.status();
      const facts: TrayFacts = {
        paused: this.source.paused(),
        port: new URL(this.source.origin()).port,
        requestsToday: status.today.requests,
        startsAtLogin: this.loginItem ? await this.loginItem.isEnabled() : null,
        updateReady: this.source.updateReady(),
      };
      const update = facts.updateReady ? ` · update ${facts.updateReady} ready` : '';
      this.tray.setToolTip(`Loopgate — ${facts.paused ? 'paused' : 'running'} on ${this.source.origin()}${update}`);
      this.tray.setContextMenu(this.menu.buildFromTemplate(trayMenuTemplate(facts, this.actions)));
    } catch (error) {
      this.logger.log('warn', `Could not refresh the tray menu: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  destroy(): void {
    this.tray.destroy();
  }
}

/** macOS wants a black template image (16×16 with an @2x beside it), Windows an .ico. */
export function trayIconFile(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'trayTemplate.png';
  if (platform === 'win32') return 'tray.ico';
  return 'tray.png';
}
