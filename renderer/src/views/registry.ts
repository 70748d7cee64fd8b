// Every view the app has, in menu order: its id (used in navigation), label and component. A new
// view is one row here.
import type { Component } from 'svelte';
import Connect from './Connect.svelte';
import Keys from './Keys.svelte';
import Logs from './Logs.svelte';
import Models from './Models.svelte';
import Overview from './Overview.svelte';
import Playground from './Playground.svelte';
import Providers from './Providers.svelte';

export const VIEWS = [
  { id: 'overview', label: 'Overview', component: Overview },
  { id: 'providers', label: 'Providers', component: Providers },
  { id: 'models', label: 'Models & routing', component: Models },
  { id: 'keys', label: 'Keys', component: Keys },
  { id: 'logs', label: 'Logs', component: Logs },
  { id: 'playground', label: 'Playground', component: Playground },
  { id: 'connect', label: 'Connect', component: Connect },
] as const satisfies ReadonlyArray<{ id: string; label: string; component: Component }>;

export type ViewId = (typeof VIEWS)[number]['id'];
