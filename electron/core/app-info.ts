// Facts about the installed app that every entry (CLI, Electron, the gateway's /ui) needs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The first existing path among candidates relative to this file (source and build differ in depth). */
function firstExisting(candidates: string[]): string | null {
  return candidates.map((candidate) => join(here, candidate)).find((path) => existsSync(path)) ?? null;
}

const PACKAGE_JSON = firstExisting(['../../package.json', '../../../package.json'])!;
export const APP_VERSION = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;

/** The built renderer: dist/renderer, found from source or from dist/electron. */
export function rendererDir(): string | null {
  // From source (electron/core/) the build is ../../dist/renderer; from dist/electron/core it is ../../renderer.
  const index = firstExisting(['../../dist/renderer/index.html', '../../renderer/index.html']);
  return index ? dirname(index) : null;
}
