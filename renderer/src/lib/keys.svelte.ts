// The Keys view's state: the page of keys, the one being edited, a conflict with someone
// else's edit, and the actions (errors become toasts; a stale version becomes a conflict to act on).
// The list reloads on the core's `changed: keys`, which every save brings.
import type { KeyPatch, KeyView } from '../../../shared/api.js';
import type { KeyFilter } from '../../../shared/keys.js';
import type { ConflictField } from '../components/ConflictBanner.svelte';
import { call } from './api.js';
import { KNOWN_CLIENTS } from './client-names.js';
import { app } from './app.svelte.js';
import { confirmation } from './confirm.svelte.js';
import { money, plural } from './format.js';
import { reloadOn } from './reload.js';
import { VersionedSave, type Conflict } from './versioned-save.svelte.js';
import { loadInto } from './view-load.js';

const PAGE_SIZE = 10;

export function keyName(key: KeyView): string {
  return key.keyAlias ?? key.keyPrefix;
}

/**
 * What a key's badge says: the gateway refuses a key whose spend reached its budget (until the
 * budget resets), so such a key reads "over budget", never a green "active".
 */
export function keyStatus(key: KeyView, now = Date.now()): { label: string; tone: 'ok' | 'warn' | 'danger' } {
  if (key.status === 'revoked') return { label: 'revoked', tone: 'danger' };
  if (key.status === 'expired') return { label: 'expired', tone: 'warn' };
  const resetDue = key.budgetResetAt !== null && key.budgetResetAt <= now;
  if (key.maxBudget !== null && key.spend >= key.maxBudget && !resetDue) return { label: 'over budget', tone: 'danger' };
  return { label: 'active', tone: 'ok' };
}

/** Each field a conflict can differ in, as a person reads it. */
const FIELDS: Array<{ label: string; read: (key: KeyView) => string }> = [
  { label: 'Name', read: (k) => k.keyAlias ?? '—' },
  { label: 'Allowed models', read: (k) => k.models.join(', ') || 'all' },
  { label: 'Requests / minute', read: (k) => String(k.rpmLimit ?? 'no limit') },
  { label: 'Tokens / minute', read: (k) => String(k.tpmLimit ?? 'no limit') },
  { label: 'Parallel requests', read: (k) => String(k.maxParallelRequests ?? 'no limit') },
  { label: 'Budget', read: (k) => (k.maxBudget === null ? 'no budget' : money(k.maxBudget)) },
  { label: 'Budget period', read: (k) => k.budgetDuration ?? '—' },
];

class KeysState {
  keys = $state<KeyView[]>([]);
  total = $state(0);
  page = $state(1);
  status = $state<KeyFilter | ''>('');
  search = $state('');
  /** False until the first page arrived: no "No keys yet" before we know. */
  loaded = $state(false);
  /** Why the list could not be loaded (nothing shown yet); null once it is. */
  loadError = $state<string | null>(null);
  secret = $state<{ value: string; alias: string } | null>(null);
  editing = $state<KeyView | null>(null);
  /** Saves under the version read; a conflict is someone else's version with what this person tried (mine over theirs). */
  readonly saves = new VersionedSave<KeyView, KeyPatch>({ fields: FIELDS, apply: (theirs, mine) => ({ ...theirs, ...mine }) as KeyView });
  /** Configured model groups and aliases, for the allowed-models picker. */
  known = $state<string[]>([]);

  pages = $derived(Math.max(1, Math.ceil(this.total / PAGE_SIZE)));

  get conflict(): Conflict<KeyView, KeyPatch> | null {
    return this.saves.conflict;
  }

  get conflictFields(): ConflictField[] | undefined {
    return this.saves.fields;
  }

  /** Loads the page and the model names, then follows the core's changes; returns the stop. */
  watch(): () => void {
    void this.load();
    void this.loadKnown();
    const stops = [reloadOn(['keys'], () => this.load()), reloadOn(['models', 'routing'], () => this.loadKnown())];
    return () => stops.forEach((stop) => stop());
  }

  async load(): Promise<void> {
    await loadInto(this, async () => {
      const result = await call('keys.list', { page: this.page, size: PAGE_SIZE, ...(this.status ? { status: this.status } : {}), ...(this.search ? { search: this.search } : {}) });
      this.keys = result.keys;
      this.total = result.total;
    });
  }

  async loadKnown(): Promise<void> {
    try {
      const groups = await call('models.groups', {});
      this.known = [...new Set(groups.flatMap((group) => [group.name, ...group.aliases]))].sort();
    } catch (error) {
      app.fail(error);
    }
  }

  async create(patch: KeyPatch): Promise<boolean> {
    try {
      const created = await call('keys.create', patch);
      this.secret = { value: created.secret, alias: created.key.keyAlias ?? created.key.keyPrefix };
      // The new key heads the first page; the list itself reloads on the key's `changed` event.
      if (this.page !== 1) {
        this.page = 1;
        await this.load();
      }
      return true;
    } catch (error) {
      app.fail(error);
      return false;
    }
  }

  edit(key: KeyView | null): void {
    this.editing = key;
    this.saves.clear();
  }

  setActive(key: KeyView, active: boolean): Promise<boolean> {
    return this.saves.run(async () => {
      await call('keys.setActive', { id: key.id, active, version: key.version });
      app.say(active ? `Restored ${keyName(key)}.` : `Revoked ${keyName(key)}: it stops working now.`);
    });
  }

  save(key: KeyView, patch: KeyPatch): Promise<boolean> {
    return this.saves.run(async () => {
      await call('keys.update', { ...patch, id: key.id, version: key.version });
      this.editing = null;
      app.say('Saved.');
    }, patch);
  }

  /** Takes their version: the form opens again on it. */
  async useTheirs(): Promise<void> {
    const theirs = this.saves.takeTheirs();
    if (theirs && this.editing) this.editing = theirs;
    await this.load();
  }

  /** Sends this person's edit again, naming their version. */
  async applyMine(): Promise<void> {
    const conflict = this.conflict;
    if (!conflict?.mine) return;
    await this.save(conflict.theirs, conflict.mine);
  }

  /** The tools that used the key lately; null when that cannot be told (the dialog then says it in general). */
  private async recentClients(key: KeyView): Promise<{ clients: string[]; days: number } | null> {
    try {
      return await call('keys.recentClients', { id: key.id });
    } catch {
      return null;
    }
  }

  async remove(key: KeyView): Promise<void> {
    const tools = await this.recentClients(key);
    const sure = await confirmation.ask({
      title: `Delete the key “${keyName(key)}”?`,
      body:
        tools === null
          ? `Every tool using ${key.keyPrefix}… gets “invalid API key” from its next request. Its usage history stays in the logs. This cannot be undone.`
          : tools.clients.length > 0
            ? `In the last ${plural(tools.days, 'day')} this key was used by ${listed(tools.clients.map(toolName))}: ${tools.clients.length === 1 ? 'it gets' : 'they get'} “invalid API key” from the next request. Its usage history stays in the logs. This cannot be undone.`
            : `No tool used this key in the last ${plural(tools.days, 'day')}; any that still has ${key.keyPrefix}… gets “invalid API key”. Its usage history stays in the logs. This cannot be undone.`,
      confirmLabel: 'Delete key',
    });
    if (!sure) return;
    if (await this.saves.run(() => call('keys.delete', { id: key.id }))) app.say(`Deleted ${keyName(key)}.`);
  }
}

/** A tool Loopgate knows by name, or the word its User-Agent gave ("node"), quoted as that. */
function toolName(client: string): string {
  return (KNOWN_CLIENTS as readonly string[]).includes(client) ? client : `a tool that calls itself “${client}”`;
}

/** "A, B and C". */
function listed(names: string[]): string {
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

export const keysState = new KeysState();
