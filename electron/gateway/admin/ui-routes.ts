// The admin UI's routes under /ui: the page and its files, sign-in and sign-out, the event
// stream, the Playground and the shared API (errors as data there, as over IPC).
import type { Route } from '../http/routes.js';
import { callApi, openEvents, redeemLoginLink, redirectToUi, serveFile, sessionState, signIn, signOut, type UiDeps } from './ui-api.js';

type UiRoute = Route<UiDeps>;

const PAGE = { access: 'ui-page', errors: 'openai', pausable: false } as const;
const LOOPBACK = { access: 'ui-loopback', errors: 'openai', pausable: false } as const;

export const UI_ROUTES: readonly UiRoute[] = [
  { method: '*', path: '/ui', ...PAGE, handle: (ctx) => redirectToUi(ctx) },
  { method: 'GET', path: '/ui/login', ...LOOPBACK, handle: (ctx, deps) => redeemLoginLink(deps, ctx) },
  { method: 'POST', path: '/ui/session', ...LOOPBACK, handle: (ctx, deps) => signIn(deps, ctx) },
  { method: 'GET', path: '/ui/session', ...PAGE, handle: (ctx, deps) => sessionState(deps, ctx) },
  { method: 'POST', path: '/ui/logout', ...PAGE, handle: (ctx, deps) => signOut(deps, ctx) },
  // Without a session: 401 and the API's error data, so an EventSource stops instead of retrying.
  { method: 'GET', path: '/ui/events', ...LOOPBACK, handle: (ctx, deps) => openEvents(deps, ctx) },
  {
    method: 'POST',
    path: '/ui/playground',
    access: 'ui-session',
    errors: 'openai',
    pausable: false,
    handle: (ctx, deps) => {
      ctx.caller = { kind: 'master' };
      return deps.playground(ctx);
    },
  },
  { method: 'POST', path: /^\/ui\/api\/(.*)$/, access: 'ui-session', errors: 'ui-data', pausable: false, handle: (ctx, deps, [name]) => callApi(deps, ctx, name!) },
  // Any other page path is the app's (it routes on the client); files are Vite's build.
  { method: ['GET', 'HEAD'], path: /^\/ui\/.*$/, ...PAGE, handle: (ctx, deps) => serveFile(deps, ctx) },
];
