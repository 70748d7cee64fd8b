// Builds the Svelte renderer into dist/renderer, and configures vitest for the whole project.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

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
    include: ['tests/**/*.test.ts'],
    // Throw-away PostgreSQL and Redis on loopback for the whole run (tests/helpers/services/).
    globalSetup: ['tests/helpers/services/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
