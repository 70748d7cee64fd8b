// Builds the Svelte renderer into dist/renderer, and configures vitest for the whole project.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/** The tests that run the real agents' binaries (Claude Code, Codex CLI, Gemini CLI) against the gateway. */
const REAL_AGENTS = [
  'tests/conformance/**/*.test.ts',
  'tests/integration/real-*.test.ts',
  'tests/integration/launch-tools.test.ts',
  'tests/integration/connect-mcp.test.ts',
  'tests/integration/mcp-claude-code.test.ts',
  'tests/integration/passthrough-claude.test.ts',
];

export default defineConfig({
  root: 'renderer',
  // Relative asset URLs: the same build loads from file:// in Electron and from /ui/ in a browser.
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
  },
  test: {
    root: '.',
    // Throw-away PostgreSQL and Redis on loopback for the whole run (tests/helpers/services/).
    globalSetup: ['tests/helpers/services/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      // Two files at a time (the machine has two cores and most tests wait on sockets), then the real agents one by one:
      // Claude Code's background model discovery, for one, gives up when its machine is busy.
      { extends: true, test: { name: 'suite', include: ['tests/**/*.test.ts'], exclude: REAL_AGENTS, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'real agents', include: REAL_AGENTS, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
