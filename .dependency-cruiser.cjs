// Module boundaries from ../shared/ARCHITECTURE.md ("Layout", "Dependencies point down") and
// ../shared/CONVENTIONS.md (1, 4b), checked by `npm run lint:deps` as part of `npm test`.
// Not seen here: `import type` lines in .svelte files (the Svelte compiler drops them before
// dependency-cruiser reads the file); tests/unit/boundaries.test.ts checks those.
// Each layer below is an allowlist: a layer may import its own files, the layers named in its rule,
// npm packages and Node built-ins. Paths are relative to the project root.

/** Our own code: anything that is not an npm package or a Node built-in. */
const OURS = '^(electron|shared|renderer|tests|build)/|^vite\\.config\\.ts$';
/** The shell: the entries and the files only they use. */
const SHELL = '^electron/((main|preload|ipc|cli|cli-keys|window-options)\\.ts$|shell/)';
/** The only files that may load the `electron` npm package. */
const ELECTRON_HOSTS = '^electron/(main|preload|ipc)\\.ts$';
/** The `electron` npm package (an unresolved `electron` import fails not-to-unresolvable). */
const ELECTRON_PACKAGE = '(^|/)node_modules/electron/';

/** A forbidden dependency: any import that matches `from` and `to` fails `npm run lint:deps`. */
function forbid(name, comment, from, to) {
  return { name, comment, severity: 'error', from, to };
}

/** A layer under electron/ that may import only itself, the `allowed` layers and shared/. */
function layer(name, allowed, comment) {
  const own = ['shared', `electron/${name}`, ...allowed.map((l) => `electron/${l}`)];
  return forbid(
    `${name}-imports-only-${[...allowed, 'shared'].join('-')}`,
    comment,
    { path: `^electron/${name}/` },
    {
      path: OURS,
      pathNot: `^(${own.join('|')})/`,
    },
  );
}

module.exports = {
  forbidden: [
    layer('core', [], 'core/ "imports nothing else of ours" but shared/: "everything → core → shared"; "core importing anything of ours but shared/" is never allowed.'),
    layer('providers', ['core'], 'providers/ sit low: "Never: providers ... importing gateway"; a provider family is "free of the HTTP framework: plain data in, plain data out". It uses core/ and shared/ only.'),
    layer('dialects', ['core'], 'dialects/ use core/ and shared/ only: "dialects importing providers (they meet in the chat pivot, in core)" and "dialects ... importing gateway" are never allowed.'),
    layer(
      'config',
      ['core', 'store'],
      'config/ uses core/, shared/ and store/ (config/master-key reads store/files and store/secrets): "config holding a provider object (it names a family)" and "config ... importing gateway" are never allowed.',
    ),
    layer('store', ['core'], 'store/ uses core/ and shared/ only: "Never: ... store ... importing gateway; store importing services".'),
    layer('router', ['core', 'providers'], 'router/ uses core/, shared/ and providers/: "gateway → router → providers"; "router ... importing gateway" is never allowed.'),
    layer(
      'services',
      ['core', 'store', 'config', 'providers', 'router'],
      'services/ is "the one application layer": "gateway → services → store / config / providers"; it never reaches up to gateway/ or the shell, nor into dialects/ (HTTP formats).',
    ),
    layer(
      'mcp',
      ['core', 'config'],
      "mcp/ is \"the MCP hub: server processes and remote connections, the /mcp endpoint's session logic\": it reads its servers from config/ and uses core/ and shared/; the gateway's route row (gateway/http/mcp-routes.ts) hands it the caller's access, so it never imports gateway/, services/ or the store.",
    ),
    forbid('gateway-not-to-shell', 'gateway/ may use every layer below it but never the shell: "shell and CLI → gateway → services → store / config / providers".', { path: '^electron/gateway/' }, { path: SHELL }),
    forbid(
      'shell-binds-to-app-not-gateway',
      '"A composition root: adapters (HTTP, IPC, CLI) receive what they need and never reach into each other for it": the shell (main, ipc, cli, shell/) binds to what app/ returns (services, events, the listener), never to gateway/ directly; a gateway type the shell needs comes through app/.',
      { path: SHELL },
      { path: '^electron/gateway/' },
    ),
    forbid(
      'gateway-reaches-store-through-services',
      'gateway/ "reaches the store only through services or repository interfaces handed in": it may name a store type (`import type`, e.g. the Store or a repository interface it is given), but loads nothing from store/; a store failure becomes an answer in services/errors.ts.',
      { path: '^electron/gateway/' },
      { path: '^electron/store/', dependencyTypesNot: ['type-only'] },
    ),
    forbid(
      'only-shell-imports-app',
      'app/ is "the composition root: builds store, services, router, Redis, gateway ... once"; "shell and CLI → app (composition) → gateway → services": nothing it builds imports it back.',
      { path: '^electron/(gateway|services|router|dialects|providers|mcp|store|config|core)/' },
      { path: '^electron/app/' },
    ),
    forbid(
      'gateway-admin-and-inference-apart',
      'Inside gateway/: "admin/ and inference/ never import each other" (the LiteLLM and /ui APIs are thin adapters over services/, the proxy pipeline is its own).',
      { path: '^electron/gateway/admin/' },
      { path: '^electron/gateway/inference/' },
    ),
    forbid('gateway-inference-and-admin-apart', 'Inside gateway/: "admin/ and inference/ never import each other".', { path: '^electron/gateway/inference/' }, { path: '^electron/gateway/admin/' }),
    forbid(
      'gateway-accounting-knows-no-http',
      'Inside gateway/: "access/ and accounting/ know nothing of HTTP": accounting/ (usage, spend, request log writes) uses neither the HTTP edge nor the routes above it.',
      { path: '^electron/gateway/accounting/' },
      { path: '^electron/gateway/(http|inference|admin)/' },
    ),
    forbid(
      'gateway-access-below-the-routes',
      'Inside gateway/: "access/ and accounting/ know nothing of HTTP": access/ (authentication, throttling, limits, budgets, admission) sits below the routes that use it and takes a caller and a signal, returning the headers and hold for the HTTP layer to apply: never http/, inference/ or admin/.',
      { path: '^electron/gateway/access/' },
      { path: '^electron/gateway/(http|inference|admin)/' },
    ),
    forbid(
      'gateway-redis-below-the-routes',
      "Inside gateway/: redis/ (what several instances share) serves access/, accounting/ and the routes; it never imports the HTTP edge or the admin routes (it implements the answer cache's shared side, inference/cache.ts, and nothing else of inference/).",
      { path: '^electron/gateway/redis/' },
      { path: '^electron/gateway/(http|admin)/|^electron/gateway/inference/(?!cache\\.ts$)' },
    ),
    forbid(
      'gateway-http-dispatches',
      'Inside gateway/: "http/ dispatches to the others", so nothing else imports its listener (server.ts); the request context and body helpers are shared.',
      { path: '^electron/gateway/(inference|access|accounting|admin|redis)/' },
      { path: '^electron/gateway/http/server\\.ts$' },
    ),
    forbid(
      'electron-code-not-to-renderer-or-tests',
      '"Folder = where it runs": electron/ (Node) never loads renderer/ (DOM) code, and shipped code never loads tests/.',
      { path: '^(electron|shared)/' },
      { path: '^(renderer|tests|build)/' },
    ),
    forbid(
      'only-main-preload-ipc-import-electron',
      '"Only electron/main.ts, electron/preload.ts and electron/ipc.ts may import electron. Everything else under electron/ runs in plain Node 20+."',
      { path: '^(electron|shared|renderer)/', pathNot: ELECTRON_HOSTS },
      { path: ELECTRON_PACKAGE },
    ),
    forbid(
      'tests-import-electron-types-only',
      'The suite runs without Electron ("Test the server without Electron"), so a test may borrow a type from `electron` but never load it.',
      { path: '^tests/' },
      { path: ELECTRON_PACKAGE, dependencyTypesNot: ['type-only'] },
    ),
    forbid('shared-no-node-builtins', '"shared/ imports neither Node nor DOM APIs": it is pure TypeScript used by both sides.', { path: '^shared/' }, { dependencyTypes: ['core'] }),
    forbid(
      'shared-imports-only-shared',
      '"shared/ pure TypeScript used by both sides": it imports nothing outside shared/, neither our code nor npm packages.',
      { path: '^shared/' },
      { pathNot: '^shared/', dependencyTypesNot: ['core'] },
    ),
    forbid('renderer-no-node-builtins', '"Folder = where it runs. electron/ (Node), renderer/ (DOM), shared/ (pure)": the renderer runs in the DOM, never in Node.', { path: '^renderer/' }, { dependencyTypes: ['core'] }),
    forbid(
      'renderer-imports-only-renderer-shared',
      '"A Svelte renderer manages keys, providers and routing over IPC" through the contract that "shared/ declares": it imports shared/, its own files and npm packages, never electron/.',
      { path: '^renderer/' },
      { path: OURS, pathNot: '^(renderer|shared)/' },
    ),
    forbid('no-circular', '"Dependencies point down": a cycle inside electron/ or shared/ means two modules point at each other.', { path: '^(electron|shared)/' }, { circular: true }),
    forbid(
      'shipped-code-not-to-dev-dependency',
      'The packaged app ships "dependencies" only (electron-builder leaves devDependencies out), so electron/ and shared/ load no devDependency at run time; `electron` itself is provided by the runtime, and type-only imports vanish in the build.',
      { path: '^(electron|shared)/' },
      { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: ELECTRON_PACKAGE },
    ),
    forbid('not-to-unresolvable', 'An import that resolves to nothing is a typo or a missing package; the rules above cannot judge it either.', {}, { couldNotResolve: true }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    // Type-only imports count: a layer that names another layer's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Keep node_modules/ paths as written, also where node_modules is a link (git worktrees).
    preserveSymlinks: true,
    // Sources import `./x.js` for `./x.ts` (NodeNext): dependency-cruiser retries such a specifier
    // with .ts/.d.ts itself, as TypeScript does (its resolveWithRetry), so no extensionAlias is needed
    // (17.x rejects that option); `./lib/app.svelte.js` finds app.svelte.ts the same way.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.svelte', '.json'],
    },
  },
};
