// The desktop app's self-update, as the renderer sees it: the two settings (on/off, channel) and
// where the current round is. Only the desktop shell answers these; browser mode has no updater.

type UpdateChannel = 'stable' | 'beta';

export interface UpdateSettings {
  /** false: Loopgate never looks for updates. */
  enabled: boolean;
  /** beta: pre-releases too. */
  channel: UpdateChannel;
}

/**
 * off: turned off in the settings; idle: nothing newer (or not looked yet); checking, downloading:
 * under way; ready: downloaded and verified, installed on quit or "Restart now"; failed: see `message`.
 */
export type UpdatePhase = 'off' | 'idle' | 'checking' | 'downloading' | 'ready' | 'failed';

export interface UpdateView {
  settings: UpdateSettings;
  phase: UpdatePhase;
  currentVersion: string;
  /** The version found (downloading, ready), or null. */
  version: string | null;
  /** Download progress, 0–100, while downloading. */
  percent: number | null;
  /** Said to the person: why it failed, what happens next. */
  message: string | null;
  /** When the last check finished (ms since the epoch), or null. */
  checkedAt: number | null;
}
