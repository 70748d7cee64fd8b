// Where each tool version's executable is. The devDependency versions are in node_modules;
// other Claude Code versions are installed once into a cache directory (installs skip
// postinstall scripts, so the platform package's native binary is run directly, as its own
// postinstall would link it; a release that ships a JavaScript cli.js instead runs under node).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/cli.js';

export interface Executable {
  command: string;
  args: string[];
}

const CACHE = process.env.LOOPGATE_CONFORMANCE_CACHE ?? join(homedir(), '.cache', 'loopgate-conformance');
const PLATFORM_PACKAGE = `@anthropic-ai/claude-code-${process.platform}-${process.arch}`;

function versionIn(dir: string, name: string): string {
  return (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The Claude Code version package.json installs (the one `npm test` runs). */
export const INSTALLED_CLAUDE_CODE = versionIn(PROJECT_ROOT, '@anthropic-ai/claude-code');
export const INSTALLED_CODEX = versionIn(PROJECT_ROOT, '@openai/codex');
export const INSTALLED_GEMINI_CLI = versionIn(PROJECT_ROOT, '@google/gemini-cli');

function claudeCodeIn(dir: string): Executable | null {
  const native = join(dir, 'node_modules', PLATFORM_PACKAGE, 'claude');
  if (existsSync(native)) return { command: native, args: [] };
  const script = join(dir, 'node_modules', '@anthropic-ai/claude-code', 'cli.js');
  return existsSync(script) ? { command: process.execPath, args: [script] } : null;
}

/** Claude Code of one version, installed from npm into the cache the first time it is asked for. */
export function claudeCode(version: string): Executable {
  if (version === INSTALLED_CLAUDE_CODE) return claudeCodeIn(PROJECT_ROOT)!;
  const dir = join(CACHE, 'claude-code', version);
  const found = claudeCodeIn(dir);
  if (found) return found;
  mkdirSync(dir, { recursive: true });
  const packages = [`@anthropic-ai/claude-code@${version}`, `${PLATFORM_PACKAGE}@${version}`];
  execFileSync('npm', ['install', '--prefix', dir, ...packages, '--ignore-scripts', '--no-audit', '--no-fund', '--no-save'], { stdio: 'ignore', timeout: 300_000 });
  const installed = claudeCodeIn(dir);
  if (!installed) throw new Error(`Claude Code ${version} installed into ${dir} has neither a native binary nor cli.js`);
  return installed;
}

export const CODEX: Executable = { command: join(PROJECT_ROOT, 'node_modules/.bin/codex'), args: [] };
export const GEMINI_CLI: Executable = { command: join(PROJECT_ROOT, 'node_modules/.bin/gemini'), args: [] };
