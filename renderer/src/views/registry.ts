// Every view the app has, in menu order: its id (its URL, #/<id>), label, icon (the collapsed
// sidebar shows only that) and component. A new view is one row here and one id in ids.ts.
import type { Component } from 'svelte';
import Connect from './Connect.svelte';
import type { ViewId } from './ids.js';
import Keys from './Keys.svelte';
import Logs from './Logs.svelte';
import Mcp from './Mcp.svelte';
import Models from './Models.svelte';
import Overview from './Overview.svelte';
import Playground from './Playground.svelte';
import Providers from './Providers.svelte';
import Sessions from './Sessions.svelte';

export type { ViewId } from './ids.js';

export const VIEWS: ReadonlyArray<{ id: ViewId; label: string; icon: string; component: Component }> = [
  { id: 'overview', label: 'Overview', icon: '◷', component: Overview },
  { id: 'providers', label: 'Providers', icon: '☁', component: Providers },
  { id: 'models', label: 'Models & routing', icon: '⇄', component: Models },
  { id: 'keys', label: 'Keys', icon: '⚷', component: Keys },
  { id: 'logs', label: 'Logs', icon: '☰', component: Logs },
  { id: 'sessions', label: 'Sessions', icon: '◴', component: Sessions },
  { id: 'mcp', label: 'MCP servers', icon: '⚙', component: Mcp },
  { id: 'playground', label: 'Playground', icon: '✎', component: Playground },
  { id: 'connect', label: 'Connect', icon: '⚡', component: Connect },
];
