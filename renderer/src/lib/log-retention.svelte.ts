// The request log's retention as the Logs view edits it: days and a size cap, checked here as
// the service checks them, and which requests keep their bodies (capture); saved with the version read (a stale one shows the current values).
import type { LogRetentionView } from '../../../shared/api.js';
import type { CaptureMode } from '../../../shared/keys.js';
import { call } from './api.js';
import { quantity } from './format.js';
import { SettingsForm } from './settings-form.svelte.js';

export const CAPTURE_LABELS: Record<CaptureMode, string> = { off: 'Off', failed: 'Failed requests', all: 'All requests' };
const CAPTURE_SUMMARY: Record<CaptureMode, string> = { off: 'no bodies kept', failed: 'bodies of failed requests kept', all: 'all bodies kept' };
const SOURCE = { app: 'set in the app', 'config file': 'from the config file', defaults: 'the defaults' } as const;

class LogRetentionState extends SettingsForm<LogRetentionView> {
  days = $state('');
  maxMegabytes = $state('');
  capture = $state<CaptureMode>('off');

  readonly daysError = $derived(checkNumber(this.days, 1 / 24, 3650, 'days', false));
  readonly sizeError = $derived(checkNumber(this.maxMegabytes, 10, 1_000_000, 'MB', true));

  get summary(): string {
    const view = this.current;
    if (!view) return '';
    // Sizes come rounded to 0.1 MB: a young log would read "0 MB" as if it were empty.
    const inUse = view.sizeMegabytes < 0.1 ? 'under 0.1 MB' : `${view.sizeMegabytes} MB`;
    return `Kept ${formatDays(view.days)}, at most ${view.maxMegabytes} MB (${SOURCE[view.source]}); ${inUse} in use; ${CAPTURE_SUMMARY[view.capture]}.`;
  }

  load(): Promise<void> {
    return this.read(() => call('logs.retention', {}));
  }

  async save(): Promise<void> {
    if (!this.current || this.daysError || this.sizeError) return;
    const request = { days: Number(this.days), maxMegabytes: Number(this.maxMegabytes), capture: this.capture, version: this.current.version };
    await this.write(() => call('logs.setRetention', request), 'Log settings saved and applied.', 'Someone else changed log retention first; their values are shown now.');
  }

  protected fill(view: LogRetentionView): void {
    this.days = String(Math.round(view.days * 1000) / 1000);
    this.maxMegabytes = String(view.maxMegabytes);
    this.capture = view.capture;
  }
}

function formatDays(days: number): string {
  return days === 1 ? '1 day' : `${Math.round(days * 1000) / 1000} days`;
}

function checkNumber(text: string, min: number, max: number, unit: string, whole: boolean): string | undefined {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) return 'Enter a number.';
  if (whole && !Number.isInteger(value)) return 'Enter a whole number.';
  if (value < min || value > max) return `From ${min === 1 / 24 ? '0.042 (one hour)' : min} to ${quantity(max, unit)}.`;
  return undefined;
}

export const logRetention = new LogRetentionState();
