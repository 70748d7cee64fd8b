// The request log's state: filters (kept in the URL), pages of 100 rows, the facets to filter
// by (every model and key in the log, recent projects, from the server; a session comes from the
// Sessions list or is pasted), one entry's details with its attempts,
// rows arriving live (the core's `log` event), and the CSV export of the filtered rows.
import type { ApiRequest, LogEntryDetails, LogEntryView, LogFacets } from '../../../shared/api.js';
import { call } from './api.js';
import { toCsv } from './csv.js';
import { app } from './app.svelte.js';
import { router } from './router.svelte.js';
import { loadInto } from './view-load.js';

const PAGE = 100;
/** The export stops here; the file says so in its name if it was cut. */
const EXPORT_MAX = 10_000;

interface LogFilters {
  keyId: string;
  model: string;
  status: '' | 'ok' | 'error';
  session: string;
  project: string;
}

/** Projects to filter by: those with requests in this many days (the Sessions list's longest period). */
const PROJECT_DAYS = 90;

function matches(entry: LogEntryView, filters: LogFilters): boolean {
  if (filters.model && entry.model !== filters.model) return false;
  if (filters.session && entry.session !== filters.session) return false;
  if (filters.project && entry.project !== filters.project) return false;
  if (filters.keyId && (entry.keyId ?? '') !== (filters.keyId === '-' ? '' : filters.keyId)) return false;
  if (filters.status === 'ok' && entry.status >= 400) return false;
  if (filters.status === 'error' && entry.status < 400) return false;
  return true;
}

function logCsv(entries: LogEntryView[]): string {
  const header = ['time', 'key', 'model', 'deployment', 'status', 'error_code', 'attempts', 'prompt_tokens', 'completion_tokens', 'latency_ms', 'cost_usd', 'id', 'session', 'project'];
  const rows = entries.map((e) => [
    new Date(e.time).toISOString(),
    e.keyLabel,
    e.model,
    e.deployment,
    e.status,
    e.errorCode,
    e.attemptCount,
    e.promptTokens,
    e.completionTokens,
    Math.round(e.latencyMs),
    e.cost,
    e.id,
    e.session,
    e.project,
  ]);
  return toCsv(header, rows);
}

class LogsState {
  entries = $state<LogEntryView[]>([]);
  loaded = $state(false);
  /** Why the first page could not be loaded (nothing shown yet); null once it is. */
  loadError = $state<string | null>(null);
  /** More rows exist past the last one shown. */
  more = $state(false);
  live = $state(true);
  facets = $state<LogFacets>({ models: [], keys: [] });
  /** Projects with requests lately, most recently active first. */
  projects = $state<string[]>([]);
  selected = $state<LogEntryDetails | null>(null);
  selectedId = $state<string | null>(null);
  /** Deployment ids to what people call them ("Mock cloud · gpt-4o"); ids are never shown. */
  private names = $state<Map<string, string>>(new Map());

  /** A deployment by name: from the app's deployments, else the log's own label. */
  deploymentName(id: string | null, label: string | null = null): string {
    if (!id) return '—';
    return this.names.get(id) ?? label ?? 'a removed deployment';
  }

  /** A message with deployment ids replaced by their names. */
  readable(text: string): string {
    return text.replace(/"?\b(dep_[A-Za-z0-9_-]+)\b"?/g, (_, id: string) => `“${this.deploymentName(id, 'a deployment')}”`);
  }

  async loadNames(): Promise<void> {
    try {
      const [deployments, providers] = await Promise.all([call('models.list', {}), call('providers.list', {})]);
      const providerNames = new Map(providers.map((p) => [p.id, p.name]));
      this.names = new Map(deployments.map((d) => [d.id, `${(d.providerId && providerNames.get(d.providerId)) || d.provider} · ${d.upstreamModel}`]));
    } catch (error) {
      app.fail(error);
    }
  }

  /** The filters are the URL's: reload keeps them, a link can carry them. */
  filters = $derived<LogFilters>({
    keyId: router.params['key'] ?? '',
    model: router.params['model'] ?? '',
    status: router.params['status'] === 'ok' || router.params['status'] === 'error' ? router.params['status'] : '',
    session: router.params['session'] ?? '',
    project: router.params['project'] ?? '',
  });

  setFilter(name: keyof LogFilters, value: string): void {
    const param = name === 'keyId' ? 'key' : name;
    router.setParams({ ...router.params, [param]: value });
  }

  private request(before?: { time: number; id: string }, limit = PAGE): ApiRequest<'logs.list'> {
    const { keyId, model, status, session, project } = this.filters;
    return {
      limit,
      ...(keyId ? { keyId: keyId === '-' ? '' : keyId } : {}),
      ...(model ? { model } : {}),
      ...(status ? { status } : {}),
      ...(session ? { session } : {}),
      ...(project ? { project } : {}),
      ...(before ? { before } : {}),
    };
  }

  async load(): Promise<void> {
    await loadInto(this, async () => {
      const page = await call('logs.list', this.request());
      this.entries = page;
      this.more = page.length === PAGE;
    });
  }

  async loadMore(): Promise<void> {
    const last = this.entries.at(-1);
    if (!last) return;
    try {
      const page = await call('logs.list', this.request({ time: last.time, id: last.id }));
      const seen = new Set(this.entries.map((e) => e.id));
      this.entries = [...this.entries, ...page.filter((e) => !seen.has(e.id))];
      this.more = page.length === PAGE;
    } catch (error) {
      app.fail(error);
    }
  }

  async loadFacets(): Promise<void> {
    try {
      const [facets, projects] = await Promise.all([call('logs.facets', {}), call('usage.sessions', { by: 'project', days: PROJECT_DAYS, limit: 200 })]);
      this.facets = facets;
      this.projects = projects.rows.map((row) => row.name);
    } catch (error) {
      app.fail(error);
    }
  }

  /** A finished request, pushed by the core. */
  arrived(entry: LogEntryView): void {
    if (!this.live || !this.loaded || !matches(entry, this.filters)) return;
    if (this.entries.some((e) => e.id === entry.id)) return;
    this.entries = [entry, ...this.entries];
    if (entry.model && !this.facets.models.includes(entry.model)) this.facets = { ...this.facets, models: [...this.facets.models, entry.model].sort() };
    if (entry.project && !this.projects.includes(entry.project)) this.projects = [entry.project, ...this.projects];
    if (entry.keyId && !this.facets.keys.some((k) => k.keyId === entry.keyId)) this.facets = { ...this.facets, keys: [...this.facets.keys, { keyId: entry.keyId, label: entry.keyLabel }] };
  }

  async select(entry: LogEntryView | null): Promise<void> {
    this.selectedId = entry?.id ?? null;
    if (!entry) return void (this.selected = null);
    // The row's own fields show at once; attempts and the error follow.
    this.selected = { ...entry, attempts: [], error: null, requestBody: null, responseBody: null };
    try {
      const details = await call('logs.get', { id: entry.id });
      if (this.selectedId === entry.id) this.selected = details;
    } catch (error) {
      app.fail(error);
    }
  }

  /** One request by its id (a replay's, the one a replay replayed), whether or not it is on the page. */
  async open(id: string): Promise<void> {
    this.selectedId = id;
    try {
      const details = await call('logs.get', { id });
      if (this.selectedId === id) this.selected = details;
    } catch (error) {
      app.fail(error);
    }
  }

  /** Every row the filters match (up to EXPORT_MAX), as a CSV file download. */
  async exportCsv(): Promise<void> {
    try {
      const rows: LogEntryView[] = [];
      let before: { time: number; id: string } | undefined;
      for (;;) {
        const page = await call('logs.list', this.request(before, 1000));
        rows.push(...page);
        const last = page.at(-1);
        if (page.length < 1000 || !last || rows.length >= EXPORT_MAX) break;
        before = { time: last.time, id: last.id };
      }
      const blob = new Blob([logCsv(rows.slice(0, EXPORT_MAX))], { type: 'text/csv;charset=utf-8' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      const { model, status, project } = this.filters;
      link.download = `loopgate-requests${project ? `-${project}` : ''}${model ? `-${model}` : ''}${status ? `-${status}` : ''}.csv`.replace(/[^\w.-]+/g, '_');
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      app.say(`Exported ${rows.length} ${rows.length === 1 ? 'request' : 'requests'}.`);
    } catch (error) {
      app.fail(error);
    }
  }
}

export const logs = new LogsState();
