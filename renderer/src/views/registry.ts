// Every view the app has, in menu order: its id (its URL, #/<id>), label, Lucide icon (the
// collapsed sidebar shows only that) and component. A new view is one row here and one id in ids.ts.
import Cloud from '@lucide/svelte/icons/cloud';
import FolderClock from '@lucide/svelte/icons/folder-clock';
import KeyRound from '@lucide/svelte/icons/key-round';
import LayoutDashboard from '@lucide/svelte/icons/layout-dashboard';
import MessageSquare from '@lucide/svelte/icons/message-square';
import Plug from '@lucide/svelte/icons/plug';
import ScrollText from '@lucide/svelte/icons/scroll-text';
import Server from '@lucide/svelte/icons/server';
import Waypoints from '@lucide/svelte/icons/waypoints';
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

export const VIEWS: ReadonlyArray<{ id: ViewId; label: string; icon: Component; component: Component }> = [
  { id: 'overview', label: 'Overview', icon: LayoutDashboard, component: Overview },
  { id: 'providers', label: 'Providers', icon: Cloud, component: Providers },
  { id: 'models', label: 'Models & routing', icon: Waypoints, component: Models },
  { id: 'keys', label: 'Keys', icon: KeyRound, component: Keys },
  { id: 'logs', label: 'Logs', icon: ScrollText, component: Logs },
  { id: 'sessions', label: 'Sessions', icon: FolderClock, component: Sessions },
  { id: 'mcp', label: 'MCP servers', icon: Server, component: Mcp },
  { id: 'playground', label: 'Playground', icon: MessageSquare, component: Playground },
  { id: 'connect', label: 'Connect', icon: Plug, component: Connect },
];
